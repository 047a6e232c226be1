package state

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/trie"
	"github.com/quarry-chain/quarry/chain/types"
)

// ErrStale: a StateDB committed after another change was written on top
// of the state it was opened on.
var ErrStale = errors.New("state: StateDB is stale: the committed state moved on")

// Commit writes the view's changes into b: the flat records of every
// changed account, slot and new code, and the trie nodes the change
// rewrites. It returns the new root and the undo data; the Database moves
// on only when the caller has written b and calls Pending.Written. Work is
// proportional to the accounts and slots touched (times the trie depth).
//
// An account left empty (no nonce, balance or code) is deleted, as after
// Ethereum's EIP-161, so that touching an address never costs the state a
// record. A StateDB cannot be used after Commit.
func (s *StateDB) Commit(b *kvdb.Batch) (*Pending, error) {
	if b == nil {
		return nil, errors.New("state: Commit with a nil batch")
	}
	return s.commitTo(b, nil)
}

// commitTo is Commit writing flat records to b and trie nodes to nodes, or
// to b as well when nodes is nil.
func (s *StateDB) commitTo(b batch, nodes trie.Writer) (*Pending, error) {
	if s.done {
		return nil, ErrCommitted
	}
	if s.err != nil {
		return nil, s.err
	}
	s.done = true
	addrs, slots := s.changed()
	undo := &Undo{PrevRoot: s.root, Slots: slots}
	changes := make([]trie.Change, 0, len(addrs)+len(slots))
	undo.Accounts = make([]AccountUndo, len(addrs))
	writes := make([]accountWrite, len(addrs))
	keys := accountTrieKeys(addrs)
	for i, c := range addrs {
		writes[i] = accountWrite{addr: c.addr, acct: c.a.cur, exists: c.present}
		u := AccountUndo{Address: c.addr}
		if c.a.origExists {
			prev := c.a.orig
			u.Prev = &prev
		}
		undo.Accounts[i] = u
		key := accountFlatKey(c.addr)
		var enc []byte
		if c.present {
			enc = c.a.cur.Encode()
			b.Put(key, enc)
			if h := c.a.cur.CodeHash; h != EmptyCodeHash && (!c.a.origExists || h != c.a.orig.CodeHash) {
				code, ok := s.codes[h]
				if !ok {
					return nil, fmt.Errorf("%w: code %s of %s was never set", ErrCorrupt, h, c.addr)
				}
				b.Put(codeKey(h), code)
			}
		} else {
			b.Delete(key)
		}
		changes = append(changes, c.trieChangeAt(keys[i], enc))
	}
	for _, u := range slots {
		cur := s.slots[slotID{u.Address, u.Key}].cur
		key := storageFlatKey(u.Address, u.Key)
		var enc []byte
		if cur.IsZero() {
			b.Delete(key)
		} else {
			enc = encodeWord(cur)
			b.Put(key, enc)
		}
		changes = append(changes, slotTrieChange(&u, enc))
	}

	tr, gen, err := s.db.takeTrie()
	if err != nil {
		return nil, err
	}
	if tr.Root() != s.root {
		return nil, fmt.Errorf("%w: opened on %s, store holds %s", ErrStale, s.root, tr.Root())
	}
	if nodes == nil {
		nodes = newTrieWriter(b)
	}
	root, _, err := tr.Update(changes, nodes)
	if err != nil {
		return nil, fmt.Errorf("state: update trie: %w", err)
	}
	undo.Root = root
	return &Pending{Root: root, Undo: undo, d: s.db, tr: tr, gen: gen, writes: writes}, nil
}

// changed returns the accounts whose stored form the view changes, sorted
// by address, and the changed slots with their committed values, sorted by
// (address, key).
func (s *StateDB) changed() ([]accountChange, []SlotUndo) {
	addrs := make([]accountChange, 0, len(s.accounts))
	for addr, a := range s.accounts {
		present := a.exists && !a.cur.IsEmpty()
		if present == a.origExists && (!present || a.cur == a.orig) {
			continue
		}
		addrs = append(addrs, accountChange{addr: addr, a: a, present: present})
	}
	slices.SortFunc(addrs, func(x, y accountChange) int { return bytes.Compare(x.addr[:], y.addr[:]) })
	slots := make([]SlotUndo, 0, len(s.slots))
	for id, sl := range s.slots {
		if sl.cur != sl.orig {
			slots = append(slots, SlotUndo{Address: id.addr, Key: id.key, Prev: sl.orig})
		}
	}
	slices.SortFunc(slots, func(x, y SlotUndo) int { return compareSlots(&x, &y) })
	return addrs, slots
}

