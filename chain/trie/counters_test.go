package trie

import (
	"math/rand/v2"
	"testing"
)

// TestCounters checks that an update counts exactly the store reads it
// makes, the cache hits and hinted leaves that spare reads, and the
// nodes it writes.
func TestCounters(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	set := randPairs(rng, 2000)
	_, stored := buildStore(t, set)
	var keys []Key
	for k := range set {
		if len(keys) == 64 {
			break
		}
		keys = append(keys, k)
	}
	changes := func(hint bool) []Change {
		cs := make([]Change, len(keys))
		for i, k := range keys {
			cs[i] = Change{Key: k, Value: []byte{byte(i), 1, 2}}
			if hint {
				cs[i].Prev = set[k]
			}
		}
		return cs
	}
	tests := []struct {
		name       string
		cacheBytes int64
		hint       bool
		warm       bool // update the same keys once before counting
		dry        bool
		check      func(t *testing.T, c *Counters, reads, writes int)
	}{
		{"no cache, no hints", -1, false, false, false, func(t *testing.T, c *Counters, reads, writes int) {
			if c.CacheHits.Load() != 0 || c.HintedLeaves.Load() != 0 || reads == 0 {
				t.Errorf("hits %d, hinted %d, reads %d: want 0, 0, > 0", c.CacheHits.Load(), c.HintedLeaves.Load(), reads)
			}
		}},
		{"no cache, hints", -1, true, false, false, func(t *testing.T, c *Counters, reads, writes int) {
			if got := c.HintedLeaves.Load(); got != uint64(len(keys)) {
				t.Errorf("hinted %d leaves, want one per changed key (%d)", got, len(keys))
			}
		}},
		{"warm cache", 0, false, true, false, func(t *testing.T, c *Counters, reads, writes int) {
			if reads != 0 || c.CacheHits.Load() == 0 {
				t.Errorf("reads %d, hits %d: a second update of the same keys should find every node cached", reads, c.CacheHits.Load())
			}
		}},
		{"dry run", -1, false, false, true, func(t *testing.T, c *Counters, reads, writes int) {
			if reads == 0 || c.NodesWritten.Load() != 0 {
				t.Errorf("reads %d, written %d: a dry run reads and writes nothing", reads, c.NodesWritten.Load())
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewMemoryStore()
			for k, v := range stored {
				s.Put([]byte(k), v)
			}
			r := &countingReader{r: s}
			var c Counters
			tr, err := New(Config{Reader: r, CacheBytes: tt.cacheBytes, Counters: &c})
			if err != nil {
				t.Fatal(err)
			}
			if tt.warm {
				update(t, tr, s, changes(tt.hint))
				c = Counters{}
			}
			reads0 := r.n.Load()
			writes := 0
			if tt.dry {
				if _, err := tr.RootAfter(changes(tt.hint)); err != nil {
					t.Fatal(err)
				}
			} else {
				cs := changes(tt.hint)
				for i := range cs {
					cs[i].Value = append(cs[i].Value, 9) // differ from the warm-up's values
				}
				var b recBatch
				if _, _, err := tr.Update(cs, &b); err != nil {
					t.Fatal(err)
				}
				for _, op := range b.ops {
					if !op.del {
						writes++
					}
				}
			}
			reads := int(r.n.Load() - reads0)
			if got := c.StoreReads.Load(); got != uint64(reads) {
				t.Errorf("StoreReads = %d, the store saw %d reads", got, reads)
			}
			if got := c.NodesWritten.Load(); got != uint64(writes) {
				t.Errorf("NodesWritten = %d, the batch has %d puts", got, writes)
			}
			tt.check(t, &c, reads, writes)
		})
	}
}
