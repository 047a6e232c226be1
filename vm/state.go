package vm

import (
	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// State is all the VM needs from the world state. It is deliberately small:
// the chain's state implements it, and MemState implements it for tests.
//
// Snapshot and RevertToSnapshot form a journal: RevertToSnapshot(id) undoes
// every change made since Snapshot returned id (including nested
// snapshots taken after it). Implementations need not support reverting to
// a snapshot after an older one has been reverted to.
type State interface {
	// Exists reports whether addr has an account (any balance, nonce, code
	// or storage ever written to it in this state).
	Exists(addr types.Address) bool
	// Balance returns addr's balance in wei (zero for no account).
	Balance(addr types.Address) uint256.Int
	// Transfer moves amount from one account to another, creating the
	// recipient if needed. It returns an error wrapping
	// ErrInsufficientBalance, and changes nothing, if from cannot pay.
	Transfer(from, to types.Address, amount *uint256.Int) error
	// Nonce returns addr's nonce (zero for no account).
	Nonce(addr types.Address) uint64
	// SetNonce sets addr's nonce, creating the account if needed.
	SetNonce(addr types.Address, nonce uint64)
	// Code returns addr's code (nil for none). The VM never modifies it.
	Code(addr types.Address) []byte
	// SetCode sets addr's code, creating the account if needed.
	SetCode(addr types.Address, code []byte)
	// Storage returns the value of addr's slot key (zero if never set).
	Storage(addr types.Address, key types.Hash) types.Hash
	// SetStorage sets addr's slot key; a zero value deletes the slot.
	SetStorage(addr types.Address, key, value types.Hash)
	// Snapshot returns an identifier of the current state for
	// RevertToSnapshot.
	Snapshot() int
	// RevertToSnapshot undoes every change made since Snapshot returned id.
	RevertToSnapshot(id int)
}
