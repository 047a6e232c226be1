package state

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/types"
)

// checkAccountCache checks that every account d's cache holds is what the
// store holds, and that a fresh view reads every address of addrs as the
// store has it.
func checkAccountCache(t *testing.T, d *Database, kv *kvdb.DB, addrs []types.Address) {
	t.Helper()
	stored := func(addr types.Address) (Account, bool) {
		v, err := kv.Get(accountFlatKey(addr))
		if errors.Is(err, kvdb.ErrNotFound) {
			return newAccount(), false
		}
		if err != nil {
			t.Fatal(err)
		}
		a, err := DecodeAccount(v)
		if err != nil {
			t.Fatal(err)
		}
		return a, true
	}
	d.accounts.mu.Lock()
	for addr, e := range d.accounts.entries {
		a, ok := stored(addr)
		if ok != e.exists || (ok && a != e.acct) {
			d.accounts.mu.Unlock()
			t.Fatalf("cached %s: %+v, exists %v; store: %+v, %v", addr, e.acct, e.exists, a, ok)
		}
	}
	d.accounts.mu.Unlock()
	s := mustStateDB(t, d)
	for _, addr := range addrs {
		a, ok := stored(addr)
		if bal := s.Balance(addr); s.Exists(addr) != ok || s.Nonce(addr) != a.Nonce || bal != a.Balance {
			t.Fatalf("view reads %s as exists %v nonce %d balance %s; store: %v %d %s",
				addr, s.Exists(addr), s.Nonce(addr), bal.Dec(), ok, a.Nonce, a.Balance.Dec())
		}
	}
}

// TestAccountCacheFollowsCommits changes random accounts block after block
// (transfers, new accounts, accounts emptied and so deleted), with some
// blocks dropped before their write and some rolled back with their undo
// data, and checks after each that the cache agrees with the store.
func TestAccountCacheFollowsCommits(t *testing.T) {
	t.Parallel()
	for _, budget := range []int64{0, 20 * accountEntryMem} {
		kv := kvdb.OpenMemory()
		t.Cleanup(func() { kv.Close() })
		d, err := New(Config{DB: kv, AccountCacheBytes: budget})
		if err != nil {
			t.Fatal(err)
		}
		var gb kvdb.Batch
		p, err := d.WriteGenesis(&gb, genesisAlloc(50))
		if err != nil {
			t.Fatal(err)
		}
		write(t, kv, &gb, p)
		addrs := make([]types.Address, 80) // 30 without a genesis account
		for i := range addrs {
			addrs[i] = testAddr(uint64(i))
		}
		rng := rand.New(rand.NewPCG(51, uint64(budget)))
		var undos []*Undo
		for block := range 40 {
			s := mustStateDB(t, d)
			for range 10 {
				from, to := addrs[rng.IntN(len(addrs))], addrs[rng.IntN(len(addrs))]
				bal := s.Balance(from)
				amount := u256(rng.Uint64N(1e17))
				if rng.IntN(5) == 0 {
					amount = &bal // empties from: deleted at commit
				}
				if err := s.Transfer(from, to, amount); err != nil && !errors.Is(err, ErrInsufficientBalance) {
					t.Fatal(err)
				}
			}
			var b kvdb.Batch
			p, err := s.Commit(&b)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case block%7 == 3:
				// Dropped: never written, never marked.
			case block%7 == 5 && len(undos) > 0:
				// Dropped, then the previous block rolled back.
				u := undos[len(undos)-1]
				undos = undos[:len(undos)-1]
				var ub kvdb.Batch
				up, err := d.ApplyUndo(&ub, u)
				if err != nil {
					t.Fatal(err)
				}
				write(t, kv, &ub, up)
			default:
				write(t, kv, &b, p)
				undos = append(undos, p.Undo)
			}
			checkAccountCache(t, d, kv, addrs)
			if n := len(d.accounts.entries); budget > 0 && n > d.accounts.capacity() {
				t.Fatalf("block %d: %d entries, capacity %d", block, n, d.accounts.capacity())
			}
		}
	}
}

// TestAccountCacheWrittenWithoutMark covers a caller that writes a batch
// but never calls Written (what a failed write may look like): the next
// change finds no trie and starts the cache over, so no account reads as
// before that batch.
func TestAccountCacheWrittenWithoutMark(t *testing.T) {
	t.Parallel()
	d, kv := withGenesis(t, genesisAlloc(4))
	addrs := []types.Address{testAddr(0), testAddr(1), testAddr(9)}
	checkAccountCache(t, d, kv, addrs) // fills the cache
	s := mustStateDB(t, d)
	if err := s.Transfer(testAddr(0), testAddr(9), u256(5)); err != nil {
		t.Fatal(err)
	}
	var b kvdb.Batch
	if _, err := s.Commit(&b); err != nil {
		t.Fatal(err)
	}
	if err := kv.Write(&b); err != nil {
		t.Fatal(err)
	}
	// The next change takes the trie again and must see the written batch.
	s = mustStateDB(t, d)
	if err := s.Transfer(testAddr(9), testAddr(1), u256(2)); err != nil {
		t.Fatal(err)
	}
	commit(t, kv, s)
	checkAccountCache(t, d, kv, addrs)
	if got := mustStateDB(t, d).Balance(testAddr(9)); got.Uint64() != 3 {
		t.Fatalf("balance of the new account: %s, want 3", got.Dec())
	}
}

// TestAccountCacheRejectsRacingReads checks the generation rule: a value
// read before a change was prepared or published is not cached, and a
// published change overwrites what was cached.
func TestAccountCacheRejectsRacingReads(t *testing.T) {
	t.Parallel()
	c := newAccountCache(0)
	addr := testAddr(1)
	old := Account{Nonce: 1, CodeHash: EmptyCodeHash}
	gen := c.begin()
	c.prepare(false)
	c.add(addr, old, true, gen) // read before the change was prepared
	if _, _, ok := c.get(addr); ok {
		t.Fatal("a read older than a prepared change was cached")
	}
	gen = c.begin()
	c.add(addr, old, true, gen) // read after prepare, before publish
	cur := Account{Nonce: 2, CodeHash: EmptyCodeHash}
	c.publish([]accountWrite{{addr: addr, acct: cur, exists: true}})
	if a, ok, hit := c.get(addr); !hit || !ok || a != cur {
		t.Fatalf("after publish: %+v, exists %v, hit %v", a, ok, hit)
	}
	c.add(addr, old, true, gen) // a read that began before the publish
	if a, _, _ := c.get(addr); a != cur {
		t.Fatal("a read older than a published change overwrote it")
	}
	c.prepare(true)
	if _, _, ok := c.get(addr); ok {
		t.Fatal("a dropped change did not clear the cache")
	}
	off := newAccountCache(-1)
	off.add(addr, cur, true, off.begin())
	off.publish([]accountWrite{{addr: addr, acct: cur, exists: true}})
	if _, _, ok := off.get(addr); ok {
		t.Fatal("a disabled cache holds an account")
	}
}
