package state

import (
	"errors"
	"fmt"

	"github.com/quarry-chain/quarry/chain/kvdb"
)

// Historical state: the state at the end of a recent block is the current
// state with the changes of every later block taken back, which is what
// their undo data records. Reading it costs a map lookup per key in front
// of the current store; nothing is written or kept.

// ErrHistory: the undo data given does not lead from the snapshot's state
// back to a consistent older state.
var ErrHistory = errors.New("state: undo data does not fit the state")

// historicalKV answers flat-record reads as of an older state: the records
// the undo data of later blocks saved, in front of the current store.
type historicalKV struct {
	base    kvReader
	overlay map[string][]byte // flat key -> old record; nil: absent then
}

func (h historicalKV) Get(key []byte) ([]byte, error) {
	if v, ok := h.overlay[string(key)]; ok {
		if v == nil {
			return nil, kvdb.ErrNotFound
		}
		return v, nil
	}
	return h.base.Get(key)
}

// HistoricalView returns read-only views of an older state: snap is a
// snapshot of the store (its state root is undos[0].Root, the newest
// block's), and undos are the undo data of the blocks to take back, newest
// first. With no undos it is the snapshot's own state. The Reader serves
// RPC reads; the StateDB executes calls and refuses to commit (its root is
// not the Database's). Both stay valid until the snapshot is released.
func (d *Database) HistoricalView(snap *kvdb.Snapshot, undos []*Undo) (*Reader, *StateDB, error) {
	root, err := snapshotRoot(snap)
	if err != nil {
		return nil, nil, err
	}
	overlay := make(map[string][]byte)
	for i, u := range undos {
		if u.Root != root {
			return nil, nil, fmt.Errorf("%w: undo %d is for state %s, not %s", ErrHistory, i, u.Root, root)
		}
		// Older undos come later and overwrite: each key ends with the
		// value it had before the oldest block that changed it.
		for _, a := range u.Accounts {
			var v []byte
			if a.Prev != nil {
				v = a.Prev.Encode()
			}
			overlay[string(accountFlatKey(a.Address))] = v
		}
		for _, sl := range u.Slots {
			var v []byte
			if !sl.Prev.IsZero() {
				v = encodeWord(sl.Prev)
			}
			overlay[string(storageFlatKey(sl.Address, sl.Key))] = v
		}
		root = u.PrevRoot
	}
	kv := historicalKV{base: snap, overlay: overlay}
	return &Reader{kv: kv, release: func() {}, root: root}, newStateDB(d, kv, root), nil
}
