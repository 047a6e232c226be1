package trie

import (
	"runtime"
	"sync"

	"github.com/quarry-chain/quarry/chain/types"
)

// minPrefetchKeys is the smallest batch, per worker, for which Update reads
// the uncached parts of the changed paths in parallel before applying the
// batch: below it, starting goroutines costs more than the reads they
// overlap.
const minPrefetchKeys = 128

// maxPrefetchWorkers bounds the goroutines of one prefetch.
const maxPrefetchWorkers = 8

// prefetch reads, on several goroutines, the stored nodes that applying
// sorted (sorted, distinct) will need and the cache does not hold, so that
// the sequential walk that follows finds them in memory. Store reads
// (decoding and hashing included) are most of an update's cost on a state
// too large for the cache. Each worker takes a contiguous run of keys, which
// shares most of its upper path. Read errors are left for the walk to
// report. The cache is only read: nothing modifies it during a prefetch.
func (u *updater) prefetch(sorted []Change) {
	workers := min(runtime.GOMAXPROCS(0), len(sorted)/minPrefetchKeys, maxPrefetchWorkers)
	if workers < 2 || u.t.root == EmptyRoot {
		return
	}
	found := make([]map[position]*node, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(sorted)/workers, (w+1)*len(sorted)/workers
		wg.Go(func() { found[w] = u.t.fetchPaths(sorted, lo, hi) })
	}
	wg.Wait()
	u.pre = found[0]
	for _, m := range found[1:] {
		for p, n := range m {
			u.pre[p] = n
		}
	}
}

// fetchPaths walks the paths of sorted[lo:hi] from the root and returns
// the nodes on them that the cache lacks. A key's leaf is not read when its
// Prev hint proves it (see updater.child): the walk tries the hint where the
// update will, at positions that hold no other key of the batch.
func (t *Trie) fetchPaths(sorted []Change, lo, hi int) map[position]*node {
	m := make(map[position]*node)
	for i := lo; i < hi; i++ {
		c := &sorted[i]
		// alone: positions of more bits than this hold no other key of
		// the batch, as for a single change in updater.child.
		var alone uint
		if i > 0 {
			alone = commonPrefixLen(&sorted[i-1].Key, &c.Key)
		}
		if i+1 < len(sorted) {
			alone = max(alone, commonPrefixLen(&sorted[i+1].Key, &c.Key))
		}
		pos, want := position{}, t.root
		for {
			r, n := t.cache.lookup(pos)
			if r != nil && r.tag == hashTag(&want) {
				// A plain inner node: the key is on its path (its prefix
				// is the position, which the key's bits led to).
				b := bit(&c.Key, uint(pos.bits))
				pos, want = childPos(&pos.path, uint8(pos.bits), b), r.child[b]
				continue
			}
			if n == nil {
				n = m[pos]
			}
			if n == nil || n.hash != want {
				if uint(pos.bits) > alone && len(c.Prev) > 0 {
					if l := newLeaf(&c.Key, c.Prev); l.hash == want {
						m[pos] = l
						break
					}
				}
				var err error
				if n, err = t.read(pos, want); err != nil {
					break
				}
				m[pos] = n
			}
			if n.leaf || commonPrefixLen(&c.Key, &n.path) < uint(n.split) {
				break
			}
			b := bit(&c.Key, uint(n.split))
			pos, want = childPos(&n.path, n.split, b), n.child[b]
		}
	}
	return m
}

// prefetched returns the node prefetch found at pos if it hashes to want.
func (u *updater) prefetched(pos position, want types.Hash) *node {
	if n := u.pre[pos]; n != nil && n.hash == want {
		return n
	}
	return nil
}
