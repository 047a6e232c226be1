package trie

import (
	"bytes"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// randBatch returns up to n changes to distinct keys of set and new keys:
// inserts, deletions (also of absent keys), modifications and no-ops.
func randBatch(rng *rand.Rand, set map[Key][]byte, keys []Key, n int) []Change {
	var batch []Change
	seen := make(map[Key]bool)
	for range 1 + rng.IntN(n) {
		var c Change
		switch rng.IntN(5) {
		case 0:
			c = Change{Key: randKey(rng), Value: randValue(rng)}
		case 1:
			c = Change{Key: keys[rng.IntN(len(keys))]}
		case 2:
			c = Change{Key: keys[rng.IntN(len(keys))], Value: randValue(rng)}
		case 3:
			c = Change{Key: clusteredKey(byte(rng.Uint32()))}
			if rng.IntN(2) == 0 {
				c.Value = randValue(rng)
			}
		case 4:
			k := keys[rng.IntN(len(keys))]
			c = Change{Key: k, Value: set[k]}
		}
		if !seen[c.Key] {
			seen[c.Key] = true
			batch = append(batch, c)
		}
	}
	return batch
}

// TestRootAfterMatchesUpdate checks that the dry run gives the root Update
// then produces, and that it changes neither the trie, its cache nor the
// store, whatever the cache budget.
func TestRootAfterMatchesUpdate(t *testing.T) {
	t.Parallel()
	for _, budget := range []int64{-1, 0, 1500, 1 << 40} {
		rng := rand.New(rand.NewPCG(11, uint64(budget)))
		set := randSet(rng, 200)
		tr, s := newTrie(t, budget)
		update(t, tr, s, setChanges(set))
		for round := range 30 {
			keys := make([]Key, 0, len(set))
			for k := range set {
				keys = append(keys, k)
			}
			if len(keys) == 0 {
				break
			}
			batch := randBatch(rng, set, keys, 40)
			root0, store0, cached0, used0 := tr.Root(), snapshot(s), tr.cache.len(), tr.cache.used
			dry, err := tr.RootAfter(batch)
			if err != nil {
				t.Fatalf("budget %d round %d: RootAfter: %v", budget, round, err)
			}
			if tr.Root() != root0 || !sameStore(snapshot(s), store0) || tr.cache.len() != cached0 || tr.cache.used != used0 {
				t.Fatalf("budget %d round %d: RootAfter changed the trie, its cache or the store", budget, round)
			}
			got, _ := update(t, tr, s, batch)
			if got != dry {
				t.Fatalf("budget %d round %d: RootAfter %s, Update %s", budget, round, dry, got)
			}
			for _, c := range batch {
				if len(c.Value) == 0 {
					delete(set, c.Key)
				} else {
					set[c.Key] = c.Value
				}
			}
			if want := refRoot(set); got != want {
				t.Fatalf("budget %d round %d: root %s, reference %s", budget, round, got, want)
			}
		}
	}
}

// TestPrevHints checks that correct hints spare the leaf reads, and that
// wrong hints (another value, a value for an absent key) change nothing
// but cost the reads.
func TestPrevHints(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(12, 13))
	set := randPairs(rng, 500)
	// 50 existing keys get new values, and one absent key is inserted.
	changed := slices.SortedFunc(maps.Keys(set), func(a, b Key) int { return bytes.Compare(a[:], b[:]) })[:50]
	values := make([][]byte, len(changed))
	for i := range values {
		values[i] = randValue(rng)
	}
	absent := randKey(rng)
	tests := []struct {
		name string
		hint func(k Key) []byte
	}{
		{"none", func(Key) []byte { return nil }},
		{"right", func(k Key) []byte { return set[k] }},
		{"wrong", func(k Key) []byte { return append([]byte{1}, set[k]...) }},
	}
	var noneReads int64
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewMemoryStore()
			var b recBatch
			tr0, _ := New(Config{Reader: s, CacheBytes: -1})
			root0, _, err := tr0.Update(setChanges(set), &b)
			if err != nil {
				t.Fatal(err)
			}
			b.apply(s)
			cr := &countingReader{r: s}
			tr, err := Open(Config{Reader: cr, CacheBytes: -1}, root0)
			if err != nil {
				t.Fatal(err)
			}
			var batch []Change
			next := maps.Clone(set)
			for i, k := range changed {
				batch = append(batch, Change{Key: k, Value: values[i], Prev: tc.hint(k)})
				next[k] = values[i]
			}
			batch = append(batch, Change{Key: absent, Value: []byte{7}, Prev: []byte{8}}) // bogus hint
			next[absent] = []byte{7}
			cr.n.Store(0)
			dry, err := tr.RootAfter(batch)
			if err != nil {
				t.Fatal(err)
			}
			dryReads := cr.n.Load()
			cr.n.Store(0)
			got, _ := update(t, tr, s, batch)
			reads := cr.n.Load()
			if want := refRoot(next); got != want || dry != want {
				t.Fatalf("root %s, dry run %s, want %s", got, dry, want)
			}
			if dryReads != reads {
				t.Fatalf("dry run read %d nodes, update %d", dryReads, reads)
			}
			switch tc.name {
			case "none":
				noneReads = reads
			case "right":
				// Every hinted leaf (50 of the 51 paths' last nodes) is spared.
				if reads > noneReads-45 {
					t.Fatalf("%d reads with right hints, %d without", reads, noneReads)
				}
			case "wrong":
				if reads != noneReads {
					t.Fatalf("%d reads with wrong hints, %d without", reads, noneReads)
				}
			}
		})
	}
}

