package state

import (
	"errors"
	"fmt"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/types"
)

// kvReader is the read side of the committed store: a kvdb.DB or a
// kvdb.Snapshot.
type kvReader interface {
	Get(key []byte) ([]byte, error)
}

// accountState is one account as a StateDB sees it: its committed value
// (what undo data must restore) and its current value.
type accountState struct {
	orig       Account
	origExists bool
	cur        Account
	exists     bool
}

// slotState is one storage slot's committed and current values.
type slotState struct {
	orig, cur types.Hash
}

// StateDB is the execution view of one block on top of the committed
// state. Reads go to the flat store once per account, slot or code and are
// cached; writes stay in memory until Commit. Snapshot and
// RevertToSnapshot undo changes within the current transaction.
//
// Read methods cannot return errors (the VM's state interface has none):
// the first store failure is kept and returned by Err and by Commit, so a
// block executed against a failing store is never committed.
//
// A StateDB is not safe for concurrent use.
type StateDB struct {
	db       *Database
	flat     kvReader
	acache   *accountCache // committed accounts in front of flat; nil: none
	root     types.Hash    // committed root this view starts from
	accounts map[types.Address]*accountState
	slots    map[slotID]*slotState
	codes    map[types.Hash][]byte // code by hash, loaded or set
	journal  journal
	logs     []*types.Log // logs of the current transaction
	err      error
	done     bool // committed
}

func newStateDB(db *Database, flat kvReader, root types.Hash) *StateDB {
	return &StateDB{
		db:       db,
		flat:     flat,
		root:     root,
		accounts: make(map[types.Address]*accountState),
		slots:    make(map[slotID]*slotState),
		codes:    make(map[types.Hash][]byte),
	}
}

// Root returns the committed state root this view was opened on.
func (s *StateDB) Root() types.Hash { return s.root }

// Err returns the first store failure or misuse seen, if any.
func (s *StateDB) Err() error { return s.err }

func (s *StateDB) setErr(err error) {
	if s.err == nil {
		s.err = err
	}
}

// account returns addr's cached state, loading it on first use.
func (s *StateDB) account(addr types.Address) *accountState {
	if a, ok := s.accounts[addr]; ok {
		return a
	}
	a := &accountState{orig: newAccount()}
	if s.acache != nil {
		if acct, exists, ok := s.acache.get(addr); ok {
			if exists {
				a.orig, a.origExists = acct, true
			}
			a.cur, a.exists = a.orig, a.origExists
			s.accounts[addr] = a
			return a
		}
	}
	var gen uint64
	if s.acache != nil {
		gen = s.acache.begin()
	}
	v, err := s.flat.Get(accountFlatKey(addr))
	switch {
	case errors.Is(err, kvdb.ErrNotFound):
		if s.acache != nil {
			s.acache.add(addr, Account{}, false, gen)
		}
	case err != nil:
		s.setErr(fmt.Errorf("state: read account %s: %w", addr, err))
	default:
		acct, err := DecodeAccount(v)
		if err != nil {
			s.setErr(fmt.Errorf("%w: account %s: %w", ErrCorrupt, addr, err))
			break
		}
		a.orig, a.origExists = acct, true
		if s.acache != nil {
			s.acache.add(addr, acct, true, gen)
		}
	}
	a.cur, a.exists = a.orig, a.origExists
	s.accounts[addr] = a
	return a
}

// slot returns the cached state of addr's slot key, loading it on first use.
func (s *StateDB) slot(addr types.Address, key types.Hash) *slotState {
	id := slotID{addr, key}
	if sl, ok := s.slots[id]; ok {
		return sl
	}
	sl := &slotState{}
	v, err := s.flat.Get(storageFlatKey(addr, key))
	switch {
	case errors.Is(err, kvdb.ErrNotFound):
	case err != nil:
		s.setErr(fmt.Errorf("state: read slot %s/%s: %w", addr, key, err))
	default:
		w, err := decodeWord(v)
		if err != nil {
			s.setErr(fmt.Errorf("%w: slot %s/%s: %w", ErrCorrupt, addr, key, err))
			break
		}
		sl.orig = w
	}
	sl.cur = sl.orig
	s.slots[id] = sl
	return sl
}

// setAccount journals a's current value and replaces it with v (creating
// the account if it did not exist).
func (s *StateDB) setAccount(addr types.Address, a *accountState, v Account) {
	s.journal.entries = append(s.journal.entries, journalEntry{
		kind: entryAccount, addr: addr, prevAcct: a.cur, prevExists: a.exists,
	})
	a.cur, a.exists = v, true
}

// Exists reports whether addr has an account in this view: one committed
// before the block or written to since.
func (s *StateDB) Exists(addr types.Address) bool { return s.account(addr).exists }

// Balance returns addr's balance in wei (zero for no account).
func (s *StateDB) Balance(addr types.Address) uint256.Int { return s.account(addr).cur.Balance }

// AddBalance credits amount to addr, creating the account if needed. It
// fails (changing nothing) only if the balance would pass 2^256-1, which
// no supply can reach but which a caller must not be able to wrap.
func (s *StateDB) AddBalance(addr types.Address, amount *uint256.Int) error {
	a := s.account(addr)
	v := a.cur
	if _, overflow := v.Balance.AddOverflow(&a.cur.Balance, amount); overflow {
		return fmt.Errorf("state: balance of %s overflows 256 bits", addr)
	}
	s.setAccount(addr, a, v)
	return nil
}

