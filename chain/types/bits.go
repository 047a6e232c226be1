package types

import (
	"fmt"
	"math/big"
)

// Compact target encoding ("bits"), as Bitcoin's nBits: the top byte is a
// base-256 exponent E, the low 23 bits a mantissa M, and bit 23 a sign:
// target = M * 256^(E-3). Targets are non-negative 256-bit integers, so a set
// sign bit, a value above 2^256-1 and a zero target are all invalid.
var (
	ErrNegativeTarget = fmt.Errorf("%w: compact target is negative", ErrMalformed)
	ErrTargetOverflow = fmt.Errorf("%w: compact target exceeds 256 bits", ErrMalformed)
	ErrZeroTarget     = fmt.Errorf("%w: compact target is zero", ErrMalformed)
)

const (
	compactSignBit  = 0x00800000
	compactMantissa = 0x007fffff
)

// CompactToTarget decodes bits into a target. It fails with ErrNegativeTarget,
// ErrTargetOverflow or ErrZeroTarget (all wrapping ErrMalformed).
func CompactToTarget(bits uint32) (*big.Int, error) {
	exp := bits >> 24
	mant := bits & compactMantissa
	if mant == 0 {
		return nil, fmt.Errorf("bits %#08x: %w", bits, ErrZeroTarget)
	}
	if bits&compactSignBit != 0 {
		return nil, fmt.Errorf("bits %#08x: %w", bits, ErrNegativeTarget)
	}
	t := new(big.Int).SetUint64(uint64(mant))
	if exp <= 3 {
		t.Rsh(t, 8*uint(3-exp))
		if t.Sign() == 0 {
			return nil, fmt.Errorf("bits %#08x: %w", bits, ErrZeroTarget)
		}
		return t, nil
	}
	t.Lsh(t, 8*uint(exp-3))
	if t.BitLen() > 256 {
		return nil, fmt.Errorf("bits %#08x: %w", bits, ErrTargetOverflow)
	}
	return t, nil
}

// TargetToCompact returns the canonical compact encoding of a positive target
// of at most 256 bits, rounding down to the 3-byte mantissa precision as
// Bitcoin's GetCompact does. It panics on a target outside that range, which
// is a programming error: consensus code clamps targets before encoding them.
func TargetToCompact(target *big.Int) uint32 {
	if target.Sign() <= 0 || target.BitLen() > 256 {
		panic("types: TargetToCompact of a target outside (0, 2^256)")
	}
	size := uint32((target.BitLen() + 7) / 8)
	var mant uint32
	if size <= 3 {
		mant = uint32(target.Uint64()) << (8 * (3 - size))
	} else {
		mant = uint32(new(big.Int).Rsh(target, 8*uint(size-3)).Uint64())
	}
	// The mantissa's top bit is the sign bit: shift one byte right and bump
	// the exponent so the value stays positive.
	if mant&compactSignBit != 0 {
		mant >>= 8
		size++
	}
	return size<<24 | mant
}

// ErrTargetRange: a target outside [0, 2^256) has no 32-byte form.
var ErrTargetRange = fmt.Errorf("%w: target outside the 256-bit range", ErrMalformed)

// HashToBig reads h as a big-endian 256-bit unsigned integer, the way the
// proof-of-work rule compares a block hash with its target.
func HashToBig(h Hash) *big.Int { return new(big.Int).SetBytes(h[:]) }

// TargetToHash writes a target of at most 256 bits as a big-endian Hash, so
// hash <= target can be checked by comparing bytes.
func TargetToHash(target *big.Int) (Hash, error) {
	if target.Sign() < 0 || target.BitLen() > 256 {
		return Hash{}, ErrTargetRange
	}
	var h Hash
	target.FillBytes(h[:])
	return h, nil
}
