package chain

import (
	"fmt"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/state"
	"github.com/quarry-chain/quarry/chain/types"
)

// connectBlock validates n's block against the state at the active tip
// (n's parent) and, if every rule holds, commits it as the new tip in one
// atomic batch: state changes, undo data, receipts, transaction index,
// height index, head pointer and the block's valid status.
func (bc *BlockChain) connectBlock(n *blockNode) (*types.Block, []*types.Receipt, error) {
	tip := bc.index.tip()
	if n.parent != tip {
		return nil, nil, fmt.Errorf("chain: connect %s: parent is not the tip %s", n.hash, tip.hash)
	}
	blk, err := bc.BlockByHash(n.hash)
	if err != nil {
		return nil, nil, fmt.Errorf("chain: connect %s: %w", n.hash, err)
	}
	hdr := blk.Header
	senders, err := RecoverSenders(bc.signer, blk.Txs, bc.sigs, bc.cfg.VerifyWorkers)
	if err != nil {
		return nil, nil, err
	}
	sdb, err := bc.state.StateDB()
	if err != nil {
		return nil, nil, fmt.Errorf("chain: state for %s: %w", n.hash, err)
	}
	out, err := ApplyBlock(bc.params, sdb, hdr, blk.Txs, senders, bc.cfg.Executor)
	if err != nil {
		return nil, nil, err
	}
	if out.GasUsed != hdr.GasUsed {
		return nil, nil, ruleError(ErrBadGasUsed, "block %s uses %d gas, header says %d", n.hash, out.GasUsed, hdr.GasUsed)
	}
	if root := receiptsRoot(out.Receipts); root != hdr.ReceiptsRoot {
		return nil, nil, ruleError(ErrBadReceiptsRoot, "block %s receipts root %s, header says %s", n.hash, root, hdr.ReceiptsRoot)
	}
	var batch kvdb.Batch
	// A commit that is not marked Written leaves the state as it was, so
	// the early returns below need no cleanup.
	commit, err := sdb.Commit(&batch)
	if err != nil {
		return nil, nil, fmt.Errorf("chain: commit state of %s: %w", n.hash, err)
	}
	if commit.Root != hdr.StateRoot {
		return nil, nil, ruleError(ErrBadStateRoot, "block %s state root %s, header says %s", n.hash, commit.Root, hdr.StateRoot)
	}
	undo, err := commit.Undo.MarshalBinary()
	if err != nil {
		return nil, nil, fmt.Errorf("chain: undo data of %s: %w", n.hash, err)
	}
	batch.Put(hashKey(prefixUndo, n.hash), undo)
	batch.Put(hashKey(prefixReceipts, n.hash), types.EncodeReceipts(out.Receipts))
	putTxLookups(&batch, blk.Txs, n.hash)
	batch.Put(heightKey(n.height), n.hash[:])
	batch.Put(keyHead, n.hash[:])
	putHeader(&batch, hdr, n.hash, bc.index.status(n)|statusValid)
	if err := bc.db.Write(&batch); err != nil {
		return nil, nil, fmt.Errorf("chain: write block %s: %w", n.hash, err)
	}
	commit.Written()
	bc.index.setStatus(n, statusValid)
	bc.index.setTip(n)
	bc.setBest(n, hdr, len(blk.Txs))
	return blk, out.Receipts, nil
}

// disconnectBlock removes the active tip n, restoring the state from its
// undo data, in one atomic batch. It returns the block and its receipts
// (read before they are deleted).
func (bc *BlockChain) disconnectBlock(n *blockNode) (*types.Block, []*types.Receipt, error) {
	if tip := bc.index.tip(); n != tip || n.parent == nil {
		return nil, nil, fmt.Errorf("chain: disconnect %s: not the tip or genesis", n.hash)
	}
	blk, err := bc.BlockByHash(n.hash)
	if err != nil {
		return nil, nil, fmt.Errorf("chain: disconnect %s: %w", n.hash, err)
	}
	receipts, err := bc.Receipts(n.hash)
	if err != nil {
		return nil, nil, fmt.Errorf("chain: disconnect %s: %w", n.hash, err)
	}
	parentHeader, _, err := readHeader(bc.db, n.parent.hash)
	if err != nil {
		return nil, nil, fmt.Errorf("chain: disconnect %s: parent: %w", n.hash, err)
	}
	undoBytes, err := getRequired(bc.db, hashKey(prefixUndo, n.hash), "undo data of "+n.hash.String())
	if err != nil {
		return nil, nil, err
	}
	undo, err := state.DecodeUndo(undoBytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: undo data of %s: %v", ErrCorruptDB, n.hash, err)
	}
	var batch kvdb.Batch
	revert, err := bc.state.ApplyUndo(&batch, undo)
	if err != nil {
		return nil, nil, fmt.Errorf("chain: revert state of %s: %w", n.hash, err)
	}
	if revert.Root != parentHeader.StateRoot {
		return nil, nil, fmt.Errorf("%w: undoing %s gives state root %s, parent has %s", ErrCorruptDB, n.hash, revert.Root, parentHeader.StateRoot)
	}
	for _, tx := range blk.Txs {
		batch.Delete(hashKey(prefixTxLookup, tx.Hash()))
	}
	batch.Delete(heightKey(n.height))
	batch.Delete(hashKey(prefixReceipts, n.hash))
	batch.Delete(hashKey(prefixUndo, n.hash))
	batch.Put(keyHead, n.parent.hash[:])
	if err := bc.db.Write(&batch); err != nil {
		return nil, nil, fmt.Errorf("chain: write disconnect of %s: %w", n.hash, err)
	}
	revert.Written()
	bc.index.setTip(n.parent)
	bc.setBest(n.parent, parentHeader, countTxs(bc, n.parent.hash))
	return blk, receipts, nil
}

// markInvalid records that n broke a rule; its descendants are then known
// invalid too (in memory now, and on the next start from their parents).
func (bc *BlockChain) markInvalid(n *blockNode, cause error) error {
	bc.log.Warn("invalid block", "hash", n.hash, "height", n.height, "err", cause)
	hdr, _, err := readHeader(bc.db, n.hash)
	if err != nil {
		return err
	}
	bc.index.setStatus(n, statusInvalid)
	var batch kvdb.Batch
	putHeader(&batch, hdr, n.hash, bc.index.status(n))
	if err := bc.db.Write(&batch); err != nil {
		return err
	}
	bc.index.markInvalidDescendants(n)
	return nil
}
