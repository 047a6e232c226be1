package trie

import "encoding/binary"

// DefaultCacheBytes is the node cache budget used when Config.CacheBytes is
// 0: 64 MiB, which holds the top ~18 levels of a binary trie (about 350,000
// nodes), every level of a state of some 100,000 keys, and all but the last
// few levels of a state of millions.
const DefaultCacheBytes = 64 << 20

// maxCacheBits is the deepest position the node cache can hold, in bits:
// positions up to it pack into a uint64 map key, and no real trie has 2^62
// keys, so every inner node of a real trie is shallower.
const maxCacheBits = 62

// nodeMemOverhead is the approximate memory a cached node costs besides its
// value, in bytes: the node struct (160, its allocation size class) and its
// map entry (key, pointer and the map's own overhead).
const nodeMemOverhead = 192

// nodeCache keeps decoded nodes of the committed tree in memory, shallowest
// first, within a byte budget. With keys spread uniformly (they are hashes)
// a node at depth d lies on the path of a fraction 2^-d of all updates, so
// the shallowest nodes are the most valuable per byte, and the cache keeps
// a prefix of the levels: every level down to some depth, and part of the
// next. It is never larger than its budget.
//
// The cache is modified only by Update; lookups only read it, so several
// readers (Get, Prove, RootAfter) may share it while no Update runs.
type nodeCache struct {
	budget int64 // bytes; <= 0: caching disabled
	used   int64
	limit  int // deepest level (position bits) admitted; -1 when disabled
	levels [maxCacheBits + 1]map[uint64]*node
}

func newNodeCache(budget int64) *nodeCache {
	switch {
	case budget == 0:
		budget = DefaultCacheBytes
	case budget < 0:
		budget = 0
	}
	c := &nodeCache{budget: budget, limit: maxCacheBits}
	if budget == 0 {
		c.limit = -1
	}
	return c
}

// key packs a position of at most maxCacheBits bits into a map key.
func cacheKey(pos position) uint64 {
	return binary.BigEndian.Uint64(pos.path[:8]) >> (64 - pos.bits)
}

// nodeMem is the memory n costs the cache.
func nodeMem(n *node) int64 { return nodeMemOverhead + int64(len(n.value)) }

func (c *nodeCache) get(pos position) *node {
	if int(pos.bits) > c.limit {
		return nil
	}
	return c.levels[pos.bits][cacheKey(pos)] // a nil map reads as empty
}

// put caches n at pos if its level is admitted, then evicts from the
// deepest levels until the cache fits its budget again.
func (c *nodeCache) put(pos position, n *node) {
	if int(pos.bits) > c.limit {
		return
	}
	m := c.levels[pos.bits]
	if m == nil {
		m = make(map[uint64]*node)
		c.levels[pos.bits] = m
	}
	k := cacheKey(pos)
	if old := m[k]; old != nil {
		c.used -= nodeMem(old)
	}
	m[k] = n
	c.used += nodeMem(n)
	c.shrink()
}

func (c *nodeCache) drop(pos position) {
	if int(pos.bits) > c.limit {
		return
	}
	k := cacheKey(pos)
	if old := c.levels[pos.bits][k]; old != nil {
		c.used -= nodeMem(old)
		delete(c.levels[pos.bits], k)
	}
}

// shrink evicts nodes of the deepest cached level, and stops admitting
// deeper ones, until the cache is within its budget.
func (c *nodeCache) shrink() {
	for c.used > c.budget && c.limit >= 0 {
		m := c.levels[c.limit]
		for k, n := range m {
			if c.used <= c.budget {
				return // the limit level stays, partly filled
			}
			c.used -= nodeMem(n)
			delete(m, k)
		}
		c.levels[c.limit] = nil
		c.limit--
	}
}

// admits reports whether a node at pos would be cached.
func (c *nodeCache) admits(pos position) bool { return int(pos.bits) <= c.limit }

// len returns the number of cached nodes.
func (c *nodeCache) len() int {
	n := 0
	for _, m := range c.levels {
		n += len(m)
	}
	return n
}
