package chain

import (
	"fmt"

	"github.com/quarry-chain/quarry/chain/state"
	"github.com/quarry-chain/quarry/chain/types"
)

// MaxStateHistory is how many blocks below the tip the chain serves state
// for (as geth keeps 128 recent states): each older state is rebuilt in
// memory from the undo data of the blocks after it.
const MaxStateHistory = 128

// stateView opens the state at the end of block at, which must be on the
// active chain at most MaxStateHistory blocks below the tip. Everything is
// read from one store snapshot (head, height index, undo data and the
// current state are written together, block by block), so a block
// connected meanwhile cannot tear the view; a header that was the tip a
// moment ago stays readable. Call release when done with the views.
func (bc *BlockChain) stateView(at *types.Header) (r *state.Reader, st *state.StateDB, release func(), err error) {
	snap, err := bc.db.Snapshot()
	if err != nil {
		return nil, nil, nil, err
	}
	defer func() {
		if err != nil {
			snap.Release()
		}
	}()
	headBytes, err := getRequired(snap, keyHead, "head pointer")
	if err != nil {
		return nil, nil, nil, err
	}
	head, _, err := readHeader(snap, types.BytesToHash(headBytes))
	if err != nil {
		return nil, nil, nil, err
	}
	unavailable := func(why string) error {
		return fmt.Errorf("%w: block %d (%s) %s", ErrStateUnavailable, at.Height, at.Hash(), why)
	}
	if at.Height > head.Height {
		return nil, nil, nil, unavailable("is not on the active chain")
	}
	if head.Height-at.Height > MaxStateHistory {
		return nil, nil, nil, unavailable(fmt.Sprintf("is more than %d blocks below the tip", MaxStateHistory))
	}
	if h, err := snap.Get(heightKey(at.Height)); err != nil || types.BytesToHash(h) != at.Hash() {
		return nil, nil, nil, unavailable("is not on the active chain")
	}
	undos := make([]*state.Undo, 0, head.Height-at.Height)
	for height := head.Height; height > at.Height; height-- {
		hash, err := getRequired(snap, heightKey(height), fmt.Sprint("active block at height ", height))
		if err != nil {
			return nil, nil, nil, err
		}
		enc, err := getRequired(snap, hashKey(prefixUndo, types.BytesToHash(hash)), "undo data")
		if err != nil {
			return nil, nil, nil, err
		}
		u, err := state.DecodeUndo(enc)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%w: undo data at height %d: %v", ErrCorruptDB, height, err)
		}
		undos = append(undos, u)
	}
	r, st, err = bc.state.HistoricalView(snap, undos)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%w: %v", ErrCorruptDB, err)
	}
	if r.Root() != at.StateRoot {
		return nil, nil, nil, fmt.Errorf("%w: rebuilt state of block %d has root %s, header %s", ErrCorruptDB, at.Height, r.Root(), at.StateRoot)
	}
	return r, st, snap.Release, nil
}

// StateReaderAt returns a consistent view of the state at the end of block
// at (the tip or one of the MaxStateHistory blocks below it), and the
// function that releases it.
func (bc *BlockChain) StateReaderAt(at *types.Header) (*state.Reader, func(), error) {
	r, _, release, err := bc.stateView(at)
	return r, release, err
}
