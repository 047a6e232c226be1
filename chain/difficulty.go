package chain

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
)

// Difficulty: per-block ASERT, exactly Bitcoin Cash's aserti3-2d (spec
// "ASERT Difficulty Adjustment Algorithm (aserti3-2d)", 2020), with the
// target block time and half-life taken from the genesis instead of BCH's
// 600 s and 2 days, and times in milliseconds instead of seconds.
//
// The target of the next block is the anchor block's target scaled by
//
//	2^((timeDelta - idealBlockTime*(heightDelta+1)) / halfLife)
//
// where timeDelta is the evaluation block's time minus the time of the
// anchor's parent and heightDelta its height minus the anchor's: each block
// the chain runs ahead of the ideal schedule makes the next target smaller
// (harder), each block behind makes it larger. Because the schedule is
// absolute, rounding never accumulates. The power of two is computed in
// 16.16 fixed point with a cubic approximation of 2^x on [0, 1), all in
// integers, so every node computes the identical target.
//
// Scaling every time (and the two durations) by 1000 leaves the exponent
// unchanged, so the published second-based test vectors hold in milliseconds
// too (see difficulty_test.go).
//
// Quarry's anchor is the genesis block, with an imaginary parent at
// genesis time - targetBlockTime: block 1 (evaluation block = genesis,
// heightDelta 0, timeDelta one target block time) then has an exponent of
// exactly zero and gets the genesis bits, and every later block follows the
// schedule "block n at genesis time + n*targetBlockTime".

// Fixed-point and polynomial constants of aserti3-2d, from the spec's
// pseudo-code. factor(x) = 65536 + (c1*x + c2*x^2 + c3*x^3 + 2^47) >> 48
// approximates 65536 * 2^(x/65536) for x in [0, 65536) with error below
// 0.013%, exact at both ends (factor(0) = 2^16, factor(2^16) = 2^17), so
// splitting the exponent into whole shifts and a fraction is seamless.
const (
	asertRadixBits = 16                  // fractional bits of the exponent
	asertRadix     = 1 << asertRadixBits // 65536 = 1.0
	asertC1        = 195766423245049     // cubic coefficients, spec-given
	asertC2        = 971821376
	asertC3        = 5127
	asertRound     = 1 << 47 // half of 2^48: rounds the >> 48 to nearest
	asertPolyShift = 48
)

// asertMaxShift bounds the whole-number part of the exponent before the
// shift. A target is below 2^256 and the factor below 2^17, so a right shift
// of 273 bits or more always yields zero and a left shift of 257 or more
// always exceeds any PoW limit; clamping to +-300 changes no result and keeps
// a hostile timestamp from asking big.Int for a 2^60-bit number.
const asertMaxShift = 300

// ErrASERTParams reports invalid inputs to the difficulty rule: a
// configuration or caller error, not a rule violation of a block. A valid
// genesis's ChainConfig and heights from a real chain never produce it.
var ErrASERTParams = errors.New("chain: invalid ASERT parameters")

// ASERTAnchor is the reference block of aserti3-2d: its height, its bits and
// the time of its parent (unix ms for Quarry, seconds in BCH's vectors).
// ParentTime is signed because Quarry's imaginary genesis parent may lie
// before the epoch.
type ASERTAnchor struct {
	Height     uint64
	Bits       uint32
	ParentTime int64
}

