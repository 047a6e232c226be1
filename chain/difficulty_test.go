package chain

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
)

// asertVector is one run file of the aserti3-2d test vectors published with
// the spec (bitcoin-cash-node qa-assets, test_vectors/aserti3-2d): an anchor
// and, per line, an evaluation block's height and time and the bits the next
// block must have. Times are seconds; the rule's constants are BCH mainnet's.
type asertVector struct {
	name        string
	description string
	anchor      ASERTAnchor
	rows        []asertRow
}

type asertRow struct {
	height uint64
	time   uint64
	bits   uint32
}

// BCH mainnet constants the vectors were generated with.
const (
	bchIdealBlockTime = 600    // s
	bchHalfLife       = 172800 // s, two days
	bchPowLimitBits   = 0x1d00ffff
)

// loadASERTVectors reads every testdata/asert/run* file.
func loadASERTVectors(t *testing.T) []asertVector {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "asert", "run*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no ASERT vectors in testdata/asert")
	}
	var vectors []asertVector
	for _, p := range paths {
		vectors = append(vectors, parseASERTVector(t, p))
	}
	return vectors
}

// parseASERTVector parses one run file: "##   key: value" header lines, a
// "# ..." column comment, then "iteration height time bits" rows.
func parseASERTVector(t *testing.T, path string) asertVector {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v := asertVector{name: filepath.Base(path)}
	var iterations uint64
	var haveHeight, haveTime, haveBits bool
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		fail := func(err error) { t.Fatalf("%s:%d: %q: %v", path, line, text, err) }
		switch {
		case text == "":
		case strings.HasPrefix(text, "##"):
			key, value, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(text, "##")), ":")
			if !ok {
				fail(errors.New("header line without ':'"))
			}
			value = strings.TrimSpace(value)
			var err error
			switch key {
			case "description":
				v.description = value
			case "anchor height":
				v.anchor.Height, err = strconv.ParseUint(value, 10, 64)
				haveHeight = true
			case "anchor ancestor time":
				v.anchor.ParentTime, err = strconv.ParseInt(value, 10, 64)
				haveTime = true
			case "anchor nBits":
				var b uint64
				b, err = strconv.ParseUint(strings.TrimPrefix(value, "0x"), 16, 32)
				v.anchor.Bits = uint32(b)
				haveBits = true
			case "iterations":
				iterations, err = strconv.ParseUint(value, 10, 64)
			case "start height", "start time":
			default:
				err = fmt.Errorf("unknown header %q", key)
			}
			if err != nil {
				fail(err)
			}
		case strings.HasPrefix(text, "#"):
		default:
			fields := strings.Fields(text)
			if len(fields) != 4 {
				fail(errors.New("want 4 columns"))
			}
			h, err1 := strconv.ParseUint(fields[1], 10, 64)
			tm, err2 := strconv.ParseUint(fields[2], 10, 64)
			b, err3 := strconv.ParseUint(strings.TrimPrefix(fields[3], "0x"), 16, 32)
			if err := errors.Join(err1, err2, err3); err != nil {
				fail(err)
			}
			v.rows = append(v.rows, asertRow{height: h, time: tm, bits: uint32(b)})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if !haveHeight || !haveTime || !haveBits {
		t.Fatalf("%s: anchor header incomplete", path)
	}
	if uint64(len(v.rows)) != iterations {
		t.Fatalf("%s: %d rows, header says %d iterations", path, len(v.rows), iterations)
	}
	return v
}

