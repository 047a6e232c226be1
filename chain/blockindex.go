package chain

import (
	"math/big"
	"sync"

	"github.com/quarry-chain/quarry/chain/types"
)

// blockStatus records what is known about a block in the index.
type blockStatus uint8

const (
	// statusDataStored: the full block (header and body) is in the database.
	statusDataStored blockStatus = 1 << iota
	// statusValid: the block was connected to the state, so every rule
	// held for it at least once.
	statusValid
	// statusInvalid: the block broke a rule when it was connected.
	statusInvalid
	// statusInvalidAncestor: an ancestor of the block is invalid.
	statusInvalidAncestor
)

// knownInvalid reports whether the block or an ancestor broke a rule.
func (s blockStatus) knownInvalid() bool {
	return s&(statusInvalid|statusInvalidAncestor) != 0
}

// blockNode is one block in the index: every block whose header passed the
// context-free and contextual header rules, on any branch. Nodes form a tree
// through parent pointers. Only the fields the fork-choice and header rules
// need stay in memory; the rest of the header is read from the database.
type blockNode struct {
	hash    types.Hash
	parent  *blockNode
	height  uint64
	time    uint64 // header time, unix ms (for median-time-past)
	bits    uint32
	workSum *big.Int // cumulative work from genesis up to and including this block
	seq     uint64   // arrival order, so equal-work choices are deterministic
	status  blockStatus
}

func newBlockNode(h *types.Header, hash types.Hash, parent *blockNode) *blockNode {
	n := &blockNode{hash: hash, parent: parent, height: h.Height, time: h.Time, bits: h.Bits}
	n.workSum = CalcWork(h.Bits)
	if parent != nil {
		n.workSum.Add(n.workSum, parent.workSum)
	}
	return n
}

// ancestor returns the ancestor of n at height, or nil if height > n.height.
func (n *blockNode) ancestor(height uint64) *blockNode {
	if height > n.height {
		return nil
	}
	for n != nil && n.height > height {
		n = n.parent
	}
	return n
}

// prevTimes returns the times of n and up to count-1 of its ancestors, n
// first: what the median-time-past rule for n's child needs.
func (n *blockNode) prevTimes(count int) []uint64 {
	times := make([]uint64, 0, count)
	for ; n != nil && len(times) < count; n = n.parent {
		times = append(times, n.time)
	}
	return times
}

// findFork returns the last common ancestor of a and b.
func findFork(a, b *blockNode) *blockNode {
	for a != nil && b != nil && a.height > b.height {
		a = a.parent
	}
	for a != nil && b != nil && b.height > a.height {
		b = b.parent
	}
	for a != nil && b != nil && a != b {
		a, b = a.parent, b.parent
	}
	if a != b {
		return nil
	}
	return a
}

// blockIndex holds every known block node and the active chain. Its lock
// guards the map, the status fields and the chain slice; the immutable
// fields of a node (hash, parent, height, time, bits, workSum) may be read
// without it once the node is published.
type blockIndex struct {
	mu    sync.RWMutex
	nodes map[types.Hash]*blockNode
	// main[h] is the active chain's block at height h; main[len-1] is the tip.
	main []*blockNode
	// tips are the nodes without children: the heads of all branches.
	tips    map[*blockNode]struct{}
	nextSeq uint64
}

func newBlockIndex() *blockIndex {
	return &blockIndex{nodes: make(map[types.Hash]*blockNode), tips: make(map[*blockNode]struct{})}
}

func (bi *blockIndex) lookup(hash types.Hash) *blockNode {
	bi.mu.RLock()
	defer bi.mu.RUnlock()
	return bi.nodes[hash]
}

// add inserts n (whose parent must already be present) and updates the tips.
func (bi *blockIndex) add(n *blockNode) {
	bi.mu.Lock()
	defer bi.mu.Unlock()
	n.seq = bi.nextSeq
	bi.nextSeq++
	bi.nodes[n.hash] = n
	if n.parent != nil {
		delete(bi.tips, n.parent)
	}
	bi.tips[n] = struct{}{}
}

func (bi *blockIndex) status(n *blockNode) blockStatus {
	bi.mu.RLock()
	defer bi.mu.RUnlock()
	return n.status
}

func (bi *blockIndex) setStatus(n *blockNode, set blockStatus) {
	bi.mu.Lock()
	defer bi.mu.Unlock()
	n.status |= set
}

// tip returns the active chain's last block.
func (bi *blockIndex) tip() *blockNode {
	bi.mu.RLock()
	defer bi.mu.RUnlock()
	return bi.main[len(bi.main)-1]
}

// mainAt returns the active chain's block at height, or nil.
func (bi *blockIndex) mainAt(height uint64) *blockNode {
	bi.mu.RLock()
	defer bi.mu.RUnlock()
	if height >= uint64(len(bi.main)) {
		return nil
	}
	return bi.main[height]
}

// inMain reports whether n is on the active chain.
func (bi *blockIndex) inMain(n *blockNode) bool {
	bi.mu.RLock()
	defer bi.mu.RUnlock()
	return n.height < uint64(len(bi.main)) && bi.main[n.height] == n
}

// setTip makes n the active chain's tip; its ancestors must already be the
// chain below it up to wherever they differ, which this rewrites.
func (bi *blockIndex) setTip(n *blockNode) {
	bi.mu.Lock()
	defer bi.mu.Unlock()
	need := int(n.height) + 1
	if cap(bi.main) < need {
		grown := make([]*blockNode, len(bi.main), need+need/4)
		copy(grown, bi.main)
		bi.main = grown
	}
	bi.main = bi.main[:need]
	for m := n; m != nil && bi.main[m.height] != m; m = m.parent {
		bi.main[m.height] = m
	}
}

// markInvalidDescendants flags every node that descends from bad.
func (bi *blockIndex) markInvalidDescendants(bad *blockNode) {
	bi.mu.Lock()
	defer bi.mu.Unlock()
	for _, n := range bi.nodes {
		if n == bad || n.height <= bad.height {
			continue
		}
		if n.ancestor(bad.height) == bad {
			n.status |= statusInvalidAncestor
		}
	}
}

// bestCandidate returns the node with the most work that could become the
// tip: its data and every ancestor's is stored and none is known invalid.
// On equal work the current tip wins, then the node seen first.
func (bi *blockIndex) bestCandidate() *blockNode {
	bi.mu.RLock()
	defer bi.mu.RUnlock()
	tip := bi.main[len(bi.main)-1]
	best := tip
	for n := range bi.tips {
		for c := n; c != nil && c.workSum.Cmp(tip.workSum) > 0; c = c.parent {
			if !bi.usable(c) {
				continue
			}
			if cmp := c.workSum.Cmp(best.workSum); cmp > 0 || (cmp == 0 && best != tip && c.seq < best.seq) {
				best = c
			}
			break
		}
	}
	return best
}

// usable reports whether every block from n back to the active chain has
// its data and none is known invalid. Callers hold bi.mu.
func (bi *blockIndex) usable(n *blockNode) bool {
	for ; n != nil; n = n.parent {
		if n.height < uint64(len(bi.main)) && bi.main[n.height] == n {
			return true
		}
		if n.status&statusDataStored == 0 || n.status.knownInvalid() {
			return false
		}
	}
	return false
}
