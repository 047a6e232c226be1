package trie

import "encoding/binary"

// MaxCacheDepth is the deepest position the node cache can hold, in bits:
// positions up to it pack into a uint64 map key, and no real trie has 2^62
// keys.
const MaxCacheDepth = 62

// nodeCache keeps decoded nodes near the root, which every update passes
// through. It holds only nodes of the committed tree, at positions of at
// most depth bits, so it never outgrows 2^(depth+1)-1 nodes.
type nodeCache struct {
	depth int // -1: caching disabled
	m     map[uint64]*node
}

func newNodeCache(depth int) nodeCache {
	switch {
	case depth == 0:
		depth = DefaultCacheDepth
	case depth < 0:
		depth = -1
	case depth > MaxCacheDepth:
		depth = MaxCacheDepth
	}
	return nodeCache{depth: depth, m: make(map[uint64]*node)}
}

// key packs a shallow position into a map key: its bits, below a marker bit
// that records how many there are. ok is false for a position too deep to
// cache.
func (c *nodeCache) key(pos position) (k uint64, ok bool) {
	if int(pos.bits) > c.depth {
		return 0, false
	}
	return binary.BigEndian.Uint64(pos.path[:8])>>(64-pos.bits) | 1<<pos.bits, true
}

func (c *nodeCache) get(pos position) *node {
	if k, ok := c.key(pos); ok {
		return c.m[k]
	}
	return nil
}

func (c *nodeCache) put(pos position, n *node) {
	if k, ok := c.key(pos); ok {
		c.m[k] = n
	}
}

func (c *nodeCache) drop(pos position) {
	if k, ok := c.key(pos); ok {
		delete(c.m, k)
	}
}

// shallow reports whether pos is cached.
func (c *nodeCache) shallow(pos position) bool { return int(pos.bits) <= c.depth }
