package chain

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
)

// testGenesisTime is the genesis time of the header tests, unix ms.
const testGenesisTime = 1_700_000_000_000

// testHeaderConfig is the dev chain with an initial target of 0x0fffff *
// 2^224, about 4096 hashes per block, so a test can mine a real header in a
// few milliseconds while most nonces still fail.
func testHeaderConfig(t testing.TB) (*params.Genesis, *params.ChainConfig) {
	t.Helper()
	g := params.DevGenesis(testGenesisTime)
	g.InitialBits = 0x1f0fffff
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	return g, g.Config()
}

// mine sets h.Nonce to the first nonce from 0 whose hash meets h.Bits.
func mine(t testing.TB, h *types.Header) {
	t.Helper()
	target, err := types.CompactToTarget(h.Bits)
	if err != nil {
		t.Fatalf("mine: %v", err)
	}
	for h.Nonce = 0; h.Nonce < 1<<20; h.Nonce++ {
		if types.HashToBig(h.Hash()).Cmp(target) <= 0 {
			return
		}
	}
	t.Fatalf("mine: no nonce below 2^20 meets bits 0x%08x", h.Bits)
}

// spoil sets h.Nonce to the first nonce whose hash does not meet h.Bits.
func spoil(t testing.TB, h *types.Header) {
	t.Helper()
	target, _ := types.CompactToTarget(h.Bits)
	for h.Nonce = 0; ; h.Nonce++ {
		if types.HashToBig(h.Hash()).Cmp(target) > 0 {
			return
		}
	}
}

// headerFixture is a genesis header and a valid mined block 1 on it.
type headerFixture struct {
	cfg       *params.ChainConfig
	genesis   *types.Header
	child     types.Header // valid, mined
	prevTimes []uint64
	now       uint64
}

func newHeaderFixture(t testing.TB) *headerFixture {
	t.Helper()
	g, cfg := testHeaderConfig(t)
	genesis := g.Header(types.Hash{0x5e})
	f := &headerFixture{cfg: cfg, genesis: genesis, prevTimes: []uint64{genesis.Time}}
	f.child = types.Header{
		Version:      types.HeaderVersion,
		Height:       1,
		ParentHash:   genesis.Hash(),
		TxRoot:       types.MerkleRoot(nil),
		ReceiptsRoot: types.MerkleRoot(nil),
		StateRoot:    types.Hash{0x5e},
		Coinbase:     params.DevAccount(),
		GasLimit:     cfg.GasLimit,
		Time:         genesis.Time + cfg.TargetBlockTime,
		Bits:         cfg.InitialBits,
	}
	mine(t, &f.child)
	f.now = f.child.Time
	return f
}

