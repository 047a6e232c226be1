package chain

import (
	"errors"
	"fmt"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
)

// Header validation in two stages, as btcd and dcrd stage theirs:
//
//	CheckHeaderSanity   the header alone (and the local clock): version,
//	                    proof of work, gas fields, not too far in the future.
//	CheckHeaderContext  the header against its parent and the parent's
//	                    ancestors: height, parent hash, ASERT bits, time after
//	                    the median time past.
//
// Both return a *RuleError whose Kind names the broken rule (errors.Is
// matches it); they return the first broken rule found, in the order listed.
// Neither panics on any header, including one decoded from random bytes.

// ErrBadAncestorTimes is returned by CheckHeaderContext when prevTimes does
// not start with the parent's time: a caller bug, not a rule of the header.
var ErrBadAncestorTimes = errors.New("chain: prevTimes must start with the parent's time")

// errNilArgument reports a nil header or configuration: a caller bug.
var errNilArgument = errors.New("chain: nil header or chain config")

// CheckHeaderSanity applies the rules that need only the header, the chain
// configuration and now, the local clock in unix ms:
//
//   - version is types.HeaderVersion (ErrBadVersion);
//   - bits is a valid compact target (ErrBadBits), no easier than the PoW
//     limit (ErrTargetAboveLimit), and the block hash meets it (ErrHighHash);
//   - the gas limit is the genesis gas limit (ErrBadGasLimit), and gas used
//     does not exceed it (ErrGasUsedAboveLimit);
//   - time is at most cfg.MaxDrift ms ahead of now (ErrTimeTooNew). A block
//     failing only this rule may become valid as the clock advances.
//
// Whether bits is what the difficulty rule demands needs the parent; see
// CheckHeaderContext.
func CheckHeaderSanity(h *types.Header, cfg *params.ChainConfig, now uint64) error {
	if h == nil || cfg == nil {
		return errNilArgument
	}
	if h.Version != types.HeaderVersion {
		return ruleError(ErrBadVersion, "header version %d, want %d", h.Version, types.HeaderVersion)
	}
	powLimit := cfg.PowLimit()
	if powLimit == nil {
		return fmt.Errorf("%w: pow limit bits 0x%08x", ErrASERTParams, cfg.PowLimitBits)
	}
	if err := CheckProofOfWork(h.Hash(), h.Bits, powLimit); err != nil {
		return err
	}
	if h.GasLimit != cfg.GasLimit {
		return ruleError(ErrBadGasLimit, "gas limit %d, the chain's is %d", h.GasLimit, cfg.GasLimit)
	}
	if h.GasUsed > h.GasLimit {
		return ruleError(ErrGasUsedAboveLimit, "gas used %d above the gas limit %d", h.GasUsed, h.GasLimit)
	}
	return checkTimeNotTooNew(h.Time, now, cfg.MaxDrift)
}

// CheckHeaderContext applies the rules that relate a header to its parent
// and ancestors. prevTimes holds the times of up to medianTimeBlocks (11)
// blocks ending at the parent, parent first (fewer near genesis):
//
//   - height is the parent's height + 1 (ErrBadHeight);
//   - the parent hash is the hash of parent (ErrBadParent: the caller
//     looked up the wrong block);
//   - bits equals NextBits for the parent (ErrUnexpectedBits);
//   - time is after the median of prevTimes (ErrTimeTooOld).
//
// It does not repeat the sanity checks; callers run CheckHeaderSanity first.
// A prevTimes that does not start with the parent's time is a caller error
// (ErrBadAncestorTimes), as is a configuration NextBits rejects
// (ErrASERTParams).
func CheckHeaderContext(h, parent *types.Header, prevTimes []uint64, cfg *params.ChainConfig) error {
	if h == nil || parent == nil || cfg == nil {
		return errNilArgument
	}
	if len(prevTimes) == 0 || prevTimes[0] != parent.Time {
		return ErrBadAncestorTimes
	}
	if parent.Height == ^uint64(0) || h.Height != parent.Height+1 {
		return ruleError(ErrBadHeight, "height %d, parent's is %d", h.Height, parent.Height)
	}
	if parentHash := parent.Hash(); h.ParentHash != parentHash {
		return ruleError(ErrBadParent, "parent hash %v is not the given parent %v", h.ParentHash, parentHash)
	}
	want, err := NextBits(cfg, parent.Height, parent.Time)
	if err != nil {
		return err
	}
	if h.Bits != want {
		return ruleError(ErrUnexpectedBits, "bits 0x%08x, the difficulty rule requires 0x%08x", h.Bits, want)
	}
	return checkTimeAfterMedian(h.Time, prevTimes)
}
