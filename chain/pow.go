package chain

import (
	"bytes"
	"math/big"

	"github.com/quarry-chain/quarry/chain/types"
)

// oneLsh256 is 2^256, the size of the hash space. It is built per call
// rather than kept in a package variable, since a *big.Int there would be
// shared mutable state.
func oneLsh256() *big.Int { return new(big.Int).Lsh(big.NewInt(1), 256) }

// CalcWork returns the expected number of hashes needed to find a block at
// the target that bits encodes: 2^256 / (target + 1), rounded down. There
// are target + 1 hashes in [0, target] out of 2^256, so that is the inverse of
// one attempt's chance of success; it is also Bitcoin's GetBlockProof, so
// totals compare with published chain work. Invalid bits give zero work: such a
// header never passes CheckProofOfWork, and zero keeps a caller that sums
// unvalidated headers from counting it.
func CalcWork(bits uint32) *big.Int {
	target, err := types.CompactToTarget(bits)
	if err != nil {
		return new(big.Int)
	}
	denom := target.Add(target, big.NewInt(1))
	return denom.Div(oneLsh256(), denom)
}

// CheckProofOfWork checks the context-free proof-of-work rules of a header
// with the given hash and bits: bits must be a valid compact target
// (ErrBadBits), the target must not exceed powLimit, the network's easiest
// target (ErrTargetAboveLimit), and the hash, read as a big-endian 256-bit
// integer, must be at most the target (ErrHighHash). A hash equal to the
// target passes. Whether bits is the value the difficulty rule demands is a
// contextual check (ErrUnexpectedBits), not made here.
//
// powLimit comes from the chain parameters and must be non-nil.
func CheckProofOfWork(hash types.Hash, bits uint32, powLimit *big.Int) error {
	target, err := types.CompactToTarget(bits)
	if err != nil {
		return ruleError(ErrBadBits, "block %v: %v", hash, err)
	}
	if target.Cmp(powLimit) > 0 {
		return ruleError(ErrTargetAboveLimit, "block %v: target %#064x (bits %#08x) above the limit %#064x",
			hash, target, bits, powLimit)
	}
	// CompactToTarget's result is below 2^256, so TargetToHash cannot fail;
	// comparing the two 32-byte big-endian forms avoids a second big.Int.
	targetHash, err := types.TargetToHash(target)
	if err != nil {
		return ruleError(ErrBadBits, "block %v: bits %#08x: %v", hash, bits, err)
	}
	if bytes.Compare(hash[:], targetHash[:]) > 0 {
		return ruleError(ErrHighHash, "block %v: hash above target %v (bits %#08x)", hash, targetHash, bits)
	}
	return nil
}
