package trie

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

// batchOp is one recorded Writer call.
type batchOp struct {
	key, value []byte
	del        bool
}

// recBatch is a Writer that records calls, like a database batch: the store
// sees nothing until apply.
type recBatch struct{ ops []batchOp }

func (b *recBatch) Put(key, value []byte) error {
	b.ops = append(b.ops, batchOp{key: bytes.Clone(key), value: bytes.Clone(value)})
	return nil
}

func (b *recBatch) Delete(key []byte) error {
	b.ops = append(b.ops, batchOp{key: bytes.Clone(key), del: true})
	return nil
}

func (b *recBatch) apply(s *MemoryStore) {
	for _, op := range b.ops {
		if op.del {
			s.Delete(op.key)
		} else {
			s.Put(op.key, op.value)
		}
	}
}

// snapshot returns a copy of everything in s.
func snapshot(s *MemoryStore) map[string][]byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return maps.Clone(s.m)
}

func sameStore(a, b map[string][]byte) bool { return maps.EqualFunc(a, b, bytes.Equal) }

// update applies changes through a recorded batch, committed afterwards as
// the chain does, and returns the new root and undo batch.
func update(t testing.TB, tr *Trie, s *MemoryStore, changes []Change) (types.Hash, []Change) {
	t.Helper()
	var b recBatch
	root, undo, err := tr.Update(changes, &b)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	b.apply(s)
	return root, undo
}

// newTrie returns an empty trie over a fresh MemoryStore.
func newTrie(t testing.TB, cacheBytes int64) (*Trie, *MemoryStore) {
	t.Helper()
	s := NewMemoryStore()
	tr, err := New(Config{Reader: s, CacheBytes: cacheBytes})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return tr, s
}

// buildStore returns the store a single batch builds for set from scratch.
func buildStore(t testing.TB, set map[Key][]byte) (types.Hash, map[string][]byte) {
	t.Helper()
	tr, s := newTrie(t, -1)
	root, _ := update(t, tr, s, setChanges(set))
	return root, snapshot(s)
}

// setChanges turns a set into an insert batch in map order.
func setChanges(set map[Key][]byte) []Change {
	cs := make([]Change, 0, len(set))
	for k, v := range set {
		cs = append(cs, Change{Key: k, Value: v})
	}
	return cs
}

// refRoot computes the root of set directly from the byte layout in doc.go,
// with its own bit arithmetic, as an implementation independent of the
// package's.
func refRoot(set map[Key][]byte) types.Hash {
	keys := slices.SortedFunc(maps.Keys(set), func(a, b Key) int { return bytes.Compare(a[:], b[:]) })
	return refSubtree(keys, set)
}

func refBit(k Key, i int) int { return int(k[i/8]>>(7-i%8)) & 1 }

func refSubtree(keys []Key, set map[Key][]byte) types.Hash {
	switch len(keys) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		vh := sha256.Sum256(set[keys[0]])
		return sha256.Sum256(slices.Concat([]byte{0x00}, keys[0][:], vh[:]))
	}
	first, last := keys[0], keys[len(keys)-1]
	split := 0
	for refBit(first, split) == refBit(last, split) {
		split++
	}
	var prefix Key
	for i := 0; i < split; i++ {
		prefix[i/8] |= byte(refBit(first, i) << (7 - i%8))
	}
	k := 0
	for refBit(keys[k], split) == 0 {
		k++
	}
	l, r := refSubtree(keys[:k], set), refSubtree(keys[k:], set)
	return sha256.Sum256(slices.Concat([]byte{0x01, byte(split)}, prefix[:], l[:], r[:]))
}

// randKey returns a uniformly random key.
func randKey(rng *rand.Rand) Key {
	var k Key
	for i := 0; i < 32; i += 8 {
		binary.LittleEndian.PutUint64(k[i:], rng.Uint64())
	}
	return k
}

// clusteredKey returns a key from a small family that shares long prefixes
// and differs in a few scattered bits (including bits 0 and 255), so that
// small sets still make deep and varied trees.
func clusteredKey(sel byte) Key {
	var k Key
	k[0] = 0x5a
	k[31] = 0xa5
	for i, b := range [8]int{0, 3, 8, 9, 63, 64, 200, 255} {
		if sel&(1<<i) != 0 {
			k[b/8] ^= 0x80 >> (b % 8)
		}
	}
	return k
}

// randValue returns a random value of 1..48 bytes.
func randValue(rng *rand.Rand) []byte {
	v := make([]byte, 1+rng.IntN(48))
	for i := range v {
		v[i] = byte(rng.Uint32())
	}
	return v
}

// randPairs returns n distinct uniformly random keys with random values.
func randPairs(rng *rand.Rand, n int) map[Key][]byte {
	set := make(map[Key][]byte, n)
	for len(set) < n {
		set[randKey(rng)] = randValue(rng)
	}
	return set
}

// randSet returns n pairs, half random keys and half clustered ones.
func randSet(rng *rand.Rand, n int) map[Key][]byte {
	set := make(map[Key][]byte, n)
	for len(set) < n {
		var k Key
		if rng.IntN(2) == 0 {
			k = randKey(rng)
		} else {
			k = clusteredKey(byte(rng.Uint32()))
		}
		set[k] = randValue(rng)
	}
	return set
}

// checkGet checks that tr holds exactly set (for the keys of set and of
// extra).
func checkGet(t *testing.T, tr *Trie, set map[Key][]byte, extra ...Key) {
	t.Helper()
	for k, want := range set {
		got, err := tr.Get(k)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("Get(%x) = %x, %v; want %x", k, got, err, want)
		}
	}
	for _, k := range extra {
		if _, ok := set[k]; ok {
			continue
		}
		got, err := tr.Get(k)
		if err != nil || got != nil {
			t.Fatalf("Get(absent %x) = %x, %v; want nil", k, got, err)
		}
	}
}
