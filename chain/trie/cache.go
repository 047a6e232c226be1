package trie

import (
	"encoding/binary"
	"slices"
	"unsafe"

	"github.com/quarry-chain/quarry/chain/types"
)

// DefaultCacheBytes is the node cache budget used when Config.CacheBytes is
// 0: 64 MiB. With leaves left out (Config.NoLeafCache) it holds every
// inner node of a state of 500,000 keys, and the top 19 levels of a state
// of a million: two thirds of its inner nodes, all but the last two or
// three of each path.
const DefaultCacheBytes = 64 << 20

// maxCacheBits is the deepest position the node cache can hold, in bits:
// positions up to it pack into a uint64 map key, and no real trie has 2^62
// keys, so every inner node of a real trie is shallower.
const maxCacheBits = 62

// Memory the cache accounts per node, in bytes. A plain inner node (see
// nodeCache) costs its record in the level's slab (which grows by a quarter
// at a time, so its spare capacity stays small) and its index entry: the
// map's key and slot number, control byte and load-factor slack. Any other
// node is kept decoded: the node struct (160, its allocation size class)
// and a map entry (key, pointer, overhead), plus a leaf's value.
const (
	innerMem        = int64(unsafe.Sizeof(innerRec{})) + 24
	nodeMemOverhead = 192
)

// nodeCache keeps the nodes of the committed tree nearest the root in
// memory, shallowest first, within a byte budget. With keys spread uniformly
// (they are hashes) a node at depth d lies on the path of a fraction 2^-d of
// all updates, so the shallowest nodes are the most valuable per byte, and
// the cache keeps a prefix of the levels: every level down to some depth,
// and part of the next. It is never larger than its budget.
//
// Almost every node of a trie of hashed keys is a plain inner node: one
// whose split is the first bit of its position (no path compression), so
// that its prefix is its position. Such a node is stored compactly, as its
// two child hashes, its split and a 64-bit tag of its own hash, in memory
// without pointers (so the collector never scans it): a slab indexed by a
// map, or on a level it fills an array indexed by position (see
// cacheLevel); about 100 bytes or less where a decoded node costs about
// 190, which lets the default budget reach two levels deeper. Its full
// hash is the one its parent commits to, which every lookup supplies and
// the tag confirms. Compressed inner nodes, and leaves unless
// Config.NoLeafCache leaves them out, are kept decoded.
//
// The cache is modified only by Update, once its walk is done; lookups
// only read it, so several readers (Get, Prove, RootAfter, the goroutines
// of one Update's walk) may share it.
type nodeCache struct {
	budget int64 // bytes; <= 0: caching disabled
	leaves bool  // leaves are kept (Config.NoLeafCache unset)
	used   int64
	limit  int // deepest level (position bits) admitted; -1 when disabled
	levels [maxCacheBits + 1]cacheLevel
}

// cacheLevel holds the cached nodes of one level (position bit count).
// Its plain inner nodes are kept sparse, in a slab indexed by a map, or,
// once they fill most of the level's positions, dense: in an array
// indexed by position, where a lookup costs one memory access instead of
// a map probe and the next one into the slab, and a node costs no index.
// On a large state the update of a block looks up some 20,000 nodes,
// nearly all in levels this full, so these probes, which rarely find the
// CPU's caches warm, were the largest part of its cost.
type cacheLevel struct {
	index map[uint64]int32 // sparse plain inner nodes: position key -> slab slot
	slab  []innerRec
	free  []int32          // slab slots to reuse
	dense []innerRec       // dense plain inner nodes by position key (tag 0: none); nil while sparse
	count int              // records in dense
	other map[uint64]*node // leaves and compressed inner nodes
}

// Dense levels: a level of at least minDenseBits and at most maxDenseBits
// bits becomes dense once its plain nodes fill denseFillNum/denseFillDen
// of its positions, if the budget has room. At that fill a dense level
// costs at most an eighth more memory than a sparse one, and less once
// fuller; a state of n keys has about log2(n)-2 levels that full. A
// dense level stays dense until evicted.
const (
	minDenseBits = 10
	maxDenseBits = 24
	denseFillNum = 2
	denseFillDen = 3
)

// denseMem is the memory of a dense level of bits bits.
func denseMem(bits int) int64 { return int64(unsafe.Sizeof(innerRec{})) << bits }

// innerRec is a plain inner node: its prefix is its position's path and its
// split that position's bit count.
type innerRec struct {
	child [2]types.Hash
	tag   uint64 // the first 8 bytes of the node's hash
}