// TestCheckHeader breaks exactly one rule per row of an otherwise valid mined
// header (re-mining after the change unless the row is about proof of work)
// and expects that rule's kind from the stage that checks it, and nil from
// the other stage where the broken field does not belong to it too.
func TestCheckHeader(t *testing.T) {
	t.Parallel()
	f := newHeaderFixture(t)
	const (
		sanity = iota
		context
	)
	tests := []struct {
		name   string
		stage  int
		edit   func(h *types.Header)
		noMine bool // the row is about the proof of work itself
		solo   bool // the other stage must pass
		want   error
	}{
		{name: "valid", edit: func(h *types.Header) {}, solo: true},
		{name: "version 0", stage: sanity, edit: func(h *types.Header) { h.Version = 0 }, solo: true, want: ErrBadVersion},
		{name: "version 2", stage: sanity, edit: func(h *types.Header) { h.Version = 2 }, solo: true, want: ErrBadVersion},
		{name: "bits zero", stage: sanity, noMine: true, edit: func(h *types.Header) { h.Bits = 0 }, want: ErrBadBits},
		{name: "bits negative", stage: sanity, noMine: true, edit: func(h *types.Header) { h.Bits = 0x1f8fffff }, want: ErrBadBits},
		{name: "bits overflow", stage: sanity, noMine: true, edit: func(h *types.Header) { h.Bits = 0x2200ffff }, want: ErrBadBits},
		{name: "target above limit", stage: sanity, edit: func(h *types.Header) { h.Bits = 0x2100ffff }, want: ErrTargetAboveLimit},
		{name: "hash above target", stage: sanity, noMine: true, edit: func(h *types.Header) { spoil(t, h) }, solo: true, want: ErrHighHash},
		{name: "gas limit below genesis", stage: sanity, edit: func(h *types.Header) { h.GasLimit-- }, solo: true, want: ErrBadGasLimit},
		{name: "gas limit above genesis", stage: sanity, edit: func(h *types.Header) { h.GasLimit++ }, solo: true, want: ErrBadGasLimit},
		{name: "gas used above limit", stage: sanity, edit: func(h *types.Header) { h.GasUsed = h.GasLimit + 1 }, solo: true, want: ErrGasUsedAboveLimit},
		{name: "gas used at limit", edit: func(h *types.Header) { h.GasUsed = h.GasLimit }, solo: true},
		{name: "time past drift", stage: sanity, edit: func(h *types.Header) { h.Time = f.now + f.cfg.MaxDrift + 1 }, solo: true, want: ErrTimeTooNew},
		{name: "time at drift limit", edit: func(h *types.Header) { h.Time = f.now + f.cfg.MaxDrift }, solo: true},
		{name: "height 2", stage: context, edit: func(h *types.Header) { h.Height = 2 }, solo: true, want: ErrBadHeight},
		{name: "height 0", stage: context, edit: func(h *types.Header) { h.Height = 0 }, solo: true, want: ErrBadHeight},
		{name: "wrong parent hash", stage: context, edit: func(h *types.Header) { h.ParentHash[0] ^= 1 }, solo: true, want: ErrBadParent},
		{name: "bits easier than ASERT", stage: context, edit: func(h *types.Header) { h.Bits = 0x1f1fffff }, solo: true, want: ErrUnexpectedBits},
		{name: "bits harder than ASERT", stage: context, edit: func(h *types.Header) { h.Bits = 0x1f07ffff }, solo: true, want: ErrUnexpectedBits},
		{name: "time equal to median", stage: context, edit: func(h *types.Header) { h.Time = f.genesis.Time }, solo: true, want: ErrTimeTooOld},
		{name: "time before median", stage: context, edit: func(h *types.Header) { h.Time = f.genesis.Time - 1 }, solo: true, want: ErrTimeTooOld},
		{name: "time one ms after median", edit: func(h *types.Header) { h.Time = f.genesis.Time + 1 }, solo: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := f.child
			tt.edit(&h)
			if !tt.noMine {
				mine(t, &h)
			}
			errs := [2]error{
				sanity:  CheckHeaderSanity(&h, f.cfg, f.now),
				context: CheckHeaderContext(&h, f.genesis, f.prevTimes, f.cfg),
			}
			if tt.want == nil {
				if errs[sanity] != nil || errs[context] != nil {
					t.Fatalf("valid header rejected: sanity %v, context %v", errs[sanity], errs[context])
				}
				return
			}
			err := errs[tt.stage]
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var re *RuleError
			if !errors.As(err, &re) || re.Kind != tt.want {
				t.Fatalf("err = %#v, want a *RuleError of kind %v", err, tt.want)
			}
			if other := errs[1-tt.stage]; tt.solo && other != nil {
				t.Fatalf("row breaks a second rule: %v", other)
			}
		})
	}
}

// TestCheckHeaderCallerErrors covers arguments no valid caller passes: they
// are errors, never panics, and never rule violations of the header.
func TestCheckHeaderCallerErrors(t *testing.T) {
	t.Parallel()
	f := newHeaderFixture(t)
	h := f.child
	var re *RuleError
	for name, err := range map[string]error{
		"sanity nil header":   CheckHeaderSanity(nil, f.cfg, f.now),
		"sanity nil config":   CheckHeaderSanity(&h, nil, f.now),
		"sanity zero config":  CheckHeaderSanity(&h, &params.ChainConfig{}, f.now),
		"context nil parent":  CheckHeaderContext(&h, nil, f.prevTimes, f.cfg),
		"context no times":    CheckHeaderContext(&h, f.genesis, nil, f.cfg),
		"context wrong times": CheckHeaderContext(&h, f.genesis, []uint64{f.genesis.Time + 1}, f.cfg),
		"context zero config": CheckHeaderContext(&h, f.genesis, f.prevTimes, &params.ChainConfig{}),
	} {
		if err == nil || errors.As(err, &re) {
			t.Errorf("%s: err = %v, want a non-rule error", name, err)
		}
	}
	// A parent at the largest height has no valid child.
	parent := *f.genesis
	parent.Height = math.MaxUint64
	h.Height = 0
	h.ParentHash = parent.Hash()
	if err := CheckHeaderContext(&h, &parent, []uint64{parent.Time}, f.cfg); !errors.Is(err, ErrBadHeight) {
		t.Fatalf("child of height 2^64-1: err = %v, want ErrBadHeight", err)
	}
}

