package state

import (
	"errors"
	"fmt"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/trie"
	"github.com/quarry-chain/quarry/chain/types"
)

// Reader is an immutable view of the committed state at one instant, for
// RPC: every read through it sees the same state, whatever is committed
// meanwhile. Each read is one store lookup. It is safe for concurrent use.
// Release it when done.
type Reader struct {
	kv      kvReader // a store snapshot, or a historical overlay on one
	release func()
	root    types.Hash
}

// Reader returns a view of the latest written state. It reads only the
// store, not the Database's in-memory trie, so a change prepared but not
// yet written is invisible and one written is visible at once.
func (d *Database) Reader() (*Reader, error) {
	if d.kv == nil {
		return nil, errors.New("state: Reader of a Database without a store")
	}
	snap, err := d.kv.Snapshot()
	if err != nil {
		return nil, fmt.Errorf("state: snapshot: %w", err)
	}
	root, err := snapshotRoot(snap)
	if err != nil {
		snap.Release()
		return nil, err
	}
	return &Reader{kv: snap, release: snap.Release, root: root}, nil
}

// snapshotRoot is the root of the state a store snapshot holds. Reading the
// root node from the snapshot gives the root that the snapshot's flat
// records belong to: both were written in one batch.
func snapshotRoot(snap *kvdb.Snapshot) (types.Hash, error) {
	tr, err := trie.New(trie.Config{Reader: trieReader{snap}, CacheBytes: -1})
	if err != nil {
		return types.Hash{}, fmt.Errorf("state: snapshot root: %w", err)
	}
	return tr.Root(), nil
}

// Root returns the state root this view shows.
func (r *Reader) Root() types.Hash { return r.root }

// Account returns addr's account and whether it exists (a missing account
// reads as the zero account with EmptyCodeHash).
func (r *Reader) Account(addr types.Address) (Account, bool, error) {
	v, err := r.kv.Get(accountFlatKey(addr))
	if errors.Is(err, kvdb.ErrNotFound) {
		return newAccount(), false, nil
	}
	if err != nil {
		return Account{}, false, fmt.Errorf("state: read account %s: %w", addr, err)
	}
	a, err := DecodeAccount(v)
	if err != nil {
		return Account{}, false, fmt.Errorf("%w: account %s: %w", ErrCorrupt, addr, err)
	}
	return a, true, nil
}

// Code returns addr's code (nil for none).
func (r *Reader) Code(addr types.Address) ([]byte, error) {
	a, _, err := r.Account(addr)
	if err != nil || a.CodeHash == EmptyCodeHash {
		return nil, err
	}
	c, err := r.kv.Get(codeKey(a.CodeHash))
	if err != nil {
		return nil, fmt.Errorf("%w: code %s of %s: %w", ErrCorrupt, a.CodeHash, addr, err)
	}
	return c, nil
}

// Storage returns the value of addr's slot key (zero if absent).
func (r *Reader) Storage(addr types.Address, key types.Hash) (types.Hash, error) {
	v, err := r.kv.Get(storageFlatKey(addr, key))
	if errors.Is(err, kvdb.ErrNotFound) {
		return types.Hash{}, nil
	}
	if err != nil {
		return types.Hash{}, fmt.Errorf("state: read slot %s/%s: %w", addr, key, err)
	}
	w, err := decodeWord(v)
	if err != nil {
		return types.Hash{}, fmt.Errorf("%w: slot %s/%s: %w", ErrCorrupt, addr, key, err)
	}
	return w, nil
}

// Release frees the view; reads after it fail.
func (r *Reader) Release() { r.release() }
