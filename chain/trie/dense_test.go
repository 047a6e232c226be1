package trie

import (
	"maps"
	"math/rand/v2"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

// TestCacheDenseLevels fills a trie large enough for some levels of its
// cache to turn dense, and checks through inserts, updates and undo that
// every cached node is the stored one, that the cache holds every node
// (the budget is unbounded) and that its accounting adds up.
func TestCacheDenseLevels(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(41, 42))
	set := randPairs(rng, 9000)
	tr, s := newTrie(t, 1<<40)
	update(t, tr, s, setChanges(set))
	check := func(when string) {
		t.Helper()
		checkCache(t, tr.cache, s)
		if tr.cache.len() != s.Len() {
			t.Fatalf("%s: cache holds %d of %d nodes", when, tr.cache.len(), s.Len())
		}
		var sum int64
		for lv := range tr.cache.levels {
			sum += tr.cache.levelMem(lv)
		}
		if sum != tr.cache.used {
			t.Fatalf("%s: accounted %d bytes, holds %d", when, tr.cache.used, sum)
		}
	}
	dense := 0
	for lv := range tr.cache.levels {
		if tr.cache.levels[lv].dense != nil {
			dense++
			if lv < minDenseBits {
				t.Fatalf("level %d is dense, below %d", lv, minDenseBits)
			}
		}
	}
	if dense == 0 {
		t.Fatal("no dense level: the test covers nothing")
	}
	check("after the inserts")
	for round := range 3 {
		root0, store0 := tr.Root(), snapshot(s)
		batch := forkBatch(rng, set)
		got, undo := update(t, tr, s, batch)
		next := maps.Clone(set)
		for _, c := range batch {
			if len(c.Value) == 0 {
				delete(next, c.Key)
			} else {
				next[c.Key] = c.Value
			}
		}
		if want := refRoot(next); got != want {
			t.Fatalf("round %d: root %s, want %s", round, got, want)
		}
		check("after a batch")
		if back, _ := update(t, tr, s, undo); back != root0 || !sameStore(snapshot(s), store0) {
			t.Fatalf("round %d: undo did not restore the root and the store", round)
		}
		check("after its undo")
		update(t, tr, s, batch)
		set = next
	}
	checkGet(t, tr, set)
}

// TestCacheDenseRecords checks a dense level directly: a level turns dense
// once full enough, a node whose hash tag is zero (which a dense slot
// cannot tell from an empty one) is kept decoded instead, drop empties a
// slot, and shrinking evicts a dense level whole.
func TestCacheDenseRecords(t *testing.T) {
	t.Parallel()
	const bits = minDenseBits
	c := newNodeCache(1 << 30)
	at := func(i uint64) position {
		var p position
		p.bits = bits
		var k Key
		for b := range bits {
			if i&(1<<(bits-1-b)) != 0 {
				k[b/8] |= 0x80 >> (b % 8)
			}
		}
		p.path = k
		return p
	}
	plainAt := func(i uint64) *node {
		p := at(i)
		return newInner(bits, &p.path, types.Hash{byte(i), byte(i >> 8)}, types.Hash{1})
	}
	full := uint64(1) << bits
	fill := (full*denseFillNum + denseFillDen - 1) / denseFillDen // the least that turns dense
	for i := range fill - 1 {
		c.put(at(i), plainAt(i))
	}
	if c.levels[bits].dense != nil {
		t.Fatalf("dense at %d of %d", fill-1, full)
	}
	for i := fill - 1; i < fill; i++ {
		c.put(at(i), plainAt(i))
	}
	l := &c.levels[bits]
	if l.dense == nil || l.count != int(fill) || c.used != denseMem(bits) {
		t.Fatalf("after filling %d of %d: dense %v, count %d, used %d", fill, full, l.dense != nil, l.count, c.used)
	}
	for i := range fill {
		n := plainAt(i)
		if got, ok := c.get(at(i), n.hash); !ok || got == nil || got.child != n.child {
			t.Fatalf("node %d: %v, ok %v", i, got, ok)
		}
	}
	// A plain node whose hash starts with eight zero bytes.
	zero := &node{path: at(full - 1).path, split: bits, child: [2]types.Hash{{7}, {8}}, hash: types.Hash{31: 1}}
	c.put(at(full-1), zero)
	if got, ok := c.get(at(full-1), zero.hash); !ok || got == nil || got.child != zero.child || len(l.other) != 1 {
		t.Fatalf("tag-0 node: %v, ok %v, %d decoded", got, ok, len(l.other))
	}
	if c.used != denseMem(bits)+nodeMem(zero) {
		t.Fatalf("used %d, want %d", c.used, denseMem(bits)+nodeMem(zero))
	}
	// Replacing it with a regular node moves it into its slot.
	n := plainAt(full - 1)
	c.put(at(full-1), n)
	if got, ok := c.get(at(full-1), n.hash); !ok || got == nil || len(l.other) != 0 || c.used != denseMem(bits) {
		t.Fatalf("replaced tag-0 node: %v, ok %v, %d decoded, used %d", got, ok, len(l.other), c.used)
	}
	before := l.count
	c.drop(at(0))
	if c.has(at(0)) || l.count != before-1 {
		t.Fatalf("after drop: has %v, count %d", c.has(at(0)), l.count)
	}
	// One more level, deeper; then a budget that holds neither.
	c.put(position{bits: bits + 1}, newInner(bits+1, &Key{}, types.Hash{1}, types.Hash{2}))
	c.budget = denseMem(bits) / 2
	c.shrink()
	if c.limit >= bits || c.used != 0 || c.len() != 0 {
		t.Fatalf("after shrinking: limit %d, used %d, %d nodes", c.limit, c.used, c.len())
	}
}

