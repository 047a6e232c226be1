package state

import (
	"errors"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

// view is everything observable about a few addresses in a StateDB.
type view struct {
	exists  [3]bool
	balance [3]uint64
	nonce   [3]uint64
	code    [3]string
	slot    [3]types.Hash
	logs    int
}

func observe(s *StateDB) view {
	var v view
	for i := range 3 {
		a := testAddr(uint64(i))
		v.exists[i] = s.Exists(a)
		b := s.Balance(a)
		v.balance[i] = b.Uint64()
		v.nonce[i] = s.Nonce(a)
		v.code[i] = string(s.Code(a))
		v.slot[i] = s.Storage(a, types.Hash{1})
	}
	v.logs = len(s.Logs())
	return v
}

func TestSnapshotRevert(t *testing.T) {
	t.Parallel()
	d, _ := withGenesis(t, genesisAlloc(1)) // account 0 holds 1e18
	s := mustStateDB(t, d)
	s.BeginTx()
	v0 := observe(s)

	outer := s.Snapshot()
	if err := s.Transfer(testAddr(0), testAddr(1), u256(100)); err != nil {
		t.Fatal(err)
	}
	s.SetNonce(testAddr(0), 7)
	s.SetStorage(testAddr(1), types.Hash{1}, types.Hash{31: 9})
	s.AddLog(&types.Log{Address: testAddr(1)})
	v1 := observe(s)

	inner := s.Snapshot()
	s.SetCode(testAddr(2), []byte{1, 2, 3})
	s.SetStorage(testAddr(1), types.Hash{1}, types.Hash{})
	if err := s.Transfer(testAddr(1), testAddr(2), u256(40)); err != nil {
		t.Fatal(err)
	}
	s.AddLog(&types.Log{Address: testAddr(2)})
	v2 := observe(s)
	if v2.balance != [3]uint64{1e18 - 100, 60, 40} || v2.code[2] != "\x01\x02\x03" || v2.logs != 2 {
		t.Fatalf("after inner changes: %+v", v2)
	}

	s.RevertToSnapshot(inner)
	if got := observe(s); got != v1 {
		t.Fatalf("after revert to inner:\n got %+v\nwant %+v", got, v1)
	}
	s.RevertToSnapshot(outer)
	if got := observe(s); got != v0 {
		t.Fatalf("after revert to outer:\n got %+v\nwant %+v", got, v0)
	}
	if s.Err() != nil {
		t.Fatal(s.Err())
	}
	// inner was reverted past: reverting to it again is an error that
	// fails Commit.
	s.RevertToSnapshot(inner)
	if !errors.Is(s.Err(), ErrBadRevision) {
		t.Fatalf("Err = %v, want ErrBadRevision", s.Err())
	}
}

func TestRevertNestedMany(t *testing.T) {
	t.Parallel()
	d, _ := openTest(t)
	s := mustStateDB(t, d)
	var ids []int
	var views []view
	for i := range 20 {
		ids = append(ids, s.Snapshot())
		views = append(views, observe(s))
		if err := s.AddBalance(testAddr(uint64(i%3)), u256(uint64(i+1))); err != nil {
			t.Fatal(err)
		}
		s.SetStorage(testAddr(uint64(i%3)), types.Hash{1}, types.Hash{31: byte(i)})
	}
	for i := len(ids) - 1; i >= 0; i -= 3 {
		s.RevertToSnapshot(ids[i])
		if got := observe(s); got != views[i] {
			t.Fatalf("revert to %d: got %+v, want %+v", i, got, views[i])
		}
	}
}

func TestSubBalanceInsufficient(t *testing.T) {
	t.Parallel()
	d, _ := withGenesis(t, genesisAlloc(1))
	s := mustStateDB(t, d)
	err := s.Transfer(testAddr(0), testAddr(1), u256(1e18+1))
	if !errors.Is(err, ErrInsufficientBalance) {
		t.Fatalf("Transfer = %v, want ErrInsufficientBalance", err)
	}
	if b := s.Balance(testAddr(0)); b.Uint64() != 1e18 || s.Exists(testAddr(1)) {
		t.Fatalf("failed transfer changed state: balance %s, recipient exists %v", b.Dec(), s.Exists(testAddr(1)))
	}
}

func TestBeginTxClearsLogs(t *testing.T) {
	t.Parallel()
	d, _ := openTest(t)
	s := mustStateDB(t, d)
	s.BeginTx()
	s.AddLog(&types.Log{})
	if len(s.Logs()) != 1 {
		t.Fatal("log not recorded")
	}
	id := s.Snapshot()
	s.BeginTx()
	if len(s.Logs()) != 0 {
		t.Fatal("BeginTx kept the previous transaction's logs")
	}
	s.RevertToSnapshot(id)
	if !errors.Is(s.Err(), ErrBadRevision) {
		t.Fatalf("revert across BeginTx: Err = %v, want ErrBadRevision", s.Err())
	}
}