// TestCacheBudget checks that the cache never outgrows its budget and keeps
// the shallowest levels.
func TestCacheBudget(t *testing.T) {
	t.Parallel()
	for _, budget := range []int64{200, 5000, 50_000, 1 << 40} {
		rng := rand.New(rand.NewPCG(14, uint64(budget)))
		tr, s := newTrie(t, budget)
		for range 20 {
			var batch []Change
			for range 100 {
				batch = append(batch, Change{Key: randKey(rng), Value: randValue(rng)})
			}
			update(t, tr, s, batch)
			c := tr.cache
			if c.used > c.budget {
				t.Fatalf("budget %d: cache uses %d", budget, c.used)
			}
			var sum int64
			for level, l := range c.levels {
				if len(l.index)+len(l.other) > 0 && level > c.limit {
					t.Fatalf("budget %d: level %d cached below the limit %d", budget, level, c.limit)
				}
				sum += c.levelMem(level)
			}
			if sum != c.used {
				t.Fatalf("budget %d: accounted %d bytes, holds %d", budget, c.used, sum)
			}
		}
		if budget == 1<<40 && tr.cache.len() != s.Len() {
			t.Fatalf("unbounded cache holds %d of %d nodes", tr.cache.len(), s.Len())
		}
	}
}

// TestPrefetchLargeBatch applies batches large enough to be prefetched on
// several goroutines (run with -race), with right, wrong and no hints, and
// checks roots, the dry run and the undo round trip.
func TestPrefetchLargeBatch(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(15, 16))
	set := randPairs(rng, 3000)
	for _, budget := range []int64{-1, 20_000, 0} {
		tr, s := newTrie(t, budget)
		update(t, tr, s, setChanges(set))
		cur := maps.Clone(set)
		keys := slices.Collect(maps.Keys(set))
		slices.SortFunc(keys, func(a, b Key) int { return bytes.Compare(a[:], b[:]) })
		for round := range 4 {
			root0, store0 := tr.Root(), snapshot(s)
			var batch []Change
			for i, k := range keys {
				if rng.IntN(4) != 0 {
					continue
				}
				c := Change{Key: k, Value: randValue(rng)}
				switch i % 3 {
				case 0:
					c.Prev = cur[k]
				case 1:
					c.Prev = []byte{9}
				}
				if rng.IntN(10) == 0 {
					c.Value = nil
				}
				batch = append(batch, c)
			}
			for range 100 {
				batch = append(batch, Change{Key: randKey(rng), Value: randValue(rng), Prev: []byte{1}})
			}
			next := maps.Clone(cur)
			for _, c := range batch {
				if len(c.Value) == 0 {
					delete(next, c.Key)
				} else {
					next[c.Key] = c.Value
				}
			}
			want := refRoot(next)
			dry, err := tr.RootAfter(batch)
			if err != nil || dry != want {
				t.Fatalf("budget %d round %d: RootAfter %s, %v; want %s", budget, round, dry, err, want)
			}
			got, undo := update(t, tr, s, batch)
			if got != want {
				t.Fatalf("budget %d round %d: root %s, want %s", budget, round, got, want)
			}
			if back, _ := update(t, tr, s, undo); back != root0 || !sameStore(snapshot(s), store0) {
				t.Fatalf("budget %d round %d: undo did not restore the root and store", budget, round)
			}
			update(t, tr, s, batch)
			cur = next
		}
	}
}
