package trie

import (
	"crypto/sha256"
	"maps"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/types"
)

// Operation bytes of FuzzTrieOps: the low two bits pick the operation.
const (
	opInsert   = 0 // then key selector, value length, value bytes
	opInsert2  = 1 // same; two codes so that sets grow
	opDelete   = 2 // then key selector
	opCommit   = 3 // commit the pending batch; with 0x10 set, roll back the last one
	opRollback = 0x10
	opDirect   = 0x20 // on a commit: write straight into the store
	opSpread   = 0x80 // on an insert or delete: a spread-out key, not a clustered one
	maxFuzzOps = 150
)

// fuzzKey maps a selector to a key: clustered keys make deep, varied trees
// from few keys; spread ones fill the rest of the key space.
func fuzzKey(op, sel byte) Key {
	if op&opSpread != 0 {
		return sha256.Sum256([]byte{sel})
	}
	return clusteredKey(sel)
}

// FuzzTrieOps decodes its input as a sequence of inserts, deletes, commits
// and rollbacks (see the op constants). After every commit the root must be
// the from-scratch root of the modelled set and the stored nodes exactly
// those a from-scratch build stores; every rollback (applying an undo batch)
// must return the previous root and store; at the end everything is rolled
// back to the empty trie.
func FuzzTrieOps(f *testing.F) {
	f.Add([]byte{0, 0x00, 0x01, 2, 'a', 'b', 0x00, 0x03, 0, 'c', 0x03})
	f.Add([]byte{1, 0x80, 0x07, 1, 'x', 0x01, 0xff, 0, 'y', 0x23, 0x02, 0xff, 0x13, 0x00, 0x01, 0, 'z', 0x03})
	f.Add([]byte{5, 0x00, 0x80, 0, 'p', 0x00, 0x81, 0, 'q', 0x00, 0x00, 0, 'r', 0x03, 0x02, 0x80, 0x02, 0x81, 0x03, 0x13, 0x13})
	f.Fuzz(runTrieOps)
}

// runTrieOps runs one FuzzTrieOps input.
func runTrieOps(t *testing.T, data []byte) {
	if len(data) == 0 {
		return
	}
	cacheBytes := []int64{-1, 0, 200, 1000, 5000, 1 << 40}[data[0]%6]
	data = data[1:]
	tr, s := newTrie(t, cacheBytes)
	type version struct {
		root  types.Hash
		set   map[Key][]byte
		store map[string][]byte
		undo  []Change
	}
	set := make(map[Key][]byte)
	pending := make(map[Key]Change)
	var history []version

	commit := func(direct bool) {
		t.Helper()
		batch := make([]Change, 0, len(pending))
		for _, c := range pending {
			// Alternate right and wrong hints: neither may change a result.
			if prev, ok := set[c.Key]; ok && c.Key[31]&1 == 0 {
				c.Prev = prev
			} else if len(c.Value) > 0 {
				c.Prev = c.Value
			}
			batch = append(batch, c)
		}
		v := version{root: tr.Root(), set: maps.Clone(set), store: snapshot(s)}
		dry, err := tr.RootAfter(batch)
		if err != nil {
			t.Fatalf("RootAfter: %v", err)
		}
		if !sameStore(snapshot(s), v.store) || tr.Root() != v.root {
			t.Fatalf("RootAfter changed the trie or the store")
		}
		var root types.Hash
		if direct {
			var err error
			if root, v.undo, err = tr.Update(batch, s); err != nil {
				t.Fatalf("Update: %v", err)
			}
		} else {
			root, v.undo = update(t, tr, s, batch)
		}
		for k, c := range pending {
			if len(c.Value) == 0 {
				delete(set, k)
			} else {
				set[k] = c.Value
			}
		}
		clear(pending)
		history = append(history, v)
		if dry != root {
			t.Fatalf("RootAfter %s, Update %s", dry, root)
		}
		wantRoot, wantStore := buildStore(t, set)
		if ref := refRoot(set); root != ref || wantRoot != ref {
			t.Fatalf("root %s, rebuilt %s, reference %s", root, wantRoot, ref)
		}
		if !sameStore(snapshot(s), wantStore) {
			t.Fatalf("stored nodes differ from a from-scratch build")
		}
	}
	rollback := func() {
		t.Helper()
		v := history[len(history)-1]
		history = history[:len(history)-1]
		if root, _ := update(t, tr, s, v.undo); root != v.root {
			t.Fatalf("rollback: root %s, want %s", root, v.root)
		}
		if !sameStore(snapshot(s), v.store) {
			t.Fatalf("rollback: stored nodes differ")
		}
		set = v.set
		for k := range set {
			if got, err := tr.Get(k); err != nil || string(got) != string(set[k]) {
				t.Fatalf("rollback: Get(%x) = %x, %v", k, got, err)
			}
		}
	}

	for n := 0; len(data) > 0 && n < maxFuzzOps; n++ {
		op := data[0]
		data = data[1:]
		switch op & 3 {
		case opInsert, opInsert2:
			if len(data) < 2 {
				data = nil
				break
			}
			k := fuzzKey(op, data[0])
			vlen := 1 + int(data[1]%8)
			data = data[2:]
			if len(data) < vlen {
				data = nil
				break
			}
			pending[k] = Change{Key: k, Value: data[:vlen:vlen]}
			data = data[vlen:]
		case opDelete:
			if len(data) < 1 {
				data = nil
				break
			}
			k := fuzzKey(op, data[0])
			data = data[1:]
			pending[k] = Change{Key: k}
		case opCommit:
			if op&opRollback != 0 {
				if len(history) > 0 && len(pending) == 0 {
					rollback()
				}
				break
			}
			commit(op&opDirect != 0)
		}
	}
	commit(false)
	for len(history) > 0 {
		rollback()
	}
	if tr.Root() != EmptyRoot || s.Len() != 0 {
		t.Fatalf("after rolling back everything: root %s, %d nodes", tr.Root(), s.Len())
	}
}

// TestTrieOpsRandom runs FuzzTrieOps on random inputs, so that plain go test
// covers long operation sequences too.
func TestTrieOpsRandom(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(30, 31))
	for i := range 20 {
		data := make([]byte, 200+rng.IntN(1500))
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		start := time.Now()
		runTrieOps(t, data)
		if testing.Verbose() {
			t.Logf("input %d: %d bytes in %v", i, len(data), time.Since(start))
		}
	}
}