// SubBalance debits amount from addr, or returns an error wrapping
// ErrInsufficientBalance and changes nothing if addr holds less.
func (s *StateDB) SubBalance(addr types.Address, amount *uint256.Int) error {
	a := s.account(addr)
	if a.cur.Balance.Lt(amount) {
		return fmt.Errorf("%w: %s has %s, needs %s", ErrInsufficientBalance, addr, a.cur.Balance.Dec(), amount.Dec())
	}
	v := a.cur
	v.Balance.Sub(&a.cur.Balance, amount)
	s.setAccount(addr, a, v)
	return nil
}

// Transfer moves amount from one account to another, creating the
// recipient if needed. If from cannot pay it returns an error wrapping
// ErrInsufficientBalance and changes nothing.
func (s *StateDB) Transfer(from, to types.Address, amount *uint256.Int) error {
	if err := s.SubBalance(from, amount); err != nil {
		return err
	}
	// Cannot overflow: the amount existed in from, and the total supply
	// of wei fits in 256 bits.
	return s.AddBalance(to, amount)
}

// Nonce returns addr's nonce (zero for no account).
func (s *StateDB) Nonce(addr types.Address) uint64 { return s.account(addr).cur.Nonce }

// SetNonce sets addr's nonce, creating the account if needed.
func (s *StateDB) SetNonce(addr types.Address, nonce uint64) {
	a := s.account(addr)
	v := a.cur
	v.Nonce = nonce
	s.setAccount(addr, a, v)
}

// CodeHash returns the Keccak-256 of addr's code, EmptyCodeHash for an
// account without code or no account.
func (s *StateDB) CodeHash(addr types.Address) types.Hash { return s.account(addr).cur.CodeHash }

// Code returns addr's code (nil for none). The caller must not modify it.
func (s *StateDB) Code(addr types.Address) []byte {
	h := s.account(addr).cur.CodeHash
	if h == EmptyCodeHash {
		return nil
	}
	if c, ok := s.codes[h]; ok {
		return c
	}
	c, err := s.flat.Get(codeKey(h))
	if err != nil {
		s.setErr(fmt.Errorf("%w: code %s of %s: %w", ErrCorrupt, h, addr, err))
		return nil
	}
	s.codes[h] = c
	return c
}

// SetCode sets addr's code, creating the account if needed. Empty code
// removes it. The slice is copied.
func (s *StateDB) SetCode(addr types.Address, code []byte) {
	a := s.account(addr)
	v := a.cur
	v.CodeHash = EmptyCodeHash
	if len(code) > 0 {
		v.CodeHash = types.Keccak256(code)
		if _, ok := s.codes[v.CodeHash]; !ok {
			s.codes[v.CodeHash] = append([]byte(nil), code...)
		}
	}
	s.setAccount(addr, a, v)
}

// Storage returns the value of addr's slot key (zero if never set).
func (s *StateDB) Storage(addr types.Address, key types.Hash) types.Hash {
	return s.slot(addr, key).cur
}

// SetStorage sets addr's slot key; a zero value deletes the slot.
func (s *StateDB) SetStorage(addr types.Address, key, value types.Hash) {
	sl := s.slot(addr, key)
	s.journal.entries = append(s.journal.entries, journalEntry{
		kind: entrySlot, addr: addr, slot: key, prevSlot: sl.cur,
	})
	sl.cur = value
}

// AddLog records a log of the current transaction.
func (s *StateDB) AddLog(l *types.Log) {
	s.journal.entries = append(s.journal.entries, journalEntry{kind: entryLog})
	s.logs = append(s.logs, l)
}

// Logs returns the logs of the current transaction, in emission order.
func (s *StateDB) Logs() []*types.Log { return s.logs }

// BeginTx starts a new transaction: it forgets the previous one's logs and
// journal (a finished transaction is never partly reverted), so memory stays
// proportional to one transaction's changes, not the block's.
func (s *StateDB) BeginTx() {
	s.logs = nil
	s.journal.reset()
}

// Snapshot returns an identifier of the current state for RevertToSnapshot.
func (s *StateDB) Snapshot() int { return s.journal.snapshot() }

// RevertToSnapshot undoes every change made since Snapshot returned id,
// including those after later snapshots. An unknown id (one never
// returned, already reverted past, or from before BeginTx) changes nothing
// and is recorded as an error that fails Commit: a VM bug must not be able
// to commit a half-reverted state.
func (s *StateDB) RevertToSnapshot(id int) {
	n, idx, ok := s.journal.findRevision(id)
	if !ok {
		s.setErr(fmt.Errorf("%w: %d", ErrBadRevision, id))
		return
	}
	for i := len(s.journal.entries) - 1; i >= n; i-- {
		e := &s.journal.entries[i]
		switch e.kind {
		case entryAccount:
			a := s.accounts[e.addr]
			a.cur, a.exists = e.prevAcct, e.prevExists
		case entrySlot:
			s.slots[slotID{e.addr, e.slot}].cur = e.prevSlot
		case entryLog:
			s.logs[len(s.logs)-1] = nil
			s.logs = s.logs[:len(s.logs)-1]
		}
	}
	s.journal.entries = s.journal.entries[:n]
	s.journal.revisions = s.journal.revisions[:idx]
}