// hashTag is the part of a node hash an innerRec keeps.
func hashTag(h *types.Hash) uint64 { return binary.BigEndian.Uint64(h[:8]) }

// newNodeCache returns an empty cache of budget bytes (see Config.CacheBytes)
// that keeps leaves.
func newNodeCache(budget int64) *nodeCache {
	switch {
	case budget == 0:
		budget = DefaultCacheBytes
	case budget < 0:
		budget = 0
	}
	c := &nodeCache{budget: budget, leaves: true, limit: maxCacheBits}
	if budget == 0 {
		c.limit = -1
	}
	return c
}

// key packs a position of at most maxCacheBits bits into a map key.
func cacheKey(pos position) uint64 {
	return binary.BigEndian.Uint64(pos.path[:8]) >> (64 - pos.bits)
}

// plain reports whether n at pos is stored compactly.
func plain(pos position, n *node) bool { return !n.leaf && uint(n.split) == uint(pos.bits) }

// nodeMem is the memory a decoded node costs the cache.
func nodeMem(n *node) int64 { return nodeMemOverhead + int64(len(n.value)) }

// lookup returns the cached node at pos without building a node: either the
// plain inner node's record or the decoded node, or neither. The record is
// valid until the cache is next modified.
func (c *nodeCache) lookup(pos position) (*innerRec, *node) {
	if int(pos.bits) > c.limit {
		return nil, nil
	}
	l := &c.levels[pos.bits]
	k := cacheKey(pos)
	if l.dense != nil {
		if r := &l.dense[k]; r.tag != 0 {
			return r, nil
		}
	} else if i, ok := l.index[k]; ok { // a nil map reads as empty
		return &l.slab[i], nil
	}
	if len(l.other) == 0 {
		return nil, nil
	}
	return nil, l.other[k]
}

// has reports whether a node at pos is cached.
func (c *nodeCache) has(pos position) bool {
	r, n := c.lookup(pos)
	return r != nil || n != nil
}

// get returns the cached node at pos, which its parent says hashes to want,
// or nil if none is cached. ok is false if the cached node does not hash to
// want: the cache (or the parent) is not the committed tree.
func (c *nodeCache) get(pos position, want types.Hash) (n *node, ok bool) {
	r, n := c.lookup(pos)
	switch {
	case n != nil:
		return n, n.hash == want
	case r == nil:
		return nil, true
	case r.tag != hashTag(&want):
		return nil, false
	}
	return &node{hash: want, path: pos.path, child: r.child, split: uint8(pos.bits)}, true
}

// put caches n at pos if its level is admitted and there is room. A node
// of the deepest admitted level is refused when the cache is full: that
// level keeps the nodes it has, rather than trading them for others just
// as deep. A shallower node is worth more, and evicts from the deepest
// levels.
func (c *nodeCache) put(pos position, n *node) {
	if int(pos.bits) > c.limit {
		return
	}
	if n.leaf && !c.leaves {
		c.drop(pos) // whatever was there is replaced
		return
	}
	l := &c.levels[pos.bits]
	k := cacheKey(pos)
	if l.dense != nil && plain(pos, n) && hashTag(&n.hash) != 0 {
		// Room for every position is paid for: only a node decoded in
		// other at pos must go.
		if len(l.other) > 0 {
			c.drop(pos)
		}
		r := &l.dense[k]
		if r.tag == 0 {
			l.count++
		}
		*r = innerRec{child: n.child, tag: hashTag(&n.hash)}
		return
	}
	if i, ok := l.index[k]; ok && plain(pos, n) {
		// A plain node replacing a plain node (what an update does to
		// nearly every node on its paths): same room, so the record is
		// overwritten in place rather than dropped and added again, which
		// would cost two more operations on a map that, on a large state,
		// rarely sits in the CPU's caches.
		l.slab[i] = innerRec{child: n.child, tag: hashTag(&n.hash)}
		return
	}
	if old := l.other[k]; old != nil && (!plain(pos, n) || l.dense != nil) {
		// A decoded node replacing a decoded node (a changed leaf): the
		// entry is overwritten, and only the difference accounted.
		cp := *n
		l.other[k] = &cp
		c.used += nodeMem(n) - nodeMem(old)
		if c.used > c.budget {
			c.shrink()
		}
		return
	}
	c.drop(pos)
	mem := innerMem
	if !plain(pos, n) || l.dense != nil { // a dense level keeps a tag-0 node decoded
		mem = nodeMem(n)
	}
	if c.used+mem > c.budget && int(pos.bits) == c.limit {
		return
	}
	c.used += mem
	if !plain(pos, n) || l.dense != nil {
		if l.other == nil {
			l.other = make(map[uint64]*node)
		}
		// A copy: an update allocates its nodes in slabs (updater.alloc),
		// which one kept node would otherwise keep alive whole.
		cp := *n
		l.other[k] = &cp
	} else {
		rec := innerRec{child: n.child, tag: hashTag(&n.hash)}
		var i int32
		if f := len(l.free); f > 0 {
			i = l.free[f-1]
			l.free = l.free[:f-1]
			l.slab[i] = rec
		} else {
			if len(l.slab) == cap(l.slab) {
				l.slab = slices.Grow(l.slab, 16+len(l.slab)/4)
			}
			i = int32(len(l.slab))
			l.slab = append(l.slab, rec)
		}
		if l.index == nil {
			l.index = make(map[uint64]int32)
		}
		l.index[k] = i
		c.densify(int(pos.bits))
	}
	if c.used > c.budget {
		c.shrink()
	}
}

