package trie

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

func TestGetAndStoredNodeCount(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 17, 300} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			set := randSet(rng, n)
			tr, s := newTrie(t, 0)
			root, _ := update(t, tr, s, setChanges(set))
			if want := refRoot(set); root != want || tr.Root() != want {
				t.Fatalf("root = %s (Root() %s), want %s", root, tr.Root(), want)
			}
			// n leaves and n-1 inner nodes: nothing else is stored.
			if want := max(2*n-1, 0); s.Len() != want {
				t.Fatalf("store holds %d nodes, want %d", s.Len(), want)
			}
			absent := []Key{randKey(rng), clusteredKey(0x33), clusteredKey(0xff), {}}
			checkGet(t, tr, set, absent...)
			// A fresh trie over the same store sees the same.
			tr2, err := Open(Config{Reader: s, CacheBytes: -1}, root)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			checkGet(t, tr2, set, absent...)
		})
	}
}

// TestOrderIndependence applies one set in random orders and random batch
// splits, with every cache setting, and expects one root and one store.
func TestOrderIndependence(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	set := randSet(rng, 400)
	wantRoot, wantStore := buildStore(t, set)
	if ref := refRoot(set); wantRoot != ref {
		t.Fatalf("root %s, reference %s", wantRoot, ref)
	}
	for trial := range 12 {
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			cs := setChanges(set)
			rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
			tr, s := newTrie(t, []int64{-1, 0, 200, 1500, 20000, 1 << 40}[trial%6])
			// Interleave decoys that are inserted and later deleted.
			var decoys []Change
			for len(cs) > 0 {
				n := 1 + rng.IntN(60)
				if trial%2 == 0 {
					n = 1 // one key per batch
				}
				n = min(n, len(cs))
				batch := slices.Clone(cs[:n])
				cs = cs[n:]
				if rng.IntN(3) == 0 {
					d := Change{Key: randKey(rng), Value: []byte("decoy")}
					batch = append(batch, d)
					decoys = append(decoys, Change{Key: d.Key})
				}
				update(t, tr, s, batch)
			}
			update(t, tr, s, decoys)
			if tr.Root() != wantRoot {
				t.Fatalf("root %s, want %s", tr.Root(), wantRoot)
			}
			if !sameStore(snapshot(s), wantStore) {
				t.Fatalf("stored nodes differ from a from-scratch build")
			}
		})
	}
}

func TestDeleteAll(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	set := randSet(rng, 200)
	tr, s := newTrie(t, 0)
	update(t, tr, s, setChanges(set))
	var dels []Change
	for k := range set {
		dels = append(dels, Change{Key: k})
	}
	// Delete in a few batches, checking the root after each.
	for len(dels) > 0 {
		n := min(len(dels), 1+rng.IntN(70))
		root, _ := update(t, tr, s, dels[:n])
		for _, d := range dels[:n] {
			delete(set, d.Key)
		}
		dels = dels[n:]
		if want := refRoot(set); root != want {
			t.Fatalf("root %s, want %s", root, want)
		}
	}
	if tr.Root() != EmptyRoot || s.Len() != 0 {
		t.Fatalf("after deleting all: root %s, %d nodes stored", tr.Root(), s.Len())
	}
}

// TestUndoRestoresRootAndStore is the disconnect path: applying the undo
// batch restores the previous root and exactly the previous stored nodes.
func TestUndoRestoresRootAndStore(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	set := randSet(rng, 300)
	tr, s := newTrie(t, 3000)
	update(t, tr, s, setChanges(set))
	type version struct {
		root  types.Hash
		store map[string][]byte
		undo  []Change
	}
	var history []version
	keys := setChanges(set)
	for range 20 {
		before := version{root: tr.Root(), store: snapshot(s)}
		var batch []Change
		seen := make(map[Key]bool)
		for range 1 + rng.IntN(40) {
			var c Change
			switch rng.IntN(4) {
			case 0: // insert
				c = Change{Key: randKey(rng), Value: randValue(rng)}
			case 1: // delete
				c = Change{Key: keys[rng.IntN(len(keys))].Key}
			case 2: // modify
				c = Change{Key: keys[rng.IntN(len(keys))].Key, Value: randValue(rng)}
			case 3: // clustered insert or delete
				c = Change{Key: clusteredKey(byte(rng.Uint32()))}
				if rng.IntN(2) == 0 {
					c.Value = randValue(rng)
				}
			}
			if !seen[c.Key] {
				seen[c.Key] = true
				batch = append(batch, c)
			}
		}
		_, before.undo = update(t, tr, s, batch)
		if !slices.IsSortedFunc(before.undo, func(a, b Change) int { return bytes.Compare(a.Key[:], b.Key[:]) }) {
			t.Fatalf("undo batch not sorted")
		}
		history = append(history, before)
	}
	for i := len(history) - 1; i >= 0; i-- {
		v := history[i]
		root, _ := update(t, tr, s, v.undo)
		if root != v.root {
			t.Fatalf("undo %d: root %s, want %s", i, root, v.root)
		}
		if !sameStore(snapshot(s), v.store) {
			t.Fatalf("undo %d: stored nodes differ", i)
		}
	}
}

