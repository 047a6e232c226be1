package chain

import (
	"errors"
	"fmt"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/types"
)

// BlockStatus says what ProcessBlock did with a valid block.
type BlockStatus int

const (
	// StatusConnected: the block is (now) on the active chain.
	StatusConnected BlockStatus = iota + 1
	// StatusSideChain: the block is stored on a branch with less work.
	StatusSideChain
	// StatusOrphan: the block's parent is unknown; it waits in the orphan
	// pool and the caller should fetch Result.MissingAncestor.
	StatusOrphan
)

func (s BlockStatus) String() string {
	switch s {
	case StatusConnected:
		return "connected"
	case StatusSideChain:
		return "side-chain"
	case StatusOrphan:
		return "orphan"
	}
	return fmt.Sprintf("BlockStatus(%d)", int(s))
}

// Result reports what ProcessBlock did.
type Result struct {
	Hash   types.Hash
	Status BlockStatus
	// MissingAncestor is the unknown block an orphan descends from.
	MissingAncestor types.Hash
	// Reorged is how many blocks the active chain lost (0: it only grew or
	// did not change).
	Reorged int
}

// ProcessBlock validates b and adds it to the chain: to the active chain if
// its branch then has the most work (reorganising if it is another branch),
// to a side branch otherwise, or to the orphan pool if its parent is
// unknown. Orphans waiting for b are processed after it.
//
// A block that breaks a rule returns a *RuleError (errors.Is with its
// ErrorKind) and changes nothing, except that a block which fails only when
// connected to the state is remembered as invalid along with its
// descendants, so it is never tried again. A known block returns
// ErrDuplicateBlock.
func (bc *BlockChain) ProcessBlock(b *types.Block) (Result, error) {
	bc.processMu.Lock()
	defer bc.processMu.Unlock()
	res, err := bc.processBlock(b)
	if err != nil || res.Status == StatusOrphan {
		return res, err
	}
	// The block is stored; orphans that were waiting for it (and for them)
	// can now be processed. Their failures are theirs, not b's.
	queue := []types.Hash{res.Hash}
	for len(queue) > 0 {
		parent := queue[0]
		queue = queue[1:]
		for _, child := range bc.orphans.takeChildren(parent) {
			cres, cerr := bc.processBlock(child)
			if cerr != nil {
				bc.log.Debug("orphan rejected", "hash", child.Hash(), "err", cerr)
				continue
			}
			queue = append(queue, cres.Hash)
		}
	}
	// A side-chain block may have become active through its orphans.
	if res.Status == StatusSideChain && bc.index.inMain(bc.index.lookup(res.Hash)) {
		res.Status = StatusConnected
	}
	return res, nil
}

func (bc *BlockChain) processBlock(b *types.Block) (Result, error) {
	hash := b.Hash()
	res := Result{Hash: hash}
	if n := bc.index.lookup(hash); n != nil {
		if st := bc.index.status(n); st.knownInvalid() {
			return res, ruleError(ErrInvalidAncestor, "block %s is known to be invalid", hash)
		}
		return res, ErrDuplicateBlock
	}
	if bc.orphans.has(hash) {
		return res, ErrDuplicateBlock
	}
	if err := bc.checkBlockSanity(b); err != nil {
		return res, err
	}
	parent := bc.index.lookup(b.Header.ParentHash)
	if parent == nil {
		bc.orphans.add(b, hash, b.Size())
		res.Status = StatusOrphan
		res.MissingAncestor = bc.orphans.root(hash)
		return res, nil
	}
	if st := bc.index.status(parent); st.knownInvalid() {
		// Remember it, so its own descendants are refused at once too.
		n := newBlockNode(b.Header, hash, parent)
		n.status = statusInvalidAncestor
		var batch kvdb.Batch
		putHeader(&batch, b.Header, hash, n.status)
		if err := bc.db.Write(&batch); err != nil {
			return res, err
		}
		bc.index.add(n)
		return res, ruleError(ErrInvalidAncestor, "parent %s of block %s is invalid", parent.hash, hash)
	}
	parentHeader, _, err := readHeader(bc.db, parent.hash)
	if err != nil {
		return res, fmt.Errorf("chain: parent header %s: %w", parent.hash, err)
	}
	if err := CheckHeaderContext(b.Header, parentHeader, parent.prevTimes(medianTimeBlocks), bc.params); err != nil {
		return res, err
	}

	// The block is well-formed and its header fits its parent: store it, so
	// a branch can be built on it, then let fork choice decide.
	n := newBlockNode(b.Header, hash, parent)
	n.status = statusDataStored
	var batch kvdb.Batch
	putHeader(&batch, b.Header, hash, n.status)
	batch.Put(hashKey(prefixBody, hash), b.EncodeBody())
	if err := bc.db.Write(&batch); err != nil {
		return res, err
	}
	bc.index.add(n)
	// The connect reads the block back: from memory, with its transactions'
	// hashes and senders already worked out. A copy, which the caller
	// cannot change.
	bc.blocks.add(hash, shareBlock(b))

	tip := bc.index.tip()
	if n.workSum.Cmp(tip.workSum) <= 0 {
		bc.log.Debug("side-chain block", "hash", hash, "height", n.height, "work", n.workSum)
		res.Status = StatusSideChain
		return res, nil
	}
	reorged, err := bc.reorganize(n)
	res.Reorged = reorged
	if err != nil {
		return res, err
	}
	if bc.index.inMain(n) {
		res.Status = StatusConnected
	} else {
		res.Status = StatusSideChain
	}
	return res, nil
}

// checkBlockSanity applies the rules that need nothing but the block: the
// header's own rules (proof of work included), size, transaction root, and
// no transaction twice.
func (bc *BlockChain) checkBlockSanity(b *types.Block) error {
	if b.Header == nil {
		return ruleError(ErrMalformedBlock, "block has no header")
	}
	now := uint64(bc.now().UnixMilli())
	if err := CheckHeaderSanity(b.Header, bc.params, now); err != nil {
		return err
	}
	if size := b.Size(); uint64(size) > bc.params.MaxBlockBytes {
		return ruleError(ErrBlockTooBig, "block is %d bytes, limit %d", size, bc.params.MaxBlockBytes)
	}
	seen := make(map[types.Hash]struct{}, len(b.Txs))
	for i, tx := range b.Txs {
		h := tx.Hash()
		if _, dup := seen[h]; dup {
			return ruleError(ErrDuplicateTx, "transaction %d (%s) appears twice", i, h)
		}
		seen[h] = struct{}{}
	}
	if root := types.TxRoot(b.Txs); root != b.Header.TxRoot {
		return ruleError(ErrBadTxRoot, "transactions root %s, header says %s", root, b.Header.TxRoot)
	}
	return nil
}

// isRuleError reports whether err is a consensus rule violation (as opposed
// to an I/O failure, which must not mark a block invalid).
func isRuleError(err error) bool {
	var re *RuleError
	return errors.As(err, &re)
}
