package vm

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// MemState is an in-memory State with an undo journal, for tests and
// tools. The chain has its own State over its database.
type MemState struct {
	accounts map[types.Address]*memAccount
	journal  []undo
}

var _ State = (*MemState)(nil)

type memAccount struct {
	balance uint256.Int
	nonce   uint64
	code    []byte
	storage map[types.Hash]types.Hash
}

// undo restores one change: the previous value of one field of one
// account, or the account's absence.
type undo struct {
	addr    types.Address
	kind    undoKind
	balance uint256.Int
	nonce   uint64
	code    []byte
	key     types.Hash
	value   types.Hash
}

type undoKind uint8

const (
	undoCreate undoKind = iota // the account did not exist
	undoBalance
	undoNonce
	undoCode
	undoStorage
)

// NewMemState returns an empty state.
func NewMemState() *MemState {
	return &MemState{accounts: make(map[types.Address]*memAccount)}
}

// account returns addr's account, creating (and journaling) it if needed.
func (s *MemState) account(addr types.Address) *memAccount {
	a := s.accounts[addr]
	if a == nil {
		a = &memAccount{storage: make(map[types.Hash]types.Hash)}
		s.accounts[addr] = a
		s.journal = append(s.journal, undo{addr: addr, kind: undoCreate})
	}
	return a
}

// Exists implements State.
func (s *MemState) Exists(addr types.Address) bool { return s.accounts[addr] != nil }

// Balance implements State.
func (s *MemState) Balance(addr types.Address) uint256.Int {
	if a := s.accounts[addr]; a != nil {
		return a.balance
	}
	return uint256.Int{}
}

// SetBalance sets addr's balance (journaled), for setting up tests.
func (s *MemState) SetBalance(addr types.Address, v *uint256.Int) {
	a := s.account(addr)
	s.journal = append(s.journal, undo{addr: addr, kind: undoBalance, balance: a.balance})
	a.balance = *v
}

// Transfer implements State.
func (s *MemState) Transfer(from, to types.Address, amount *uint256.Int) error {
	if bal := s.Balance(from); bal.Lt(amount) {
		return fmt.Errorf("%w: %s has %s, needs %s", ErrInsufficientBalance, from, bal.Dec(), amount.Dec())
	}
	fromBal := s.Balance(from)
	s.SetBalance(from, new(uint256.Int).Sub(&fromBal, amount))
	toBal := s.Balance(to)
	s.SetBalance(to, new(uint256.Int).Add(&toBal, amount))
	return nil
}

// Nonce implements State.
func (s *MemState) Nonce(addr types.Address) uint64 {
	if a := s.accounts[addr]; a != nil {
		return a.nonce
	}
	return 0
}

// SetNonce implements State.
func (s *MemState) SetNonce(addr types.Address, nonce uint64) {
	a := s.account(addr)
	s.journal = append(s.journal, undo{addr: addr, kind: undoNonce, nonce: a.nonce})
	a.nonce = nonce
}

// Code implements State.
func (s *MemState) Code(addr types.Address) []byte {
	if a := s.accounts[addr]; a != nil {
		return a.code
	}
	return nil
}

// SetCode implements State.
func (s *MemState) SetCode(addr types.Address, code []byte) {
	a := s.account(addr)
	s.journal = append(s.journal, undo{addr: addr, kind: undoCode, code: a.code})
	a.code = bytes.Clone(code)
}

// Storage implements State.
func (s *MemState) Storage(addr types.Address, key types.Hash) types.Hash {
	if a := s.accounts[addr]; a != nil {
		return a.storage[key]
	}
	return types.Hash{}
}

// SetStorage implements State.
func (s *MemState) SetStorage(addr types.Address, key, value types.Hash) {
	a := s.account(addr)
	s.journal = append(s.journal, undo{addr: addr, kind: undoStorage, key: key, value: a.storage[key]})
	setSlot(a, key, value)
}

// setSlot stores value, deleting zero slots so that equal states compare
// equal however they were reached.
func setSlot(a *memAccount, key, value types.Hash) {
	if value.IsZero() {
		delete(a.storage, key)
	} else {
		a.storage[key] = value
	}
}

// Snapshot implements State.
func (s *MemState) Snapshot() int { return len(s.journal) }

// RevertToSnapshot implements State. An id beyond the journal is ignored.
func (s *MemState) RevertToSnapshot(id int) {
	id = max(id, 0)
	for i := len(s.journal) - 1; i >= id; i-- {
		u := &s.journal[i]
		a := s.accounts[u.addr]
		switch u.kind {
		case undoCreate:
			delete(s.accounts, u.addr)
		case undoBalance:
			a.balance = u.balance
		case undoNonce:
			a.nonce = u.nonce
		case undoCode:
			a.code = u.code
		case undoStorage:
			setSlot(a, u.key, u.value)
		}
	}
	if id < len(s.journal) {
		clear(s.journal[id:])
		s.journal = s.journal[:id]
	}
}

// StorageKeys returns the non-zero slots of addr in ascending order, so
// tests can compare whole storages deterministically.
func (s *MemState) StorageKeys(addr types.Address) []types.Hash {
	a := s.accounts[addr]
	if a == nil {
		return nil
	}
	keys := make([]types.Hash, 0, len(a.storage))
	for k := range a.storage {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y types.Hash) int { return bytes.Compare(x[:], y[:]) })
	return keys
}
