package chain

import (
	"errors"
	"math/big"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

func hexBig(t testing.TB, s string) *big.Int {
	t.Helper()
	v, ok := new(big.Int).SetString(s, 16)
	if !ok {
		t.Fatalf("bad hex %q", s)
	}
	return v
}

func TestCalcWork(t *testing.T) {
	t.Parallel()
	// Expected values computed independently as 2**256 // (target + 1).
	tests := []struct {
		name string
		bits uint32
		want string // hex
	}{
		{"bitcoin genesis", 0x1d00ffff, "100010001"}, // Bitcoin's chainwork per block at difficulty 1
		{"regtest limit", 0x207fffff, "2"},
		{"largest encodable target", 0x2100ffff, "1"},
		{"bitcoin 0x1b0404cb", 0x1b0404cb, "3fb3ab764c00"},
		{"half of bitcoin genesis", 0x1c7fffff, "200000400"},
		{"target one", 0x03000001, "8000000000000000000000000000000000000000000000000000000000000000"},
		{"quarry-like limit", 0x1f07ffff, "2000"},
		{"zero mantissa", 0x1d000000, "0"},
		{"negative", 0x04923456, "0"},
		{"overflow", 0xff123456, "0"},
		{"shifted to zero", 0x01003456, "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got, want := CalcWork(tc.bits), hexBig(t, tc.want); got.Cmp(want) != 0 {
				t.Fatalf("CalcWork(%#08x) = %#x, want %#x", tc.bits, got, want)
			}
		})
	}
}

// TestCalcWorkCumulative sums per-block work the way fork choice compares
// chains. Two blocks at 0x1d00ffff outweigh one at 0x1c7fffff even though the
// latter's target is (almost) half: work is floor(2^256/(target+1)), and
// 0x1c7fffff's target is a little more than half of 0x1d00ffff's, so a chain
// must be compared by summed work, never by height or by bits.
func TestCalcWorkCumulative(t *testing.T) {
	t.Parallel()
	sum := func(bits ...uint32) *big.Int {
		total := new(big.Int)
		for _, b := range bits {
			total.Add(total, CalcWork(b))
		}
		return total
	}
	chain := sum(0x1d00ffff, 0x1d00ffff, 0x1d00ffff, 0x1b0404cb)
	if want := hexBig(t, "3fb6ab794c03"); chain.Cmp(want) != 0 {
		t.Fatalf("cumulative work = %#x, want %#x", chain, want)
	}
	two, one := sum(0x1d00ffff, 0x1d00ffff), sum(0x1c7fffff)
	if two.Cmp(one) <= 0 {
		t.Fatalf("two blocks at 0x1d00ffff (%#x) should outweigh one at 0x1c7fffff (%#x)", two, one)
	}
	if diff := new(big.Int).Sub(two, one); diff.Cmp(hexBig(t, "1fc02")) != 0 {
		t.Fatalf("difference = %#x, want 0x1fc02", diff)
	}
	// An invalid header adds nothing.
	if got := sum(0x1d00ffff, 0x04923456); got.Cmp(CalcWork(0x1d00ffff)) != 0 {
		t.Fatalf("invalid bits added work: %#x", got)
	}
}

func TestCalcWorkDoesNotAlias(t *testing.T) {
	t.Parallel()
	a := CalcWork(0x207fffff)
	a.SetInt64(1000)
	if b := CalcWork(0x207fffff); b.Int64() != 2 {
		t.Fatalf("CalcWork result shared between calls: %v", b)
	}
}

