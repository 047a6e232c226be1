package state

import (
	"bytes"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/trie"
	"github.com/quarry-chain/quarry/chain/types"
)

// richAlloc has balances, a nonce, a contract with code and storage.
func richAlloc() []params.GenesisAccount {
	alloc := genesisAlloc(4)
	alloc[1].Nonce = 5
	alloc[2].Code = []byte{0x60, 0x00, 0x60, 0x00}
	alloc[2].Storage = []params.StorageEntry{
		{Key: types.Hash{31: 1}, Value: types.Hash{31: 0x11}},
		{Key: types.Hash{31: 2}, Value: types.Hash{0: 0x22}},
	}
	return alloc
}

// mutate applies a block's worth of assorted changes.
func mutate(t *testing.T, s *StateDB) {
	t.Helper()
	s.BeginTx()
	if err := s.Transfer(testAddr(0), testAddr(100), u256(12345)); err != nil { // new account
		t.Fatal(err)
	}
	s.SetNonce(testAddr(0), 1)
	bal := s.Balance(testAddr(3))
	if err := s.SubBalance(testAddr(3), &bal); err != nil { // empties account 3: deleted
		t.Fatal(err)
	}
	s.SetStorage(testAddr(2), types.Hash{31: 1}, types.Hash{})         // delete a slot
	s.SetStorage(testAddr(2), types.Hash{31: 2}, types.Hash{31: 0x33}) // change a slot
	s.SetStorage(testAddr(2), types.Hash{31: 3}, types.Hash{31: 0x44}) // new slot
	s.SetCode(testAddr(101), []byte{0xfe})                             // new contract
	s.SetStorage(testAddr(5), types.Hash{31: 9}, types.Hash{})         // zero to zero: no change
	_ = s.Balance(testAddr(200))                                       // read only
	if err := s.AddBalance(testAddr(201), u256(0)); err != nil {       // touched, stays empty
		t.Fatal(err)
	}
}

func TestCommitUndoRoundTrip(t *testing.T) {
	t.Parallel()
	d, kv := withGenesis(t, richAlloc())
	before, beforeRoot := dump(t, kv), root(t, d)

	s := mustStateDB(t, d)
	mutate(t, s)
	p := commit(t, kv, s)
	if p.Root == beforeRoot || root(t, d) != p.Root {
		t.Fatalf("root after commit: pending %s, database %s, before %s", p.Root, root(t, d), beforeRoot)
	}
	if got, want := len(p.Undo.Accounts), 4; got != want { // 0, 3, 100, 101
		t.Errorf("undo has %d accounts, want %d", got, want)
	}
	if got, want := len(p.Undo.Slots), 3; got != want {
		t.Errorf("undo has %d slots, want %d", got, want)
	}

	r, err := d.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if r.Root() != p.Root {
		t.Fatalf("Reader root %s, want %s", r.Root(), p.Root)
	}
	checks := []struct {
		addr   types.Address
		exists bool
		bal    uint64
		nonce  uint64
	}{
		{testAddr(0), true, 1e18 - 12345, 1},
		{testAddr(3), false, 0, 0},
		{testAddr(100), true, 12345, 0},
		{testAddr(201), false, 0, 0},
	}
	for _, c := range checks {
		a, ok, err := r.Account(c.addr)
		if err != nil || ok != c.exists || a.Balance.Uint64() != c.bal || a.Nonce != c.nonce {
			t.Errorf("Account(%s) = %+v, %v, %v; want exists %v balance %d nonce %d", c.addr, a, ok, err, c.exists, c.bal, c.nonce)
		}
	}
	if code, err := r.Code(testAddr(101)); err != nil || !bytes.Equal(code, []byte{0xfe}) {
		t.Errorf("Code = %x, %v", code, err)
	}
	for slot, want := range map[byte]types.Hash{1: {}, 2: {31: 0x33}, 3: {31: 0x44}} {
		if v, err := r.Storage(testAddr(2), types.Hash{31: slot}); err != nil || v != want {
			t.Errorf("Storage(%d) = %s, %v; want %s", slot, v, err, want)
		}
	}

	// Undo through its encoding, as the chain stores it.
	enc, err := p.Undo.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	undo, err := DecodeUndo(enc)
	if err != nil {
		t.Fatal(err)
	}
	var b kvdb.Batch
	pu, err := d.ApplyUndo(&b, undo)
	if err != nil {
		t.Fatal(err)
	}
	write(t, kv, &b, pu)
	if root(t, d) != beforeRoot {
		t.Fatalf("root after undo %s, want %s", root(t, d), beforeRoot)
	}
	// Code is content-addressed and kept, so compare all but code.
	if got := dumpNoCode(t, kv); got != dumpNoCodeOf(before) {
		t.Fatalf("store after undo differs:\n%s\nwant\n%s", got, before)
	}
	// The undone state accepts the same block again with the same result.
	s = mustStateDB(t, d)
	mutate(t, s)
	if p2 := commit(t, kv, s); p2.Root != p.Root {
		t.Fatalf("replay root %s, want %s", p2.Root, p.Root)
	}
}

