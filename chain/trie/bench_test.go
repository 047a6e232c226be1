package trie

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/types"

	"github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/filter"
	"github.com/syndtr/goleveldb/leveldb/opt"
	"github.com/syndtr/goleveldb/leveldb/util"
)

// benchSizes are the state sizes the update benchmarks compare: the design
// asks a block to cost about the same on both.
var benchSizes = []int{10_000, 1_000_000}

const (
	benchBatch    = 2000 // keys per update: a block of 1,000 transfers
	benchValueLen = 40   // about an account encoding
	benchChunk    = 100_000
)

// memTries holds one in-memory trie per size, built once per process and
// shared by every benchmark run (-count) that needs it.
var memTries struct {
	mu sync.Mutex
	m  map[int]*benchState
}

// benchState is a trie of n keys and the keys it holds.
type benchState struct {
	tr    *Trie
	keys  []Key
	reads *countingReader
	round uint64
}

// countingReader counts store reads.
type countingReader struct {
	r Reader
	n atomic.Int64
}

// countingWriter counts writes and deletions.
type countingWriter struct {
	w Writer
	n int
}

func (c *countingWriter) Put(key, value []byte) error { c.n++; return c.w.Put(key, value) }
func (c *countingWriter) Delete(key []byte) error     { c.n++; return c.w.Delete(key) }

func (c *countingReader) Get(key []byte) ([]byte, error) {
	c.n.Add(1)
	return c.r.Get(key)
}

func benchKeys(n int) []Key {
	rng := rand.New(rand.NewPCG(uint64(n), 99))
	keys := make([]Key, n)
	for i := range keys {
		keys[i] = randKey(rng)
	}
	return keys
}

// fill inserts keys into tr in chunks, committing each chunk with commit.
func fill(b *testing.B, tr *Trie, keys []Key, w func() Writer, commit func(Writer)) {
	b.Helper()
	value := make([]byte, benchValueLen)
	for i := 0; i < len(keys); i += benchChunk {
		chunk := keys[i:min(i+benchChunk, len(keys))]
		cs := make([]Change, len(chunk))
		for j, k := range chunk {
			cs[j] = Change{Key: k, Value: value}
		}
		wr := w()
		if _, _, err := tr.Update(cs, wr); err != nil {
			b.Fatal(err)
		}
		commit(wr)
	}
}

func memTrie(b *testing.B, n int) *benchState {
	b.Helper()
	memTries.mu.Lock()
	defer memTries.mu.Unlock()
	if st := memTries.m[n]; st != nil {
		return st
	}
	s := NewMemoryStore()
	st := &benchState{keys: benchKeys(n), reads: &countingReader{r: s}}
	var err error
	if st.tr, err = New(Config{Reader: st.reads}); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	fill(b, st.tr, st.keys, func() Writer { return s }, func(Writer) {})
	b.Logf("built %d keys in memory in %v", n, time.Since(start))
	if memTries.m == nil {
		memTries.m = make(map[int]*benchState)
	}
	memTries.m[n] = st
	return st
}

// nextBatch returns benchBatch random existing keys with fresh values, so
// that every update really changes them.
func (st *benchState) nextBatch(rng *rand.Rand) []Change {
	st.round++
	cs := make([]Change, 0, benchBatch)
	seen := make(map[int]bool, benchBatch)
	for len(cs) < benchBatch {
		i := rng.IntN(len(st.keys))
		if seen[i] {
			continue
		}
		seen[i] = true
		v := make([]byte, benchValueLen)
		binary.BigEndian.PutUint64(v, st.round)
		cs = append(cs, Change{Key: st.keys[i], Value: v})
	}
	return cs
}