// TestCheckHeaderChain validates a mined chain of headers whose times
// wander around the schedule, the way a node receives them.
func TestCheckHeaderChain(t *testing.T) {
	t.Parallel()
	f := newHeaderFixture(t)
	headers := []types.Header{*f.genesis}
	times := []uint64{f.genesis.Time}
	offsets := []int64{0, 900, -400, 2500, 100, -50, 3000, 10, -900, 1200, 700, 40, 1800, -300, 500}
	for i, off := range offsets {
		parent := &headers[len(headers)-1]
		bits, err := NextBits(f.cfg, parent.Height, parent.Time)
		if err != nil {
			t.Fatal(err)
		}
		h := types.Header{
			Version:    types.HeaderVersion,
			Height:     parent.Height + 1,
			ParentHash: parent.Hash(),
			GasLimit:   f.cfg.GasLimit,
			Time:       uint64(int64(parent.Time) + int64(f.cfg.TargetBlockTime) + off),
			Bits:       bits,
		}
		mine(t, &h)
		prev := times[max(0, len(times)-11):]
		rev := make([]uint64, len(prev)) // parent first
		for j := range prev {
			rev[j] = prev[len(prev)-1-j]
		}
		if err := CheckHeaderSanity(&h, f.cfg, h.Time); err != nil {
			t.Fatalf("block %d: %v", i+1, err)
		}
		if err := CheckHeaderContext(&h, parent, rev, f.cfg); err != nil {
			t.Fatalf("block %d: %v", i+1, err)
		}
		headers = append(headers, h)
		times = append(times, h.Time)
	}
}

// FuzzCheckHeader decodes arbitrary bytes as a header and validates it
// against the fixture's genesis. It must never panic, every error must be a
// *RuleError, and a header both stages accept must really satisfy the rules.
func FuzzCheckHeader(f *testing.F) {
	fx := newHeaderFixture(f)
	f.Add(fx.child.Encode(), fx.now)
	f.Add(make([]byte, types.HeaderSize), uint64(0))
	f.Add(fx.genesis.Encode(), uint64(math.MaxUint64))
	f.Fuzz(func(t *testing.T, data []byte, now uint64) {
		h, err := types.DecodeHeader(data)
		if err != nil {
			if len(data) == types.HeaderSize {
				t.Fatalf("DecodeHeader rejected %d bytes: %v", len(data), err)
			}
			return
		}
		var re *RuleError
		errS := CheckHeaderSanity(h, fx.cfg, now)
		if errS != nil && !errors.As(errS, &re) {
			t.Fatalf("sanity: %v is not a *RuleError", errS)
		}
		errC := CheckHeaderContext(h, fx.genesis, fx.prevTimes, fx.cfg)
		if errC != nil && !errors.As(errC, &re) {
			t.Fatalf("context: %v is not a *RuleError", errC)
		}
		if errS != nil || errC != nil {
			return
		}
		target, err := types.CompactToTarget(h.Bits)
		if err != nil || types.HashToBig(h.Hash()).Cmp(target) > 0 {
			t.Fatalf("accepted a header without proof of work")
		}
		if h.Height != 1 || h.Bits != fx.cfg.InitialBits || h.Time <= fx.genesis.Time || h.Time > now+fx.cfg.MaxDrift {
			t.Fatalf("accepted an invalid header %+v", h)
		}
	})
}

// TestFuzzCheckHeaderCorpus checks that the seed corpus on disk exists, so
// `go test` always runs the checked-in inputs.
func TestFuzzCheckHeaderCorpus(t *testing.T) {
	t.Parallel()
	files, err := os.ReadDir(filepath.Join("testdata", "fuzz", "FuzzCheckHeader"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed corpus for FuzzCheckHeader: %v", err)
	}
}

func BenchmarkCheckHeader(b *testing.B) {
	f := newHeaderFixture(b)
	for b.Loop() {
		if err := CheckHeaderSanity(&f.child, f.cfg, f.now); err != nil {
			b.Fatal(err)
		}
		if err := CheckHeaderContext(&f.child, f.genesis, f.prevTimes, f.cfg); err != nil {
			b.Fatal(err)
		}
	}
}
