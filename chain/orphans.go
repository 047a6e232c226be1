package chain

import "github.com/quarry-chain/quarry/chain/types"

// Orphan pool bounds. A block only enters the pool after its context-free
// checks (proof of work included), so filling it costs real work; the bounds
// keep even that from growing memory without limit.
const (
	DefaultMaxOrphans      = 256
	DefaultMaxOrphanBytes  = 64 << 20 // 64 MiB of encoded blocks
	orphanEvictionFraction = 8        // when full, drop the oldest 1/8 at once
)

type orphan struct {
	block *types.Block
	hash  types.Hash
	size  int
	seq   uint64
}

// orphanPool holds blocks whose parent is unknown, until the parent arrives.
// It is not safe for concurrent use: the chain's processing lock guards it.
type orphanPool struct {
	maxCount int
	maxBytes int
	bytes    int
	seq      uint64
	byHash   map[types.Hash]*orphan
	byParent map[types.Hash][]*orphan
}

func newOrphanPool(maxCount, maxBytes int) *orphanPool {
	if maxCount <= 0 {
		maxCount = DefaultMaxOrphans
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxOrphanBytes
	}
	return &orphanPool{
		maxCount: maxCount,
		maxBytes: maxBytes,
		byHash:   make(map[types.Hash]*orphan),
		byParent: make(map[types.Hash][]*orphan),
	}
}

func (p *orphanPool) has(hash types.Hash) bool {
	_, ok := p.byHash[hash]
	return ok
}

func (p *orphanPool) len() int { return len(p.byHash) }

// add stores b, evicting the oldest orphans if the pool is full. A block
// larger than the whole pool is not kept.
func (p *orphanPool) add(b *types.Block, hash types.Hash, size int) {
	if p.has(hash) || size > p.maxBytes {
		return
	}
	if len(p.byHash) >= p.maxCount || p.bytes+size > p.maxBytes {
		p.evictOldest(max(1, p.maxCount/orphanEvictionFraction), size)
	}
	o := &orphan{block: b, hash: hash, size: size, seq: p.seq}
	p.seq++
	p.byHash[hash] = o
	parent := b.Header.ParentHash
	p.byParent[parent] = append(p.byParent[parent], o)
	p.bytes += size
}

// evictOldest drops at least n orphans, oldest first, and as many more as it
// takes to fit need more bytes.
func (p *orphanPool) evictOldest(n, need int) {
	for (n > 0 || p.bytes+need > p.maxBytes) && len(p.byHash) > 0 {
		var oldest *orphan
		for _, o := range p.byHash {
			if oldest == nil || o.seq < oldest.seq {
				oldest = o
			}
		}
		p.remove(oldest)
		n--
	}
}

func (p *orphanPool) remove(o *orphan) {
	delete(p.byHash, o.hash)
	parent := o.block.Header.ParentHash
	siblings := p.byParent[parent]
	for i, s := range siblings {
		if s == o {
			siblings = append(siblings[:i], siblings[i+1:]...)
			break
		}
	}
	if len(siblings) == 0 {
		delete(p.byParent, parent)
	} else {
		p.byParent[parent] = siblings
	}
	p.bytes -= o.size
}

// takeChildren removes and returns the orphans whose parent is hash, oldest
// first.
func (p *orphanPool) takeChildren(hash types.Hash) []*types.Block {
	children := p.byParent[hash]
	if len(children) == 0 {
		return nil
	}
	blocks := make([]*types.Block, 0, len(children))
	for _, o := range append([]*orphan(nil), children...) {
		blocks = append(blocks, o.block)
		p.remove(o)
	}
	return blocks
}

// root returns the hash of the oldest missing ancestor of the orphan hash:
// the block a node should ask its peers for.
func (p *orphanPool) root(hash types.Hash) types.Hash {
	for {
		o, ok := p.byHash[hash]
		if !ok {
			return hash
		}
		hash = o.block.Header.ParentHash
	}
}