func TestNoOpChanges(t *testing.T) {
	t.Parallel()
	tr, s := newTrie(t, 0)
	k1, k2 := clusteredKey(1), clusteredKey(2)
	update(t, tr, s, []Change{{Key: k1, Value: []byte("a")}, {Key: k2, Value: []byte("b")}})
	before := snapshot(s)
	var b recBatch
	root, undo, err := tr.Update([]Change{
		{Key: k1, Value: []byte("a")}, // same value
		{Key: clusteredKey(3)},        // delete of an absent key
		{Key: k2, Value: []byte("b")}, // same value
		{Key: clusteredKey(0x80)},     // absent, diverging above the root
		{Key: randKey(rand.New(rand.NewPCG(1, 1)))},
	}, &b)
	if err != nil {
		t.Fatal(err)
	}
	if len(undo) != 0 || len(b.ops) != 0 || root != tr.Root() {
		t.Fatalf("no-op batch: undo %v, %d writes", undo, len(b.ops))
	}
	if !sameStore(before, snapshot(s)) {
		t.Fatal("store changed")
	}
}

func TestEmptyValueDeletes(t *testing.T) {
	t.Parallel()
	tr, s := newTrie(t, 0)
	k := clusteredKey(9)
	update(t, tr, s, []Change{{Key: k, Value: []byte("v")}})
	_, undo := update(t, tr, s, []Change{{Key: k, Value: []byte{}}})
	if tr.Root() != EmptyRoot || len(undo) != 1 || string(undo[0].Value) != "v" {
		t.Fatalf("root %s, undo %v", tr.Root(), undo)
	}
}

func TestUpdateErrors(t *testing.T) {
	t.Parallel()
	k := clusteredKey(1)
	tests := []struct {
		name    string
		changes []Change
		want    error
	}{
		{"value too large", []Change{{Key: k, Value: make([]byte, MaxValueSize+1)}}, ErrValueTooLarge},
		{"duplicate key", []Change{{Key: k, Value: []byte("a")}, {Key: clusteredKey(2), Value: []byte("b")}, {Key: k}}, ErrDuplicateKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tr, s := newTrie(t, 0)
			update(t, tr, s, []Change{{Key: clusteredKey(5), Value: []byte("x")}})
			root := tr.Root()
			var b recBatch
			if _, _, err := tr.Update(tc.changes, &b); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if tr.Root() != root || len(b.ops) != 0 {
				t.Fatalf("failed update changed the trie or wrote %d ops", len(b.ops))
			}
		})
	}
	t.Run("max size value accepted", func(t *testing.T) {
		t.Parallel()
		tr, s := newTrie(t, 0)
		v := bytes.Repeat([]byte{7}, MaxValueSize)
		update(t, tr, s, []Change{{Key: k, Value: v}})
		if got, err := tr.Get(k); err != nil || !bytes.Equal(got, v) {
			t.Fatalf("Get: %d bytes, %v", len(got), err)
		}
	})
}

// failingWriter fails its nth call.
type failingWriter struct {
	n   int
	err error
}

func (w *failingWriter) Put(key, value []byte) error { return w.call() }
func (w *failingWriter) Delete(key []byte) error     { return w.call() }
func (w *failingWriter) call() error {
	if w.n--; w.n < 0 {
		return w.err
	}
	return nil
}

