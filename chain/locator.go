package chain

import (
	"fmt"

	"github.com/quarry-chain/quarry/chain/types"
)

// Sync support: how a node that is behind finds where it left the active
// chain (block locators, as Bitcoin's getheaders), and how it checks a run of
// headers before fetching their bodies.

// MaxHeadersPerRequest bounds LocateHeaders.
const MaxHeadersPerRequest = 2000

// BlockLocator returns hashes of the active chain from the tip back to
// genesis: the last 10 blocks one by one, then exponentially sparser, and
// genesis last. A peer finds the first one it has on its active chain.
func (bc *BlockChain) BlockLocator() []types.Hash {
	bc.index.mu.RLock()
	defer bc.index.mu.RUnlock()
	var loc []types.Hash
	height := int64(len(bc.index.main) - 1)
	step := int64(1)
	for height > 0 {
		loc = append(loc, bc.index.main[height].hash)
		if len(loc) >= 10 {
			step *= 2
		}
		height -= step
	}
	return append(loc, bc.index.main[0].hash)
}

// LocateHeaders returns up to max headers of the active chain that follow the
// first locator hash found on it (genesis if none is), ending early at stop.
func (bc *BlockChain) LocateHeaders(locator []types.Hash, stop types.Hash, max int) []*types.Header {
	if max <= 0 || max > MaxHeadersPerRequest {
		max = MaxHeadersPerRequest
	}
	var start uint64
	for _, h := range locator {
		if n := bc.index.lookup(h); n != nil && bc.index.inMain(n) {
			start = n.height + 1
			break
		}
	}
	headers := make([]*types.Header, 0, min(max, 64))
	for height := start; len(headers) < max; height++ {
		n := bc.index.mainAt(height)
		if n == nil {
			break
		}
		h, err := bc.HeaderByHash(n.hash)
		if err != nil {
			break // a reorg moved the chain under us; the peer asks again
		}
		headers = append(headers, h)
		if n.hash == stop {
			break
		}
	}
	return headers
}

// CheckHeaders checks a contiguous run of headers whose first extends a
// known block: each link, each header's own rules (proof of work included)
// and its rules in context (height, ASERT bits, time after the median of
// its predecessors). A node fetches bodies only for runs that pass, so a
// peer cannot make it download blocks that could never be valid.
func (bc *BlockChain) CheckHeaders(headers []*types.Header) error {
	if len(headers) == 0 {
		return nil
	}
	parentNode := bc.index.lookup(headers[0].ParentHash)
	if parentNode == nil {
		return fmt.Errorf("%w: parent %s of the header run", ErrNotFound, headers[0].ParentHash)
	}
	if bc.index.status(parentNode).knownInvalid() {
		return ruleError(ErrInvalidAncestor, "header run extends invalid block %s", parentNode.hash)
	}
	parent, err := bc.HeaderByHash(parentNode.hash)
	if err != nil {
		return err
	}
	// Times of the run's predecessors, most recent first, for the median rule.
	times := parentNode.prevTimes(medianTimeBlocks)
	now := uint64(bc.now().UnixMilli())
	for i, h := range headers {
		if err := CheckHeaderSanity(h, bc.params, now); err != nil {
			return fmt.Errorf("header %d of run: %w", i, err)
		}
		if err := CheckHeaderContext(h, parent, times, bc.params); err != nil {
			return fmt.Errorf("header %d of run: %w", i, err)
		}
		times = append([]uint64{h.Time}, times[:min(len(times), medianTimeBlocks-1)]...)
		parent = h
	}
	return nil
}