func TestCheckProofOfWork(t *testing.T) {
	t.Parallel()
	regtestLimit := hexBig(t, "7fffff0000000000000000000000000000000000000000000000000000000000")
	bitcoinLimit := hexBig(t, "00000000ffff0000000000000000000000000000000000000000000000000000")
	mustHash := func(s string) types.Hash {
		t.Helper()
		h, err := types.ParseHash(s)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	tests := []struct {
		name  string
		hash  types.Hash
		bits  uint32
		limit *big.Int
		want  error
	}{
		{"hash equals target", mustHash("00000000ffff0000000000000000000000000000000000000000000000000000"), 0x1d00ffff, bitcoinLimit, nil},
		{"target plus one", mustHash("00000000ffff0000000000000000000000000000000000000000000000000001"), 0x1d00ffff, bitcoinLimit, ErrHighHash},
		{"target minus one", mustHash("00000000fffeffffffffffffffffffffffffffffffffffffffffffffffffffff"), 0x1d00ffff, bitcoinLimit, nil},
		{"zero hash", types.Hash{}, 0x1d00ffff, bitcoinLimit, nil},
		{"all ones hash", mustHash("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), 0x1d00ffff, bitcoinLimit, ErrHighHash},
		{"high first byte", mustHash("0100000000000000000000000000000000000000000000000000000000000000"), 0x1d00ffff, bitcoinLimit, ErrHighHash},
		// Big-endian: a low first byte with high later bytes still passes.
		{"high last bytes", mustHash("00000000000000000000000000000000000000000000000000000000ffffffff"), 0x1d00ffff, bitcoinLimit, nil},
		{"regtest at limit", mustHash("7fffff0000000000000000000000000000000000000000000000000000000000"), 0x207fffff, regtestLimit, nil},
		{"regtest above", mustHash("7fffff0000000000000000000000000000000000000000000000000000000001"), 0x207fffff, regtestLimit, ErrHighHash},
		{"harder than limit", types.Hash{}, 0x1c7fffff, bitcoinLimit, nil},
		{"target above limit", types.Hash{}, 0x1d010000, bitcoinLimit, ErrTargetAboveLimit},
		{"regtest bits on bitcoin limit", types.Hash{}, 0x207fffff, bitcoinLimit, ErrTargetAboveLimit},
		{"zero target", types.Hash{}, 0x1d000000, bitcoinLimit, ErrBadBits},
		{"negative target", types.Hash{}, 0x1d80ffff, bitcoinLimit, ErrBadBits},
		{"overflowing target", types.Hash{}, 0x2300ffff, regtestLimit, ErrBadBits},
		{"zero bits", types.Hash{}, 0, regtestLimit, ErrBadBits},
	}
	kinds := []ErrorKind{ErrBadBits, ErrTargetAboveLimit, ErrHighHash}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := CheckProofOfWork(tc.hash, tc.bits, tc.limit)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("CheckProofOfWork: %v", err)
				}
				return
			}
			var re *RuleError
			if !errors.As(err, &re) {
				t.Fatalf("error %v (%T) is not a *RuleError", err, err)
			}
			if re.Kind != tc.want {
				t.Fatalf("kind = %v, want %v (%v)", re.Kind, tc.want, err)
			}
			// The kind matches itself and no other PoW kind.
			for _, k := range kinds {
				if got := errors.Is(err, k); got != (k == tc.want) {
					t.Fatalf("errors.Is(%v, %v) = %v", err, k, got)
				}
			}
		})
	}
}

// TestPowErrorKindsMatchOnlyThemselves checks, through the wrapping a caller
// adds, that each kind CheckProofOfWork returns is matched by errors.Is with
// itself and with no other kind of this package.
func TestPowErrorKindsMatchOnlyThemselves(t *testing.T) {
	t.Parallel()
	all := []ErrorKind{
		ErrBadVersion, ErrBadHeight, ErrBadParent, ErrBadBits, ErrTargetAboveLimit,
		ErrUnexpectedBits, ErrHighHash, ErrTimeTooOld, ErrTimeTooNew, ErrBadGasLimit,
		ErrGasUsedAboveLimit, ErrMalformedBlock, ErrBlockTooBig, ErrBadTxRoot,
		ErrBadReceiptsRoot, ErrBadStateRoot, ErrBadGasUsed, ErrDuplicateTx,
		ErrBadTxSignature, ErrWrongChainID, ErrBadTxNonce, ErrInsufficientFund,
		ErrIntrinsicGas, ErrBlockGasExceeded, ErrInvalidAncestor,
	}
	limit := new(big.Int).Lsh(big.NewInt(0x7fffff), 232)
	produced := map[ErrorKind]error{
		ErrBadBits:          CheckProofOfWork(types.Hash{}, 0, limit),
		ErrTargetAboveLimit: CheckProofOfWork(types.Hash{}, 0x2100ffff, limit),
		ErrHighHash:         CheckProofOfWork(types.Hash{0xff}, 0x1d00ffff, limit),
	}
	for kind, err := range produced {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			wrapped := errors.Join(errors.New("block 7"), err)
			for _, k := range all {
				if got := errors.Is(wrapped, k); got != (k == kind) {
					t.Errorf("errors.Is(%v, %v) = %v, want %v", err, k, got, k == kind)
				}
			}
		})
	}
}

func BenchmarkCheckProofOfWork(b *testing.B) {
	limit := new(big.Int).Lsh(big.NewInt(0x7fffff), 232)
	hash := types.Hash{0x00, 0x00, 0x00, 0x01}
	b.ReportAllocs()
	for b.Loop() {
		if err := CheckProofOfWork(hash, 0x1f07ffff, limit); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCalcWork(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		CalcWork(0x1d00ffff)
	}
}
