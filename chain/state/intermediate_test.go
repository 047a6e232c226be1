package state

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/types"
)

// randomChanges applies a random mix of changes to s: transfers to existing
// and new accounts, nonces, emptied accounts, code, slots set and cleared.
func randomChanges(t *testing.T, rng *rand.Rand, s *StateDB, accounts int) {
	t.Helper()
	for range 1 + rng.IntN(30) {
		s.BeginTx()
		a := testAddr(uint64(rng.IntN(accounts)))
		switch rng.IntN(6) {
		case 0:
			_ = s.Transfer(a, testAddr(uint64(rng.IntN(2*accounts))), u256(rng.Uint64N(1000)))
		case 1:
			s.SetNonce(a, s.Nonce(a)+1)
		case 2:
			bal := s.Balance(a)
			_ = s.SubBalance(a, &bal) // may empty the account: deleted
		case 3:
			s.SetCode(a, []byte{byte(rng.Uint32()), 0x00})
		case 4:
			s.SetStorage(a, types.Hash{31: byte(rng.IntN(4))}, types.Hash{31: byte(rng.Uint32())})
		case 5:
			s.SetStorage(a, types.Hash{31: byte(rng.IntN(4))}, types.Hash{})
		}
	}
}

// TestIntermediateRootMatchesCommit checks, for random change sets, that
// IntermediateRoot gives the root Commit then produces, that it leaves the
// Database's trie and cache alone, and that the view stays usable.
func TestIntermediateRootMatchesCommit(t *testing.T) {
	t.Parallel()
	const accounts = 200
	d, kv := withGenesis(t, genesisAlloc(accounts))
	rng := rand.New(rand.NewPCG(21, 22))
	for round := range 40 {
		s := mustStateDB(t, d)
		var dry types.Hash
		for range 1 + rng.IntN(3) { // more changes after a dry run
			randomChanges(t, rng, s, accounts)
			d.mu.Lock()
			tr := d.tr
			d.mu.Unlock()
			root0 := tr.Root()
			nodes0, bytes0 := tr.CacheStats()
			var err error
			if dry, err = s.IntermediateRoot(); err != nil {
				t.Fatalf("round %d: IntermediateRoot: %v", round, err)
			}
			d.mu.Lock()
			same := d.tr == tr
			d.mu.Unlock()
			nodes, bytes := tr.CacheStats()
			if !same || tr.Root() != root0 || nodes != nodes0 || bytes != bytes0 {
				t.Fatalf("round %d: IntermediateRoot took or changed the Database's trie or cache", round)
			}
		}
		if p := commit(t, kv, s); p.Root != dry {
			t.Fatalf("round %d: IntermediateRoot %s, Commit %s", round, dry, p.Root)
		}
	}
}

// TestIntermediateRootWhileCommitPending checks the dry run while another
// change holds the trie (prepared, not yet written): it reads the store,
// which still holds the state the view was opened on.
func TestIntermediateRootWhileCommitPending(t *testing.T) {
	t.Parallel()
	d, kv := withGenesis(t, genesisAlloc(50))
	view, other := mustStateDB(t, d), mustStateDB(t, d)
	_ = view.AddBalance(testAddr(1), u256(5))
	_ = other.AddBalance(testAddr(2), u256(7))
	var b kvdb.Batch
	p, err := other.Commit(&b) // takes the trie
	if err != nil {
		t.Fatal(err)
	}
	dry, err := view.IntermediateRoot()
	if err != nil {
		t.Fatalf("IntermediateRoot while a change is pending: %v", err)
	}
	// Once the other change is written, the view is stale.
	write(t, kv, &b, p)
	if _, err := view.IntermediateRoot(); !errors.Is(err, ErrStale) {
		t.Fatalf("IntermediateRoot of a stale view: %v, want ErrStale", err)
	}
	// The same change on a fresh copy of the state commits to dry.
	d2, kv2 := withGenesis(t, genesisAlloc(50))
	s := mustStateDB(t, d2)
	_ = s.AddBalance(testAddr(1), u256(5))
	if p := commit(t, kv2, s); p.Root != dry {
		t.Fatalf("IntermediateRoot %s, Commit %s", dry, p.Root)
	}
}

func TestIntermediateRootMisuse(t *testing.T) {
	t.Parallel()
	d, kv := withGenesis(t, genesisAlloc(3))
	s := mustStateDB(t, d)
	if r, err := s.IntermediateRoot(); err != nil || r != root(t, d) {
		t.Fatalf("IntermediateRoot without changes: %s, %v; want the committed root", r, err)
	}
	_ = s.AddBalance(testAddr(0), u256(1))
	commit(t, kv, s)
	if _, err := s.IntermediateRoot(); !errors.Is(err, ErrCommitted) {
		t.Fatalf("IntermediateRoot after Commit: %v, want ErrCommitted", err)
	}
	s = mustStateDB(t, d)
	s.RevertToSnapshot(42) // records ErrBadRevision
	if _, err := s.IntermediateRoot(); !errors.Is(err, ErrBadRevision) {
		t.Fatalf("IntermediateRoot after a failure: %v, want ErrBadRevision", err)
	}
}

// TestIntermediateRootConcurrent runs dry runs (as a miner does) while
// blocks are committed (run with -race): each either succeeds or reports
// ErrStale, and the commits are unaffected.
func TestIntermediateRootConcurrent(t *testing.T) {
	t.Parallel()
	const accounts = 100
	d, kv := withGenesis(t, genesisAlloc(accounts))
	done := make(chan struct{})
	errs := make(chan error, 1)
	go func() {
		defer close(errs)
		for {
			select {
			case <-done:
				return
			default:
			}
			s, err := d.StateDB()
			if err != nil {
				errs <- err
				return
			}
			_ = s.AddBalance(testAddr(3), u256(1))
			if _, err := s.IntermediateRoot(); err != nil && !errors.Is(err, ErrStale) {
				errs <- err
				return
			}
		}
	}()
	rng := rand.New(rand.NewPCG(23, 24))
	for range 30 {
		s := mustStateDB(t, d)
		randomChanges(t, rng, s, accounts)
		dry, err := s.IntermediateRoot()
		if err != nil {
			t.Fatal(err)
		}
		if p := commit(t, kv, s); p.Root != dry {
			t.Fatalf("IntermediateRoot %s, Commit %s", dry, p.Root)
		}
	}
	close(done)
	if err := <-errs; err != nil {
		t.Fatalf("concurrent IntermediateRoot: %v", err)
	}
}