// TestASERTVectors runs the published aserti3-2d vectors, in their seconds
// and scaled to milliseconds (every time and both durations times 1000): the
// exponent ((dt - T*(dh+1)) * 2^16) / tau is unchanged by the common factor,
// so the bits must be identical in both units.
func TestASERTVectors(t *testing.T) {
	t.Parallel()
	for _, v := range loadASERTVectors(t) {
		for _, unit := range []struct {
			name  string
			scale uint64
		}{{"s", 1}, {"ms", 1000}} {
			t.Run(v.name+"/"+unit.name, func(t *testing.T) {
				t.Parallel()
				anchor := v.anchor
				anchor.ParentTime *= int64(unit.scale)
				for i, r := range v.rows {
					got, err := CalcASERT(anchor, r.height, r.time*unit.scale,
						bchIdealBlockTime*unit.scale, bchHalfLife*unit.scale, bchPowLimitBits)
					if err != nil {
						t.Fatalf("row %d (height %d, time %d): %v", i+1, r.height, r.time, err)
					}
					if got != r.bits {
						t.Fatalf("%s row %d (height %d, time %d): bits 0x%08x, want 0x%08x",
							v.description, i+1, r.height, r.time, got, r.bits)
					}
				}
			})
		}
	}
}

// TestASERTFactorNoOverflow checks the claim that the cubic polynomial fits
// uint64 for every 16-bit fraction: its coefficients are positive, so the
// sum is largest at frac = 65535, which is checked against exact math/big
// arithmetic. It also checks that the factor rises monotonically from 2^16
// toward 2^17 over the whole range.
func TestASERTFactorNoOverflow(t *testing.T) {
	t.Parallel()
	const maxFrac = asertRadix - 1
	f := big.NewInt(maxFrac)
	exact := new(big.Int).Mul(big.NewInt(asertC1), f)
	exact.Add(exact, new(big.Int).Mul(big.NewInt(asertC2), new(big.Int).Mul(f, f)))
	exact.Add(exact, new(big.Int).Mul(big.NewInt(asertC3), new(big.Int).Exp(f, big.NewInt(3), nil)))
	exact.Add(exact, big.NewInt(asertRound))
	if exact.BitLen() > 64 {
		t.Fatalf("polynomial at frac %d is %v, overflows uint64", maxFrac, exact)
	}
	frac := uint64(maxFrac)
	if got := asertC1*frac + asertC2*frac*frac + asertC3*frac*frac*frac + asertRound; got != exact.Uint64() {
		t.Fatalf("uint64 polynomial %d, exact %v", got, exact)
	}
	prev := uint64(0)
	for frac := uint64(0); frac < asertRadix; frac++ {
		factor := asertRadix + (asertC1*frac+asertC2*frac*frac+asertC3*frac*frac*frac+asertRound)>>asertPolyShift
		if factor < prev || factor < asertRadix || factor >= 2*asertRadix {
			t.Fatalf("frac %d: factor %d (previous %d) not monotonic in [2^16, 2^17)", frac, factor, prev)
		}
		prev = factor
	}
}

// devConfig returns the dev chain's configuration at a fixed genesis time.
func devConfig(t testing.TB) *params.ChainConfig {
	t.Helper()
	g := params.DevGenesis(1_700_000_000_000)
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	return g.Config()
}

// TestNextBitsSchedule checks Quarry's genesis anchoring: block 1 and every
// block on the ideal schedule get the genesis bits; a chain one half-life
// ahead of schedule gets half the target, one behind twice the target (up
// to the PoW limit).
func TestNextBitsSchedule(t *testing.T) {
	t.Parallel()
	cfg := devConfig(t)
	initial, _ := types.CompactToTarget(cfg.InitialBits)
	half := types.TargetToCompact(new(big.Int).Rsh(initial, 1))
	double := types.TargetToCompact(new(big.Int).Lsh(initial, 1))
	g, T, tau := cfg.GenesisTime, cfg.TargetBlockTime, cfg.ASERTHalfLife
	tests := []struct {
		name         string
		parentHeight uint64
		parentTime   uint64
		want         uint32
	}{
		{"block 1 (parent genesis)", 0, g, cfg.InitialBits},
		{"on schedule at 10", 10, g + 10*T, cfg.InitialBits},
		{"on schedule at 1e6", 1_000_000, g + 1_000_000*T, cfg.InitialBits},
		{"one half-life ahead", 100, g + 100*T - tau, half},
		{"one half-life behind", 100, g + 100*T + tau, double},
		{"far behind: pow limit", 1, g + 1_000_000*T, cfg.PowLimitBits},
		{"far ahead: hardest target", 1_000_000, g, 0x01010000},
		{"parent time before genesis", 5, 0, 0x01010000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := NextBits(cfg, tt.parentHeight, tt.parentTime)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("NextBits = 0x%08x, want 0x%08x", got, tt.want)
			}
		})
	}
}