func TestWriterErrorLeavesTrieUnchanged(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(9, 9))
	set := randSet(rng, 50)
	tr, s := newTrie(t, 0)
	update(t, tr, s, setChanges(set))
	root := tr.Root()
	boom := errors.New("disk full")
	var dels []Change
	for k := range set {
		dels = append(dels, Change{Key: k})
	}
	for n := range 5 {
		if _, _, err := tr.Update(dels, &failingWriter{n: n, err: boom}); !errors.Is(err, boom) {
			t.Fatalf("writer failing at call %d: err = %v", n, err)
		}
		if tr.Root() != root {
			t.Fatalf("root moved after a failed update")
		}
	}
	checkGet(t, tr, set)
}

// corruptStore wraps a MemoryStore and lets a test alter what one key reads.
type corruptStore struct {
	*MemoryStore
	key   string
	value []byte // nil: report absent
	err   error
}

func (c *corruptStore) Get(key []byte) ([]byte, error) {
	if string(key) == c.key {
		if c.err != nil {
			return nil, c.err
		}
		if c.value == nil {
			return nil, ErrNotFound
		}
		return c.value, nil
	}
	return c.MemoryStore.Get(key)
}

func TestCorruptionDetected(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(10, 11))
	set := randSet(rng, 40)
	tr, s := newTrie(t, 0)
	update(t, tr, s, setChanges(set))
	root := tr.Root()
	// Pick a stored leaf below the root.
	var leafKey string
	var leafVal []byte
	for k, v := range snapshot(s) {
		if v[0] == leafTag && len(k) > 2 {
			leafKey, leafVal = k, v
			break
		}
	}
	var someKey Key
	copy(someKey[:], leafVal[1:33])
	otherLeaf := slices.Clone(leafVal)
	otherLeaf[len(otherLeaf)-1] ^= 1
	ioErr := errors.New("i/o error")
	tests := []struct {
		name  string
		value []byte
		err   error
		want  error
	}{
		{"missing node", nil, nil, ErrCorrupt},
		{"undecodable node", []byte{0x07}, nil, ErrCorrupt},
		{"wrong value", otherLeaf, nil, ErrCorrupt},
		{"read error passes through", nil, ioErr, ioErr},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cs := &corruptStore{MemoryStore: s, key: leafKey, value: tc.value, err: tc.err}
			tr, err := Open(Config{Reader: cs, CacheBytes: -1}, root)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tr.Get(someKey); !errors.Is(err, tc.want) {
				t.Errorf("Get: err = %v, want %v", err, tc.want)
			}
			if _, err := tr.Prove(someKey); !errors.Is(err, tc.want) {
				t.Errorf("Prove: err = %v, want %v", err, tc.want)
			}
			if _, _, err := tr.Update([]Change{{Key: someKey}}, &recBatch{}); !errors.Is(err, tc.want) {
				t.Errorf("Update: err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	tr, s := newTrie(t, 0)
	update(t, tr, s, []Change{{Key: clusteredKey(1), Value: []byte("a")}, {Key: clusteredKey(2), Value: []byte("b")}})
	root := tr.Root()
	rootKey := string(position{}.storageKey())
	tests := []struct {
		name string
		r    Reader
		root types.Hash
		want error
	}{
		{"right root", s, root, nil},
		{"other root", s, EmptyRoot, ErrRootMismatch},
		{"empty store, nonempty root", NewMemoryStore(), root, ErrRootMismatch},
		{"empty store, empty root", NewMemoryStore(), EmptyRoot, nil},
		{"undecodable root", &corruptStore{MemoryStore: s, key: rootKey, value: []byte{0x01, 0x02}}, root, ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := Open(Config{Reader: tc.r}, tc.root); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := New(Config{}); err == nil {
		t.Fatal("New without a Reader succeeded")
	}
}

// TestDirectWrites uses the store itself as the Writer, as the fuzz test
// does, and expects the same result as a deferred batch.
func TestDirectWrites(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(12, 13))
	set := randSet(rng, 500)
	wantRoot, wantStore := buildStore(t, set)
	tr, s := newTrie(t, 1000)
	cs := setChanges(set)
	for i := 0; i < len(cs); i += 37 {
		if _, _, err := tr.Update(cs[i:min(i+37, len(cs))], s); err != nil {
			t.Fatal(err)
		}
	}
	if tr.Root() != wantRoot || !sameStore(snapshot(s), wantStore) {
		t.Fatalf("direct writes: root %s, want %s", tr.Root(), wantRoot)
	}
}