// trieChanges returns the trie changes of the view, as Commit makes them.
func (s *StateDB) trieChanges() []trie.Change {
	addrs, slots := s.changed()
	changes := make([]trie.Change, 0, len(addrs)+len(slots))
	for _, c := range addrs {
		var enc []byte
		if c.present {
			enc = c.a.cur.Encode()
		}
		changes = append(changes, c.trieChange(enc))
	}
	for _, u := range slots {
		var enc []byte
		if cur := s.slots[slotID{u.Address, u.Key}].cur; !cur.IsZero() {
			enc = encodeWord(cur)
		}
		changes = append(changes, slotTrieChange(&u, enc))
	}
	return changes
}

// trieChange returns the trie change that stores enc (nil: deletes) as the
// account, with its committed value as the hint that spares the trie the
// read of the account's leaf.
func (c *accountChange) trieChange(enc []byte) trie.Change {
	return c.trieChangeAt(AccountTrieKey(c.addr), enc)
}

// trieChangeAt is trieChange with the account's trie key given.
func (c *accountChange) trieChangeAt(key types.Hash, enc []byte) trie.Change {
	ch := trie.Change{Key: key, Value: enc}
	if c.a.origExists {
		ch.Prev = c.a.orig.Encode()
	}
	return ch
}

// minParallelKeys is the smallest number of accounts whose trie keys
// accountTrieKeys hashes on several goroutines.
const minParallelKeys = 256

// accountTrieKeys returns the trie keys of the changed accounts, hashed on
// every core for a large block: a Keccak-256 per account is a millisecond
// or two for a block of a thousand transfers.
func accountTrieKeys(addrs []accountChange) []types.Hash {
	keys := make([]types.Hash, len(addrs))
	workers := min(runtime.GOMAXPROCS(0), len(addrs)/(minParallelKeys/2))
	if workers < 2 {
		for i := range addrs {
			keys[i] = AccountTrieKey(addrs[i].addr)
		}
		return keys
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(addrs)/workers, (w+1)*len(addrs)/workers
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				keys[i] = AccountTrieKey(addrs[i].addr)
			}
		})
	}
	wg.Wait()
	return keys
}

// slotTrieChange is trieChange for a slot.
func slotTrieChange(u *SlotUndo, enc []byte) trie.Change {
	ch := trie.Change{Key: StorageTrieKey(u.Address, u.Key), Value: enc}
	if !u.Prev.IsZero() {
		ch.Prev = encodeWord(u.Prev)
	}
	return ch
}

// accountChange is one account whose stored form changes.
type accountChange struct {
	addr    [20]byte
	a       *accountState
	present bool // stored after the change
}

// ApplyUndo writes into b what restores the state from u.Root to
// u.PrevRoot: the previous flat records and the trie nodes. The state must
// be at u.Root, and the result must hash to u.PrevRoot, else the error
// wraps ErrUndoMismatch and b must be discarded. As with Commit, call
// Written on the result after writing b. Code is content-addressed and
// never deleted: another account may share it, and it costs no
// consistency to keep.
func (d *Database) ApplyUndo(b *kvdb.Batch, u *Undo) (*Pending, error) {
	if b == nil || u == nil {
		return nil, errors.New("state: ApplyUndo with a nil batch or undo")
	}
	changes := make([]trie.Change, 0, len(u.Accounts)+len(u.Slots))
	writes := make([]accountWrite, len(u.Accounts))
	for i, a := range u.Accounts {
		key := accountFlatKey(a.Address)
		var enc []byte
		if a.Prev != nil && !a.Prev.IsEmpty() {
			enc = a.Prev.Encode()
			b.Put(key, enc)
			writes[i] = accountWrite{addr: a.Address, acct: *a.Prev, exists: true}
		} else {
			b.Delete(key)
			writes[i] = accountWrite{addr: a.Address}
		}
		changes = append(changes, trie.Change{Key: AccountTrieKey(a.Address), Value: enc})
	}
	for _, sl := range u.Slots {
		key := storageFlatKey(sl.Address, sl.Key)
		var enc []byte
		if sl.Prev.IsZero() {
			b.Delete(key)
		} else {
			enc = encodeWord(sl.Prev)
			b.Put(key, enc)
		}
		changes = append(changes, trie.Change{Key: StorageTrieKey(sl.Address, sl.Key), Value: enc})
	}
	tr, gen, err := d.takeTrie()
	if err != nil {
		return nil, err
	}
	if tr.Root() != u.Root {
		return nil, fmt.Errorf("%w: undo is for state %s, state is %s", ErrUndoMismatch, u.Root, tr.Root())
	}
	root, _, err := tr.Update(changes, newTrieWriter(b))
	if err != nil {
		return nil, fmt.Errorf("state: update trie: %w", err)
	}
	if root != u.PrevRoot {
		return nil, fmt.Errorf("%w: undo yields %s, want %s", ErrUndoMismatch, root, u.PrevRoot)
	}
	return &Pending{Root: root, d: d, tr: tr, gen: gen, writes: writes}, nil
}