// TestCalcASERTErrors checks that bad parameters are errors, not panics.
func TestCalcASERTErrors(t *testing.T) {
	t.Parallel()
	good := ASERTAnchor{Height: 10, Bits: 0x1d00ffff, ParentTime: 0}
	tests := []struct {
		name     string
		anchor   ASERTAnchor
		height   uint64
		halfLife uint64
		limit    uint32
	}{
		{"height below anchor", good, 9, bchHalfLife, bchPowLimitBits},
		{"zero half-life", good, 10, 0, bchPowLimitBits},
		{"zero anchor bits", ASERTAnchor{Height: 10}, 10, bchHalfLife, bchPowLimitBits},
		{"negative anchor bits", ASERTAnchor{Height: 10, Bits: 0x1d800001}, 10, bchHalfLife, bchPowLimitBits},
		{"overflowing limit bits", good, 10, bchHalfLife, 0xff00ffff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := CalcASERT(tt.anchor, tt.height, 0, bchIdealBlockTime, tt.halfLife, tt.limit)
			if !errors.Is(err, ErrASERTParams) {
				t.Fatalf("err = %v, want ErrASERTParams", err)
			}
		})
	}
	if _, err := NextBits(nil, 0, 0); !errors.Is(err, ErrASERTParams) {
		t.Fatalf("NextBits(nil) err = %v, want ErrASERTParams", err)
	}
	if _, err := NextBits(&params.ChainConfig{}, 0, 0); !errors.Is(err, ErrASERTParams) {
		t.Fatalf("NextBits(zero config) err = %v, want ErrASERTParams", err)
	}
}

// TestCalcASERTExtremes feeds the largest and smallest inputs: the result
// must still be a valid target within [1, limit].
func TestCalcASERTExtremes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		anchor       ASERTAnchor
		height, time uint64
		ideal, tau   uint64
		limit, want  uint32
	}{
		{ASERTAnchor{0, 0x1d00ffff, math.MinInt64}, 0, math.MaxUint64, 1, 1, bchPowLimitBits, bchPowLimitBits},
		{ASERTAnchor{0, 0x1d00ffff, math.MaxInt64}, math.MaxUint64, 0, math.MaxUint64, 1, bchPowLimitBits, 0x01010000},
		{ASERTAnchor{0, 0x01010000, 0}, 0, 1, 1, math.MaxUint64, 0x207fffff, 0x01010000},
		{ASERTAnchor{math.MaxUint64, 0x207fffff, 0}, math.MaxUint64, math.MaxUint64, 0, 1, 0x207fffff, 0x207fffff},
	} {
		got, err := CalcASERT(tc.anchor, tc.height, tc.time, tc.ideal, tc.tau, tc.limit)
		if err != nil {
			t.Fatalf("%+v: %v", tc, err)
		}
		if got != tc.want {
			t.Fatalf("%+v: bits 0x%08x, want 0x%08x", tc, got, tc.want)
		}
	}
}

