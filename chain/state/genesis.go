package state

import (
	"errors"
	"fmt"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/trie"
	"github.com/quarry-chain/quarry/chain/types"
)

// ErrBadAlloc: a genesis allocation the state cannot hold (a negative or
// 256-bit-overflowing balance).
var ErrBadAlloc = errors.New("state: bad genesis allocation")

// WriteGenesis writes the genesis allocation into b as the first state
// change and returns it pending, as Commit does (its Undo leads back to the
// empty state). The committed state must be empty.
func (d *Database) WriteGenesis(b *kvdb.Batch, alloc []params.GenesisAccount) (*Pending, error) {
	s, err := d.StateDB()
	if err != nil {
		return nil, err
	}
	if s.root != trie.EmptyRoot {
		return nil, fmt.Errorf("%w: root %s", ErrNotEmpty, s.root)
	}
	if err := applyAlloc(s, alloc); err != nil {
		return nil, err
	}
	return s.Commit(b)
}

// GenesisRoot returns the state root of the genesis allocation without
// touching any store (for dumpgenesis and for checking a genesis file).
func GenesisRoot(alloc []params.GenesisAccount) (types.Hash, error) {
	mem := trie.NewMemoryStore()
	d := &Database{flat: emptyReader{}, nodes: mem, cacheBytes: -1}
	s, err := d.StateDB()
	if err != nil {
		return types.Hash{}, err
	}
	if err := applyAlloc(s, alloc); err != nil {
		return types.Hash{}, err
	}
	// The trie's nodes go to the memory store it reads; flat records are
	// not needed for the root.
	p, err := s.commitTo(discardBatch{}, mem)
	if err != nil {
		return types.Hash{}, err
	}
	return p.Root, nil
}

// applyAlloc writes every genesis account into s.
func applyAlloc(s *StateDB, alloc []params.GenesisAccount) error {
	for i := range alloc {
		a := &alloc[i]
		if a.Balance != nil {
			if a.Balance.Sign() < 0 {
				return fmt.Errorf("%w: %s: negative balance", ErrBadAlloc, a.Address)
			}
			bal, overflow := uint256.FromBig(a.Balance)
			if overflow {
				return fmt.Errorf("%w: %s: balance above 2^256-1", ErrBadAlloc, a.Address)
			}
			if err := s.AddBalance(a.Address, bal); err != nil {
				return fmt.Errorf("%w: %w", ErrBadAlloc, err)
			}
		}
		if a.Nonce != 0 {
			s.SetNonce(a.Address, a.Nonce)
		}
		if len(a.Code) > 0 {
			s.SetCode(a.Address, a.Code)
		}
		for _, e := range a.Storage {
			s.SetStorage(a.Address, e.Key, e.Value)
		}
	}
	return s.Err()
}
