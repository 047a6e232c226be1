package chain

import (
	"sync"

	"github.com/quarry-chain/quarry/chain/types"
)

// SigCache remembers the senders of transactions whose signatures were
// already verified (by the mempool, or in a block on another branch), so
// that connecting a block does not recover them again. The key is the
// transaction hash, which covers the signature and the chain id: the same
// hash means the same signed bytes, so the same sender.
//
// Implementations are safe for concurrent use. NewSigCache returns the real
// one, NopSigCache disables caching.
type SigCache interface {
	// Get returns the sender cached for txHash.
	Get(txHash types.Hash) (types.Address, bool)
	// Add records that txHash was signed by sender.
	Add(txHash types.Hash, sender types.Address)
}

var (
	_ SigCache = (*sigCache)(nil)
	_ SigCache = NopSigCache{}
)

// NopSigCache caches nothing.
type NopSigCache struct{}

// Get implements SigCache; it never finds anything.
func (NopSigCache) Get(types.Hash) (types.Address, bool) { return types.Address{}, false }

// Add implements SigCache; it does nothing.
func (NopSigCache) Add(types.Hash, types.Address) {}

// sigCacheShards is the number of independently locked parts of the
// cache, so that the workers recovering a block's senders rarely wait on
// each other. A power of two: the shard is the low bits of the first
// byte of the (uniformly random) transaction hash.
const sigCacheShards = 16

// DefaultSigCacheSize is a capacity that holds a full mempool and several
// blocks' worth of transactions: 100,000 entries, about 8 MiB.
const DefaultSigCacheSize = 100_000

// sigCache is a fixed-capacity map split into shards. Each shard evicts
// its oldest entry (first in, first out) when full: recency tracking
// would turn every Get into a write, and the entries that matter (the
// mempool's, about to be mined) are the recent ones either way.
type sigCache struct {
	shards [sigCacheShards]sigShard
}

type sigShard struct {
	mu    sync.RWMutex
	m     map[types.Hash]types.Address
	order []types.Hash // ring of keys in insertion order, len = capacity
	next  int          // ring position of the next insertion
}

// NewSigCache returns a SigCache holding at most about capacity entries
// (rounded up to a multiple of the shard count). capacity <= 0 means
// DefaultSigCacheSize.
func NewSigCache(capacity int) SigCache {
	if capacity <= 0 {
		capacity = DefaultSigCacheSize
	}
	per := (capacity + sigCacheShards - 1) / sigCacheShards
	c := &sigCache{}
	for i := range c.shards {
		c.shards[i].m = make(map[types.Hash]types.Address, per)
		c.shards[i].order = make([]types.Hash, 0, per)
	}
	return c
}

func (c *sigCache) shard(h *types.Hash) *sigShard {
	return &c.shards[h[0]%sigCacheShards]
}

// Get implements SigCache.
func (c *sigCache) Get(txHash types.Hash) (types.Address, bool) {
	s := c.shard(&txHash)
	s.mu.RLock()
	a, ok := s.m[txHash]
	s.mu.RUnlock()
	return a, ok
}

// Add implements SigCache.
func (c *sigCache) Add(txHash types.Hash, sender types.Address) {
	s := c.shard(&txHash)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[txHash]; ok {
		return
	}
	if len(s.order) < cap(s.order) {
		s.order = append(s.order, txHash)
	} else {
		delete(s.m, s.order[s.next])
		s.order[s.next] = txHash
		s.next = (s.next + 1) % len(s.order)
	}
	s.m[txHash] = sender
}

// Len returns the number of cached entries (for tests and metrics).
func (c *sigCache) Len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.m)
		s.mu.RUnlock()
	}
	return n
}