// dumpNoCode is dump without code records, which undo keeps.
func dumpNoCode(t *testing.T, kv *kvdb.DB) string { t.Helper(); return dumpNoCodeOf(dump(t, kv)) }

func dumpNoCodeOf(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, "43") { // hex of 'C'
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestCommitNotWrittenChangesNothing(t *testing.T) {
	t.Parallel()
	d, kv := withGenesis(t, richAlloc())
	before, beforeRoot := dump(t, kv), root(t, d)

	s := mustStateDB(t, d)
	mutate(t, s)
	var dropped kvdb.Batch
	p, err := s.Commit(&dropped)
	if err != nil {
		t.Fatal(err)
	}
	// The block failed validation: the batch is dropped, Written never
	// called.
	if root(t, d) != beforeRoot || dump(t, kv) != before {
		t.Fatal("an unwritten commit changed the database")
	}
	// A different block on the same parent commits correctly.
	s = mustStateDB(t, d)
	if err := s.Transfer(testAddr(1), testAddr(0), u256(1)); err != nil {
		t.Fatal(err)
	}
	p2 := commit(t, kv, s)
	// Calling the stale Pending's Written now must not bring back its trie.
	p.Written()
	if root(t, d) != p2.Root {
		t.Fatalf("root %s after a stale Written, want %s", root(t, d), p2.Root)
	}
	// Reference: the same change computed on a fresh store.
	d3, kv3 := withGenesis(t, richAlloc())
	s = mustStateDB(t, d3)
	if err := s.Transfer(testAddr(1), testAddr(0), u256(1)); err != nil {
		t.Fatal(err)
	}
	if p3 := commit(t, kv3, s); p3.Root != p2.Root || dump(t, kv3) != dump(t, kv) {
		t.Fatalf("root %s after a dropped commit, want %s (or stores differ)", p2.Root, p3.Root)
	}
}

func TestCommitMisuse(t *testing.T) {
	t.Parallel()
	d, kv := withGenesis(t, genesisAlloc(2))
	a, b := mustStateDB(t, d), mustStateDB(t, d)
	_ = a.AddBalance(testAddr(0), u256(1))
	_ = b.AddBalance(testAddr(1), u256(1))
	commit(t, kv, a)
	if _, err := a.Commit(&kvdb.Batch{}); !errors.Is(err, ErrCommitted) {
		t.Errorf("second Commit: %v, want ErrCommitted", err)
	}
	if _, err := b.Commit(&kvdb.Batch{}); !errors.Is(err, ErrStale) {
		t.Errorf("Commit of a stale view: %v, want ErrStale", err)
	}
	// ApplyUndo of an undo that does not end at the current root.
	bogus := &Undo{PrevRoot: trie.EmptyRoot, Root: types.Hash{1}}
	if _, err := d.ApplyUndo(&kvdb.Batch{}, bogus); !errors.Is(err, ErrUndoMismatch) {
		t.Errorf("ApplyUndo of a foreign undo: %v, want ErrUndoMismatch", err)
	}
	// An undo whose recorded pre-root is wrong.
	cur := root(t, d)
	wrong := &Undo{PrevRoot: types.Hash{2}, Root: cur, Accounts: []AccountUndo{{Address: testAddr(0)}}}
	if _, err := d.ApplyUndo(&kvdb.Batch{}, wrong); !errors.Is(err, ErrUndoMismatch) {
		t.Errorf("ApplyUndo with a wrong PrevRoot: %v, want ErrUndoMismatch", err)
	}
	if root(t, d) != cur {
		t.Error("failed ApplyUndo changed the root")
	}
	var gb kvdb.Batch
	if _, err := d.WriteGenesis(&gb, genesisAlloc(1)); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("WriteGenesis on a non-empty state: %v, want ErrNotEmpty", err)
	}
}

