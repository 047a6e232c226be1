package trie

import (
	"bytes"
	"encoding/binary"
	"errors"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

// forkBatch returns a large batch over set: value changes (with right,
// wrong and no hints), deletions (some of which collapse subtrees),
// inserts of new keys and no-ops.
func forkBatch(rng *rand.Rand, set map[Key][]byte) []Change {
	keys := slices.SortedFunc(maps.Keys(set), func(a, b Key) int { return bytes.Compare(a[:], b[:]) })
	var batch []Change
	for i, k := range keys {
		if rng.IntN(3) != 0 {
			continue
		}
		c := Change{Key: k, Value: randValue(rng)}
		switch i % 4 {
		case 0:
			c.Prev = set[k]
		case 1:
			c.Prev = []byte{9}
		case 2:
			c.Value = nil
		case 3:
			c.Value = set[k] // no-op
		}
		batch = append(batch, c)
	}
	for range 300 {
		batch = append(batch, Change{Key: randKey(rng), Value: randValue(rng), Prev: []byte{1}})
	}
	rng.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
	return batch
}

// TestForkedUpdateMatchesSequential applies the same large batches with
// the walk forked over several goroutines and on one, and checks that
// roots, undo data, the writes handed to the Writer (in order), the
// stores and the caches come out identical, and that the undo data of the
// forked walk restores the store exactly.
func TestForkedUpdateMatchesSequential(t *testing.T) {
	t.Parallel()
	for _, budget := range []int64{-1, 40_000, 1 << 40} {
		rng := rand.New(rand.NewPCG(31, uint64(budget)))
		set := randPairs(rng, 6000)
		seq, ss := newTrie(t, budget)
		par, ps := newTrie(t, budget)
		seq.forks, par.forks = -1, 4
		update(t, seq, ss, setChanges(set))
		update(t, par, ps, setChanges(set))
		for round := range 3 {
			batch := forkBatch(rng, set)
			store0 := snapshot(ps)
			dry, err := par.RootAfter(batch)
			if err != nil {
				t.Fatal(err)
			}
			var sb, pb recBatch
			sroot, sundo, err := seq.Update(batch, &sb)
			if err != nil {
				t.Fatal(err)
			}
			proot, pundo, err := par.Update(batch, &pb)
			if err != nil {
				t.Fatal(err)
			}
			sb.apply(ss)
			pb.apply(ps)
			next := maps.Clone(set)
			for _, c := range batch {
				if len(c.Value) == 0 {
					delete(next, c.Key)
				} else {
					next[c.Key] = c.Value
				}
			}
			if want := refRoot(next); sroot != want || proot != want || dry != want {
				t.Fatalf("budget %d round %d: roots %s (one goroutine), %s (forked), %s (dry run); want %s", budget, round, sroot, proot, dry, want)
			}
			if !slices.EqualFunc(sundo, pundo, sameChange) {
				t.Fatalf("budget %d round %d: undo data differs", budget, round)
			}
			if !slices.EqualFunc(sb.ops, pb.ops, sameOp) {
				t.Fatalf("budget %d round %d: %d writes on one goroutine, %d forked, or another order", budget, round, len(sb.ops), len(pb.ops))
			}
			if !sameStore(snapshot(ss), snapshot(ps)) {
				t.Fatalf("budget %d round %d: stores differ", budget, round)
			}
			// Eviction picks nodes in map order, so only unbounded caches
			// must be equal; bounded ones must hold only committed nodes.
			if budget == 1<<40 {
				sameCache(t, seq.cache, par.cache)
			}
			checkCache(t, par.cache, ps)
			if back, _ := update(t, par, ps, pundo); back != root0(t, store0) || !sameStore(snapshot(ps), store0) {
				t.Fatalf("budget %d round %d: undo did not restore the store", budget, round)
			}
			update(t, par, ps, batch)
			set = next
		}
		checkGet(t, par, set)
	}
}

// root0 returns the root of the trie a store snapshot holds.
func root0(t *testing.T, store map[string][]byte) types.Hash {
	t.Helper()
	s := NewMemoryStore()
	for k, v := range store {
		s.Put([]byte(k), v)
	}
	tr, err := New(Config{Reader: s, CacheBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	return tr.Root()
}

func sameChange(a, b Change) bool {
	return a.Key == b.Key && bytes.Equal(a.Value, b.Value) && bytes.Equal(a.Prev, b.Prev)
}

func sameOp(a, b batchOp) bool {
	return a.del == b.del && bytes.Equal(a.key, b.key) && bytes.Equal(a.value, b.value)
}

// sameCache checks that two caches hold the same nodes in the same form.
func sameCache(t *testing.T, a, b *nodeCache) {
	t.Helper()
	if a.used != b.used || a.limit != b.limit || a.len() != b.len() {
		t.Fatalf("caches: %d/%d nodes, %d/%d bytes, limits %d/%d", a.len(), b.len(), a.used, b.used, a.limit, b.limit)
	}
	for lv := range a.levels {
		la, lb := &a.levels[lv], &b.levels[lv]
		if (la.dense == nil) != (lb.dense == nil) || !slices.Equal(la.dense, lb.dense) {
			t.Fatalf("level %d: dense records differ", lv)
		}
		for k, i := range la.index {
			j, ok := lb.index[k]
			if !ok || la.slab[i] != lb.slab[j] {
				t.Fatalf("level %d: record %x differs (budget %d)", lv, k, a.budget)
			}
		}
		if len(la.index) != len(lb.index) || len(la.other) != len(lb.other) {
			t.Fatalf("level %d: %d/%d records, %d/%d decoded nodes", lv, len(la.index), len(lb.index), len(la.other), len(lb.other))
		}
		for k, n := range la.other {
			if m := lb.other[k]; m == nil || m.hash != n.hash {
				t.Fatalf("level %d: decoded node %x differs", lv, k)
			}
		}
	}
}

// checkCache checks that every node c holds is the node s stores at its
// position.
func checkCache(t *testing.T, c *nodeCache, s *MemoryStore) {
	t.Helper()
	check := func(pos position, n *node) {
		b, err := s.Get(pos.storageKey())
		if err != nil {
			t.Fatalf("cached node at %s: store: %v", pos, err)
		}
		stored, err := decodeNode(b)
		if err != nil {
			t.Fatal(err)
		}
		if stored.hash != n.hash || stored.child != n.child || stored.split != n.split || stored.path != n.path {
			t.Fatalf("cached node at %s differs from the stored one", pos)
		}
	}
	for lv := range c.levels {
		l := &c.levels[lv]
		pos := func(k uint64) position {
			var p position
			p.bits = uint16(lv)
			if lv > 0 {
				binary.BigEndian.PutUint64(p.path[:8], k<<(64-lv))
			}
			return p
		}
		rec := func(k uint64, r innerRec) {
			p := pos(k)
			n, ok := c.get(p, types.Hash{})
			if ok || n != nil {
				t.Fatalf("record at %s matched a zero hash", p)
			}
			b, err := s.Get(p.storageKey())
			if err != nil {
				t.Fatalf("cached record at %s: store: %v", p, err)
			}
			stored, err := decodeNode(b)
			if err != nil {
				t.Fatal(err)
			}
			if stored.child != r.child || r.tag != hashTag(&stored.hash) || !plain(p, stored) {
				t.Fatalf("cached record at %s differs from the stored node", p)
			}
		}
		for k, i := range l.index {
			rec(k, l.slab[i])
		}
		for k, r := range l.dense {
			if r.tag != 0 {
				rec(uint64(k), r)
			}
		}
		for k, n := range l.other {
			check(pos(k), n)
		}
	}
}

// TestForkedUpdateErrors checks that a read failure on a forked goroutine
// fails the update and leaves the trie and its cache as they were.
func TestForkedUpdateErrors(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(33, 34))
	set := randPairs(rng, 3000)
	s := NewMemoryStore()
	tr, err := New(Config{Reader: s, CacheBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	tr.forks = 3
	root, _ := update(t, tr, s, setChanges(set))
	// Damage a node deep in the right half: a forked goroutine reads it.
	var victim string
	for k := range snapshot(s) {
		if len(k) > 3 && k[2]&0x80 != 0 && (victim == "" || k > victim) {
			victim = k
		}
	}
	cs := &corruptStore{MemoryStore: s, key: victim, value: []byte{0x01, 0x02}}
	tr2, err := Open(Config{Reader: cs, CacheBytes: -1}, root)
	if err != nil {
		t.Fatal(err)
	}
	tr2.forks = 3
	var batch []Change
	for k := range set {
		batch = append(batch, Change{Key: k, Value: []byte{1}})
	}
	var b recBatch
	if _, _, err := tr2.Update(batch, &b); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Update over a damaged node: %v, want ErrCorrupt", err)
	}
	if tr2.Root() != root {
		t.Fatalf("failed update moved the root to %s", tr2.Root())
	}
	if _, err := tr2.RootAfter(batch); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("RootAfter over a damaged node: %v, want ErrCorrupt", err)
	}
}

// TestLargeUpdateWriterError makes the Writer fail a batch large enough
// for the cache to take the walk's nodes while the batch is written, and
// checks that the trie keeps its root, that its cache holds only stored
// nodes, and that it goes on updating correctly.
func TestLargeUpdateWriterError(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(35, 36))
	set := randPairs(rng, 3000)
	tr, s := newTrie(t, 1<<40)
	root, _ := update(t, tr, s, setChanges(set))
	boom := errors.New("disk full")
	for _, n := range []int{0, 700, 1500} {
		batch := forkBatch(rng, set)
		if _, _, err := tr.Update(batch, &failingWriter{n: n, err: boom}); !errors.Is(err, boom) {
			t.Fatalf("writer failing at call %d: err = %v", n, err)
		}
		if tr.Root() != root {
			t.Fatal("root moved after a failed update")
		}
		checkCache(t, tr.cache, s)
		checkGet(t, tr, set)
	}
	batch := forkBatch(rng, set)
	got, _ := update(t, tr, s, batch)
	for _, c := range batch {
		if len(c.Value) == 0 {
			delete(set, c.Key)
		} else {
			set[c.Key] = c.Value
		}
	}
	if want := refRoot(set); got != want {
		t.Fatalf("root %s after failed updates, want %s", got, want)
	}
	checkCache(t, tr.cache, s)
}
