package state

import (
	"fmt"

	"github.com/quarry-chain/quarry/chain/trie"
	"github.com/quarry-chain/quarry/chain/types"
)

// IntermediateRoot returns the state root that Commit would produce for the
// view's changes so far, without writing anything and without taking or
// modifying the Database's trie or its node cache: a block template needs
// its state root before the block exists, and building one must not cost
// the chain its warm cache. The view stays usable (more changes, Commit).
//
// It fails with ErrStale if the committed state moved on since the view was
// opened, with ErrCommitted after Commit, and with the view's first store
// failure (Err) if it had one.
func (s *StateDB) IntermediateRoot() (types.Hash, error) {
	if s.done {
		return types.Hash{}, ErrCommitted
	}
	if s.err != nil {
		return types.Hash{}, s.err
	}
	return s.db.rootAfter(s.root, s.trieChanges())
}

// rootAfter computes the root that changes make of the committed state,
// which must be at base. It reads the Database's trie (and its cache) when
// no change holds it, and otherwise an uncached trie over a snapshot of the
// store, which is consistent whatever is being written meanwhile.
func (d *Database) rootAfter(base types.Hash, changes []trie.Change) (types.Hash, error) {
	d.mu.Lock()
	tr := d.tr
	if tr != nil {
		d.readers.RLock()
	}
	d.mu.Unlock()
	if tr != nil {
		defer d.readers.RUnlock()
	} else {
		var release func()
		var err error
		if tr, release, err = d.snapshotTrie(); err != nil {
			return types.Hash{}, err
		}
		defer release()
	}
	if tr.Root() != base {
		return types.Hash{}, fmt.Errorf("%w: opened on %s, store holds %s", ErrStale, base, tr.Root())
	}
	root, err := tr.RootAfter(changes)
	if err != nil {
		return types.Hash{}, fmt.Errorf("state: trie root: %w", err)
	}
	return root, nil
}

// snapshotTrie opens the committed trie without a cache over a snapshot of
// the store (or over the node reader of a Database without a store).
func (d *Database) snapshotTrie() (*trie.Trie, func(), error) {
	if d.kv == nil {
		tr, err := trie.New(trie.Config{Reader: d.nodes, CacheBytes: -1})
		if err != nil {
			return nil, nil, fmt.Errorf("state: open trie: %w", err)
		}
		return tr, func() {}, nil
	}
	snap, err := d.kv.Snapshot()
	if err != nil {
		return nil, nil, fmt.Errorf("state: snapshot: %w", err)
	}
	tr, err := trie.New(trie.Config{Reader: trieReader{snap}, CacheBytes: -1})
	if err != nil {
		snap.Release()
		return nil, nil, fmt.Errorf("state: open trie: %w", err)
	}
	return tr, snap.Release, nil
}