// FuzzCalcASERT: any input gives an error or a valid target within the limit.
func FuzzCalcASERT(f *testing.F) {
	f.Add(uint64(1), uint32(0x1d00ffff), int64(0), uint64(2), uint64(1200), uint64(600), uint64(172800), uint32(0x1d00ffff))
	f.Add(uint64(0), uint32(0x1f00ffff), int64(-1000), uint64(0), uint64(0), uint64(1000), uint64(60000), uint32(0x207fffff))
	f.Add(uint64(1<<63), uint32(0x01010000), int64(math.MinInt64), uint64(math.MaxUint64), uint64(math.MaxUint64), uint64(0), uint64(1), uint32(0x01010000))
	f.Fuzz(func(t *testing.T, ah uint64, abits uint32, apt int64, h, tm, ideal, tau uint64, limit uint32) {
		bits, err := CalcASERT(ASERTAnchor{ah, abits, apt}, h, tm, ideal, tau, limit)
		if err != nil {
			if !errors.Is(err, ErrASERTParams) {
				t.Fatalf("error %v is not ErrASERTParams", err)
			}
			return
		}
		target, err := types.CompactToTarget(bits)
		if err != nil {
			t.Fatalf("result 0x%08x invalid: %v", bits, err)
		}
		limitTarget, _ := types.CompactToTarget(limit)
		if target.Cmp(limitTarget) > 0 {
			t.Fatalf("result 0x%08x above limit 0x%08x", bits, limit)
		}
	})
}

// TestASERTSimulation mines a simulated chain under the real rule: a miner
// with a given hash rate finds each block after an exponentially distributed
// time whose mean is the block's work divided by the hash rate. The hash
// rate jumps 10x up, then back down. A few half-lives after each jump the
// mean block time must be back within 10% of the target, and the difficulty
// must have followed the hash rate by about 10x. The PRNG is seeded, so the
// test is deterministic.
func TestASERTSimulation(t *testing.T) {
	t.Parallel()
	cfg := devConfig(t)
	T := float64(cfg.TargetBlockTime)
	tauBlocks := int(cfg.ASERTHalfLife / cfg.TargetBlockTime) // 60
	rng := rand.New(rand.NewPCG(0x5157, 0xa5e27))

	work := func(bits uint32) float64 {
		w, _ := new(big.Float).SetInt(CalcWork(bits)).Float64()
		return w
	}
	// Hash rate (hashes per ms) at which the genesis difficulty gives
	// exactly the target block time.
	base := work(cfg.InitialBits) / T

	type block struct {
		time uint64
		bits uint32
	}
	const phase = 1500 // blocks per hash-rate phase
	rates := []float64{base, 10 * base, base}
	chain := []block{{time: cfg.GenesisTime, bits: cfg.InitialBits}}
	clock := float64(cfg.GenesisTime)
	for _, rate := range rates {
		for range phase {
			parent := chain[len(chain)-1]
			bits, err := NextBits(cfg, uint64(len(chain)-1), parent.time)
			if err != nil {
				t.Fatal(err)
			}
			clock += rng.ExpFloat64() * work(bits) / rate
			chain = append(chain, block{time: uint64(clock), bits: bits})
		}
	}

	// Measure from 6 half-lives after each jump to the end of the phase.
	settle := 6 * tauBlocks
	for i := range rates {
		from := i*phase + settle
		to := (i + 1) * phase
		mean := float64(chain[to].time-chain[from].time) / float64(to-from)
		if math.Abs(mean-T)/T > 0.10 {
			t.Errorf("phase %d (rate x%.0f): mean block time %.0f ms over blocks %d..%d, want %.0f +-10%%",
				i, rates[i]/base, mean, from, to, T)
		}
		// The settled difficulty should track the hash rate.
		var sum float64
		for _, b := range chain[from:to] {
			sum += work(b.bits)
		}
		ratio := sum / float64(to-from) / work(cfg.InitialBits)
		want := rates[i] / base
		if ratio < 0.8*want || ratio > 1.25*want {
			t.Errorf("phase %d: mean work %.2fx genesis, want about %.0fx", i, ratio, want)
		}
		t.Logf("phase %d: rate x%.0f, mean block time %.0f ms, difficulty x%.2f", i, want, mean, ratio)
	}
}

func BenchmarkNextBits(b *testing.B) {
	cfg := devConfig(b)
	for i := 0; b.Loop(); i++ {
		if _, err := NextBits(cfg, uint64(i), cfg.GenesisTime+uint64(i)*cfg.TargetBlockTime+uint64(i%7)*100); err != nil {
			b.Fatal(err)
		}
	}
}
