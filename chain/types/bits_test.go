package types

import (
	"errors"
	"math/big"
	"testing"
)

func TestCompactToTarget(t *testing.T) {
	t.Parallel()
	hex := func(s string) *big.Int {
		v, ok := new(big.Int).SetString(s, 16)
		if !ok {
			t.Fatalf("bad hex %q", s)
		}
		return v
	}
	tests := []struct {
		name string
		bits uint32
		want *big.Int
		err  error
	}{
		// Bitcoin's genesis difficulty and the regtest limit: published values.
		{"bitcoin genesis", 0x1d00ffff, hex("00000000ffff0000000000000000000000000000000000000000000000000000"), nil},
		{"regtest limit", 0x207fffff, hex("7fffff0000000000000000000000000000000000000000000000000000000000"), nil},
		{"small exponent", 0x01123456, big.NewInt(0x12), nil},
		{"exponent 2", 0x02123456, big.NewInt(0x1234), nil},
		{"exponent 3", 0x03123456, big.NewInt(0x123456), nil},
		{"exponent 4", 0x04123456, big.NewInt(0x12345600), nil},
		{"largest 256-bit", 0x2100ffff, hex("ffff" + "000000000000000000000000000000000000000000000000000000000000"), nil},
		{"zero mantissa", 0x1d000000, nil, ErrZeroTarget},
		{"shifted to zero", 0x01003456, nil, ErrZeroTarget},
		{"negative", 0x04923456, nil, ErrNegativeTarget},
		{"overflow exp 35", 0x23000001, nil, ErrTargetOverflow},
		{"overflow 2-byte mantissa", 0x22000100, nil, ErrTargetOverflow},
		{"overflow 3-byte mantissa", 0x21010000, nil, ErrTargetOverflow},
		{"max exponent", 0xff123456, nil, ErrTargetOverflow},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CompactToTarget(tc.bits)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || !errors.Is(err, ErrMalformed) {
					t.Fatalf("CompactToTarget(%#08x) error = %v, want %v", tc.bits, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("CompactToTarget(%#08x): %v", tc.bits, err)
			}
			if got.Cmp(tc.want) != 0 {
				t.Fatalf("CompactToTarget(%#08x) = %x, want %x", tc.bits, got, tc.want)
			}
		})
	}
}

func TestTargetToCompactRoundTrip(t *testing.T) {
	t.Parallel()
	canonical := []uint32{0x1d00ffff, 0x207fffff, 0x1b0404cb, 0x03123456, 0x02008000, 0x01120000, 0x2100ffff, 0x1f07ffff}
	for _, bits := range canonical {
		target, err := CompactToTarget(bits)
		if err != nil {
			t.Fatalf("CompactToTarget(%#08x): %v", bits, err)
		}
		if got := TargetToCompact(target); got != bits {
			t.Errorf("TargetToCompact(CompactToTarget(%#08x)) = %#08x", bits, got)
		}
	}
	// A mantissa whose top bit would read as the sign moves up one byte.
	if got := TargetToCompact(big.NewInt(0x80)); got != 0x02008000 {
		t.Errorf("TargetToCompact(0x80) = %#08x, want 0x02008000", got)
	}
	// Precision beyond three bytes is truncated, never rounded up: a target
	// may only get harder by encoding.
	v := new(big.Int).Lsh(big.NewInt(0x123456789), 100)
	back, err := CompactToTarget(TargetToCompact(v))
	if err != nil || back.Cmp(v) > 0 {
		t.Errorf("round trip of %x gave %x, %v: want <= input", v, back, err)
	}
}

func FuzzCompact(f *testing.F) {
	for _, b := range []uint32{0x1d00ffff, 0x207fffff, 0x04923456, 0x23000001, 0} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, bits uint32) {
		target, err := CompactToTarget(bits)
		if err != nil {
			return
		}
		if target.Sign() <= 0 || target.BitLen() > 256 {
			t.Fatalf("CompactToTarget(%#08x) = %x out of range", bits, target)
		}
		again, err := CompactToTarget(TargetToCompact(target))
		if err != nil || again.Cmp(target) != 0 {
			t.Fatalf("re-encoding %#08x changed the target: %x -> %x (%v)", bits, target, again, err)
		}
	})
}