// densify makes level bits dense if it qualifies (see cacheLevel).
func (c *nodeCache) densify(bits int) {
	l := &c.levels[bits]
	if bits < minDenseBits || bits > maxDenseBits || len(l.index)*denseFillDen < denseFillNum<<bits {
		return
	}
	mem := denseMem(bits)
	sparse := int64(len(l.index)) * innerMem
	if c.used-sparse+mem > c.budget {
		return
	}
	dense := make([]innerRec, 1<<bits)
	for k, i := range l.index {
		if l.slab[i].tag == 0 {
			return // cannot be told from an empty slot: stay sparse
		}
		dense[k] = l.slab[i]
	}
	l.dense, l.count = dense, len(l.index)
	l.index, l.slab, l.free = nil, nil, nil
	c.used += mem - sparse
}

// drop removes the node cached at pos, if any.
func (c *nodeCache) drop(pos position) {
	if int(pos.bits) > c.limit {
		return
	}
	l := &c.levels[pos.bits]
	k := cacheKey(pos)
	if l.dense != nil {
		if r := &l.dense[k]; r.tag != 0 {
			*r = innerRec{}
			l.count--
		}
	} else if i, ok := l.index[k]; ok {
		delete(l.index, k)
		l.free = append(l.free, i)
		c.used -= innerMem
	}
	if len(l.other) == 0 {
		return
	}
	if old := l.other[k]; old != nil {
		delete(l.other, k)
		c.used -= nodeMem(old)
	}
}

// shrink evicts nodes of the deepest cached level, and stops admitting
// deeper ones, until the cache is within its budget, with a margin of
// shrinkSlack of it so that the evictions, which walk a level's maps, come
// in batches. A level emptied entirely gives back its slab; a partly
// emptied one reuses its free slots.
func (c *nodeCache) shrink() {
	target := c.budget - c.budget/shrinkSlack
	for c.used > target && c.limit >= 0 {
		l := &c.levels[c.limit]
		if l.dense != nil {
			// Freeing a dense level's records one by one frees nothing:
			// the level goes whole.
			c.used -= c.levelMem(c.limit)
			*l = cacheLevel{}
			c.limit--
			continue
		}
		for k, n := range l.other {
			delete(l.other, k)
			c.used -= nodeMem(n)
			if c.used <= target {
				return // the limit level stays, partly filled
			}
		}
		for k, i := range l.index {
			delete(l.index, k)
			l.free = append(l.free, i)
			c.used -= innerMem
			if c.used <= target {
				return
			}
		}
		*l = cacheLevel{}
		c.limit--
	}
}

// shrinkSlack is the fraction (1/shrinkSlack) of the budget that shrink
// frees beyond what the budget requires.
const shrinkSlack = 64

// reset empties the cache.
func (c *nodeCache) reset() {
	c.used = 0
	c.levels = [maxCacheBits + 1]cacheLevel{}
	c.limit = maxCacheBits
	if c.budget <= 0 {
		c.limit = -1
	}
}

// admits reports whether a node at pos would be cached.
func (c *nodeCache) admits(pos position) bool { return int(pos.bits) <= c.limit }

// len returns the number of cached nodes.
func (c *nodeCache) len() int {
	n := 0
	for i := range c.levels {
		n += len(c.levels[i].index) + c.levels[i].count + len(c.levels[i].other)
	}
	return n
}

// levelMem recomputes from its contents the memory level accounts for, as
// used sums it (for tests).
func (c *nodeCache) levelMem(level int) int64 {
	l := &c.levels[level]
	m := int64(len(l.index)) * innerMem
	if l.dense != nil {
		m = denseMem(level)
	}
	for _, n := range l.other {
		m += nodeMem(n)
	}
	return m
}