// TestNoLeafCache checks a trie whose cache keeps no leaves: updates and
// their undo stay right, Get and Prove read leaves from the store, and
// an update of existing keys with right hints reads nothing at all.
func TestNoLeafCache(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(43, 44))
	set := randPairs(rng, 2000)
	s := NewMemoryStore()
	cr := &countingReader{r: s}
	tr, err := New(Config{Reader: cr, CacheBytes: 1 << 40, NoLeafCache: true})
	if err != nil {
		t.Fatal(err)
	}
	update(t, tr, s, setChanges(set))
	for round := range 3 {
		batch := forkBatch(rng, set)
		root0, store0 := tr.Root(), snapshot(s)
		got, undo := update(t, tr, s, batch)
		next := maps.Clone(set)
		for _, c := range batch {
			if len(c.Value) == 0 {
				delete(next, c.Key)
			} else {
				next[c.Key] = c.Value
			}
		}
		if want := refRoot(next); got != want {
			t.Fatalf("round %d: root %s, want %s", round, got, want)
		}
		if back, _ := update(t, tr, s, undo); back != root0 || !sameStore(snapshot(s), store0) {
			t.Fatalf("round %d: undo did not restore the root and the store", round)
		}
		update(t, tr, s, batch)
		set = next
	}
	for lv := range tr.cache.levels {
		for _, n := range tr.cache.levels[lv].other {
			if n.leaf {
				t.Fatalf("level %d: a leaf is cached", lv)
			}
		}
	}
	checkCache(t, tr.cache, s)
	checkGet(t, tr, set)
	for k, v := range set {
		p, err := tr.Prove(k)
		if err != nil {
			t.Fatal(err)
		}
		if err := VerifyProof(tr.Root(), k, v, p); err != nil {
			t.Fatal(err)
		}
		break
	}
	var batch []Change
	next := maps.Clone(set)
	for k, v := range set {
		nv := append([]byte{0xee}, v...)
		batch = append(batch, Change{Key: k, Value: nv, Prev: v})
		next[k] = nv
	}
	cr.n.Store(0)
	got, _ := update(t, tr, s, batch)
	if want := refRoot(next); got != want {
		t.Fatalf("root %s, want %s", got, want)
	}
	if n := cr.n.Load(); n != 0 {
		t.Fatalf("update of every key with right hints read %d nodes", n)
	}
}