func TestGenesisRoot(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		alloc []params.GenesisAccount
	}{
		{"empty", nil},
		{"one", genesisAlloc(1)},
		{"rich", richAlloc()},
		{"zero balance only", []params.GenesisAccount{{Address: testAddr(9), Balance: new(big.Int)}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pure, err := GenesisRoot(tt.alloc)
			if err != nil {
				t.Fatal(err)
			}
			d, _ := withGenesis(t, tt.alloc)
			if got := root(t, d); got != pure {
				t.Fatalf("WriteGenesis root %s, GenesisRoot %s", got, pure)
			}
			if len(tt.alloc) == 0 || tt.name == "zero balance only" {
				if pure != trie.EmptyRoot {
					t.Fatalf("root of an empty state %s, want %s", pure, trie.EmptyRoot)
				}
			} else if pure == trie.EmptyRoot {
				t.Fatal("non-empty alloc has the empty root")
			}
		})
	}
	neg := []params.GenesisAccount{{Address: testAddr(1), Balance: big.NewInt(-1)}}
	if _, err := GenesisRoot(neg); !errors.Is(err, ErrBadAlloc) {
		t.Errorf("negative balance: %v, want ErrBadAlloc", err)
	}
	huge := []params.GenesisAccount{{Address: testAddr(1), Balance: new(big.Int).Lsh(big.NewInt(1), 256)}}
	if _, err := GenesisRoot(huge); !errors.Is(err, ErrBadAlloc) {
		t.Errorf("2^256 balance: %v, want ErrBadAlloc", err)
	}
}

func TestReaderIsConsistent(t *testing.T) {
	t.Parallel()
	d, kv := withGenesis(t, genesisAlloc(2))
	r, err := d.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	oldRoot := r.Root()
	s := mustStateDB(t, d)
	if err := s.Transfer(testAddr(0), testAddr(1), u256(5)); err != nil {
		t.Fatal(err)
	}
	commit(t, kv, s)
	a, _, err := r.Account(testAddr(1))
	if err != nil || a.Balance.Uint64() != 1e18 || r.Root() != oldRoot {
		t.Fatalf("old Reader sees %s (root %s), %v; want the state before the commit", a.Balance.Dec(), r.Root(), err)
	}
	r2, err := d.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Release()
	a, _, err = r2.Account(testAddr(1))
	if err != nil || a.Balance.Uint64() != 1e18+5 || r2.Root() != root(t, d) {
		t.Fatalf("new Reader sees %s, %v", a.Balance.Dec(), err)
	}
}

func TestUndoEncodingRoundTrip(t *testing.T) {
	t.Parallel()
	acct := Account{Nonce: 3, CodeHash: types.Hash{9}}
	acct.Balance.SetUint64(77)
	u := &Undo{
		PrevRoot: types.Hash{1},
		Root:     types.Hash{2},
		Accounts: []AccountUndo{{Address: testAddr(1)}, {Address: testAddr(2), Prev: &acct}},
		Slots: []SlotUndo{
			{Address: testAddr(1), Key: types.Hash{1}},
			{Address: testAddr(1), Key: types.Hash{2}, Prev: types.Hash{31: 5}},
			{Address: testAddr(2), Key: types.Hash{0}, Prev: types.Hash{0: 1}},
		},
	}
	enc, err := u.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	dec, err := DecodeUndo(enc)
	if err != nil {
		t.Fatal(err)
	}
	enc2, _ := dec.MarshalBinary()
	if !bytes.Equal(enc, enc2) || *dec.Accounts[1].Prev != acct || dec.Accounts[0].Prev != nil || dec.Slots[2] != u.Slots[2] {
		t.Fatalf("round trip differs: %x vs %x", enc, enc2)
	}
	// Out of order, duplicate, truncated, trailing, bad version.
	dup := *u
	dup.Accounts = []AccountUndo{{Address: testAddr(1)}, {Address: testAddr(1)}}
	dupEnc, _ := dup.MarshalBinary()
	for name, b := range map[string][]byte{
		"duplicate":  dupEnc,
		"truncated":  enc[:len(enc)-1],
		"trailing":   append(append([]byte(nil), enc...), 0),
		"version":    append([]byte{2}, enc[1:]...),
		"short":      enc[:10],
		"huge count": append(append([]byte{1}, make([]byte, 64)...), 0xff, 0xff, 0xff, 0xff, 0x0f),
	} {
		if _, err := DecodeUndo(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: DecodeUndo = %v, want ErrMalformed", name, err)
		}
	}
}

func FuzzDecodeUndo(f *testing.F) {
	f.Add(append([]byte{1}, make([]byte, 66)...))
	u := &Undo{Accounts: []AccountUndo{{Address: testAddr(1), Prev: &Account{Nonce: 1, CodeHash: EmptyCodeHash}}},
		Slots: []SlotUndo{{Address: testAddr(1), Key: types.Hash{1}, Prev: types.Hash{31: 1}}}}
	enc, _ := u.MarshalBinary()
	f.Add(enc)
	f.Fuzz(func(t *testing.T, b []byte) {
		u, err := DecodeUndo(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		enc, err := u.MarshalBinary()
		if err != nil || !bytes.Equal(enc, b) {
			t.Fatalf("non-canonical undo: %x re-encodes as %x (%v)", b, enc, err)
		}
	})
}