// BenchmarkUpdate2000 updates 2,000 random existing keys per op in tries of
// 10,000 and 1,000,000 keys over the in-memory store.
func BenchmarkUpdate2000(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			st := memTrie(b, n)
			s := st.reads.r.(*MemoryStore)
			rng := rand.New(rand.NewPCG(1, uint64(n)))
			batches := make([][]Change, 8)
			for i := range batches {
				batches[i] = st.nextBatch(rng)
			}
			reads0 := st.reads.n.Load()
			w := &countingWriter{w: s}
			ops := 0
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				cs := batches[i%len(batches)]
				st.round++
				for _, c := range cs {
					binary.BigEndian.PutUint64(c.Value, st.round)
				}
				if _, _, err := st.tr.Update(cs, w); err != nil {
					b.Fatal(err)
				}
				ops++
			}
			b.ReportMetric(float64(st.reads.n.Load()-reads0)/float64(ops), "reads/op")
			b.ReportMetric(float64(w.n)/float64(ops), "writes/op")
		})
	}
}

// ldbStore adapts goleveldb to Reader, as the chain's store will.
type ldbStore struct{ db *leveldb.DB }

func (l ldbStore) Get(key []byte) ([]byte, error) {
	v, err := l.db.Get(key, nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return nil, ErrNotFound
	}
	return v, err
}

// ldbBatch adapts a leveldb.Batch to Writer.
type ldbBatch struct{ b *leveldb.Batch }

func (l ldbBatch) Put(key, value []byte) error { l.b.Put(key, value); return nil }
func (l ldbBatch) Delete(key []byte) error     { l.b.Delete(key); return nil }

// BenchmarkUpdate2000LevelDB is BenchmarkUpdate2000 on goleveldb, with the
// batch written (without fsync) inside each op, as a block connect does.
// Each size is built once per run, in a temporary directory.
// The last case shows what a bigger node cache buys on a big state: with
// 512 MiB nearly every inner node of a million-key trie stays in memory,
// leaving mostly leaf reads.
func BenchmarkUpdate2000LevelDB(b *testing.B) {
	parent := b // owns the directory and the handle: a sub-benchmark's cleanups run after each of its rounds
	cases := []struct {
		n          int
		cacheBytes int64
	}{{benchSizes[0], 0}, {benchSizes[1], 0}, {benchSizes[1], 512 << 20}}
	for _, c := range cases {
		n := c.n
		var st *benchState
		var db *leveldb.DB
		name := fmt.Sprintf("keys=%d", n)
		if c.cacheBytes != 0 {
			name += fmt.Sprintf("/cache=%dMiB", c.cacheBytes>>20)
		}
		b.Run(name, func(b *testing.B) {
			if st == nil {
				var err error
				db, err = leveldb.OpenFile(parent.TempDir(), &opt.Options{
					BlockCacheCapacity: 32 << 20,
					Filter:             filter.NewBloomFilter(10),
				})
				if err != nil {
					b.Fatal(err)
				}
				st = &benchState{keys: benchKeys(n), reads: &countingReader{r: ldbStore{db}}}
				if st.tr, err = New(Config{Reader: st.reads, CacheBytes: c.cacheBytes}); err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				fill(b, st.tr, st.keys, func() Writer { return ldbBatch{new(leveldb.Batch)} }, func(w Writer) {
					if err := db.Write(w.(ldbBatch).b, nil); err != nil {
						b.Fatal(err)
					}
				})
				// Settle the compactions the build queued, so that they do
				// not stall the writes being measured.
				if err := db.CompactRange(util.Range{}); err != nil {
					b.Fatal(err)
				}
				b.Logf("built and compacted %d keys in goleveldb in %v", n, time.Since(start))
				parent.Cleanup(func() { db.Close() })
			}
			rng := rand.New(rand.NewPCG(2, uint64(n)))
			reads0 := st.reads.n.Load()
			ops := 0
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				cs := st.nextBatch(rng)
				b.StartTimer()
				batch := new(leveldb.Batch)
				if _, _, err := st.tr.Update(cs, ldbBatch{batch}); err != nil {
					b.Fatal(err)
				}
				if err := db.Write(batch, nil); err != nil {
					b.Fatal(err)
				}
				ops++
			}
			b.ReportMetric(float64(st.reads.n.Load()-reads0)/float64(ops), "reads/op")
		})
	}
}

func BenchmarkInnerHash(b *testing.B) {
	var prefix Key
	var l, r types.Hash
	for i := 0; i < b.N; i++ {
		l = innerHash(uint8(i), &prefix, &l, &r)
	}
}