// CalcASERT is aserti3-2d: the bits required of the block after the
// evaluation block (height evalHeight, time evalTime), given the anchor, the
// ideal block time and half-life (same unit as the times) and the PoW limit's
// compact encoding. The result is always a valid compact target in
// [1, limit]; a result above the limit is the limit's bits themselves, as the
// spec returns max_bits.
//
// It fails (ErrASERTParams) only on invalid parameters: an evaluation height
// below the anchor's, a zero half-life, or anchor or limit bits that are not
// valid compact targets. It never panics; all arithmetic is exact (math/big),
// which is what the spec's "unlimited-width calculation" asks for.
func CalcASERT(anchor ASERTAnchor, evalHeight, evalTime uint64, idealBlockTime, halfLife uint64, powLimitBits uint32) (uint32, error) {
	if evalHeight < anchor.Height {
		return 0, fmt.Errorf("%w: evaluation height %d below anchor height %d", ErrASERTParams, evalHeight, anchor.Height)
	}
	if halfLife == 0 {
		return 0, fmt.Errorf("%w: zero half-life", ErrASERTParams)
	}
	anchorTarget, err := types.CompactToTarget(anchor.Bits)
	if err != nil {
		return 0, fmt.Errorf("%w: anchor bits: %w", ErrASERTParams, err)
	}
	powLimit, err := types.CompactToTarget(powLimitBits)
	if err != nil {
		return 0, fmt.Errorf("%w: pow limit bits: %w", ErrASERTParams, err)
	}

	// exponent = trunc((timeDelta - ideal*(heightDelta+1)) * 2^16 / halfLife),
	// a signed 16.16 fixed-point number. big.Int.Quo truncates toward zero
	// like C++'s division, as the spec requires (not floor division).
	timeDelta := new(big.Int).SetUint64(evalTime)
	timeDelta.Sub(timeDelta, big.NewInt(anchor.ParentTime))
	schedule := new(big.Int).SetUint64(evalHeight - anchor.Height)
	schedule.Add(schedule, big.NewInt(1))
	schedule.Mul(schedule, new(big.Int).SetUint64(idealBlockTime))
	exponent := timeDelta.Sub(timeDelta, schedule)
	exponent.Lsh(exponent, asertRadixBits)
	exponent.Quo(exponent, new(big.Int).SetUint64(halfLife))

	// shifts = exponent >> 16 as an arithmetic shift (floor), frac the
	// remaining 16 bits in [0, 65536). big.Int's Rsh floors negative values,
	// like an arithmetic shift of a two's complement integer.
	shiftsBig := new(big.Int).Rsh(exponent, asertRadixBits)
	frac := exponent.Sub(exponent, new(big.Int).Lsh(shiftsBig, asertRadixBits)).Uint64()
	var shifts int64
	switch {
	case shiftsBig.Cmp(big.NewInt(asertMaxShift)) > 0:
		shifts = asertMaxShift
	case shiftsBig.Cmp(big.NewInt(-asertMaxShift)) < 0:
		shifts = -asertMaxShift
	default:
		shifts = shiftsBig.Int64()
	}

	// The polynomial fits unsigned 64-bit arithmetic for frac < 2^16 (the
	// spec's note 7; the sum peaks just under 2^64 at frac = 65535, a bound
	// TestASERTFactorNoOverflow checks for every frac against math/big).
	factor := asertRadix + (asertC1*frac+asertC2*frac*frac+asertC3*frac*frac*frac+asertRound)>>asertPolyShift

	next := anchorTarget.Mul(anchorTarget, new(big.Int).SetUint64(factor))
	if shifts < 0 {
		next.Rsh(next, uint(-shifts))
	} else {
		next.Lsh(next, uint(shifts))
	}
	next.Rsh(next, asertRadixBits)

	if next.Sign() == 0 {
		return types.TargetToCompact(big.NewInt(1)), nil // hardest valid target
	}
	if next.Cmp(powLimit) > 0 {
		return powLimitBits, nil // easiest allowed target
	}
	return types.TargetToCompact(next), nil
}

// NextBits returns the bits required of the child of a block at parentHeight
// and parentTime (unix ms): aserti3-2d anchored at the genesis block, whose
// imaginary parent is dated genesis time - target block time. Block 1 thus
// gets exactly the genesis bits. It fails only for a ChainConfig that
// params.Config would not have produced (ErrASERTParams).
func NextBits(cfg *params.ChainConfig, parentHeight, parentTime uint64) (uint32, error) {
	if cfg == nil {
		return 0, fmt.Errorf("%w: nil chain config", ErrASERTParams)
	}
	if cfg.GenesisTime > params.MaxTimestamp || cfg.TargetBlockTime > params.MaxTargetBlockTimeMs {
		return 0, fmt.Errorf("%w: genesis time %d or target block time %d out of range",
			ErrASERTParams, cfg.GenesisTime, cfg.TargetBlockTime)
	}
	anchor := ASERTAnchor{
		Height:     0,
		Bits:       cfg.InitialBits,
		ParentTime: int64(cfg.GenesisTime) - int64(cfg.TargetBlockTime),
	}
	return CalcASERT(anchor, parentHeight, parentTime, cfg.TargetBlockTime, cfg.ASERTHalfLife, cfg.PowLimitBits)
}
