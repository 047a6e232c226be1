package chain

import (
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/state"
	"github.com/quarry-chain/quarry/chain/types"
)

// notFound turns the store's ErrNotFound into the chain's.
func notFound(err error, what string) error {
	if errors.Is(err, kvdb.ErrNotFound) {
		return fmt.Errorf("%w: %s", ErrNotFound, what)
	}
	return err
}

// HeaderByHash returns the header of any known block, on any branch.
func (bc *BlockChain) HeaderByHash(hash types.Hash) (*types.Header, error) {
	h, _, err := readHeader(bc.db, hash)
	if err != nil {
		return nil, notFound(err, "header "+hash.String())
	}
	return h, nil
}

// BlockByHash returns any stored block, on any branch.
func (bc *BlockChain) BlockByHash(hash types.Hash) (*types.Block, error) {
	b, err := bc.blocks.load(hash, func() (*types.Block, error) { return bc.readBlock(hash) })
	if err != nil {
		return nil, err
	}
	return shareBlock(b), nil
}

// shareBlock returns a block for a caller: its own header and transaction
// list, so that changing them cannot reach the cache, over the shared
// (immutable) transactions.
func shareBlock(b *types.Block) *types.Block {
	h := *b.Header
	return &types.Block{Header: &h, Txs: slices.Clone(b.Txs)}
}

// readBlock reads and decodes a stored block.
func (bc *BlockChain) readBlock(hash types.Hash) (*types.Block, error) {
	h, st, err := readHeader(bc.db, hash)
	if err != nil {
		return nil, notFound(err, "block "+hash.String())
	}
	if st&statusDataStored == 0 {
		return nil, fmt.Errorf("%w: body of block %s", ErrNotFound, hash)
	}
	body, err := getRequired(bc.db, hashKey(prefixBody, hash), "body of "+hash.String())
	if err != nil {
		return nil, err
	}
	txs, err := types.DecodeBody(body)
	if err != nil {
		return nil, fmt.Errorf("%w: body of %s: %v", ErrCorruptDB, hash, err)
	}
	return &types.Block{Header: h, Txs: txs}, nil
}

// HashByHeight returns the hash of the active chain's block at height.
func (bc *BlockChain) HashByHeight(height uint64) (types.Hash, bool) {
	n := bc.index.mainAt(height)
	if n == nil {
		return types.Hash{}, false
	}
	return n.hash, true
}

// BlockByHeight returns the active chain's block at height.
func (bc *BlockChain) BlockByHeight(height uint64) (*types.Block, error) {
	hash, ok := bc.HashByHeight(height)
	if !ok {
		return nil, fmt.Errorf("%w: no block at height %d", ErrNotFound, height)
	}
	return bc.BlockByHash(hash)
}

// InMainChain reports whether hash is on the active chain.
func (bc *BlockChain) InMainChain(hash types.Hash) bool {
	n := bc.index.lookup(hash)
	return n != nil && bc.index.inMain(n)
}

// HaveBlock reports whether the block is stored, known invalid, or waiting
// in the orphan pool: in each case there is no point fetching it again.
func (bc *BlockChain) HaveBlock(hash types.Hash) bool {
	if bc.index.lookup(hash) != nil {
		return true
	}
	bc.processMu.Lock()
	defer bc.processMu.Unlock()
	return bc.orphans.has(hash)
}

// Receipts returns the receipts of an active-chain block, with their lookup
// fields (transaction hash, block, index, sender, contract address, log
// positions) filled in.
//
// The receipts of recently read blocks are cached, so the slice is the
// caller's but the *Receipt values (and their logs, topics, data and
// addresses) are shared with the cache and other callers: read-only.
// Copying the slice is one allocation; copying the receipts as well
// (BenchmarkReceipts/hit-deepcopy) costs two allocations per receipt and,
// for 500 transfers, about 80 times a whole hit, against writes no caller
// makes.
func (bc *BlockChain) Receipts(hash types.Hash) ([]*types.Receipt, error) {
	if receipts, ok := bc.receipts.get(hash); ok {
		// The cache outlives reorgs: a block off the active chain, or one
		// connected a moment ago whose index entry lags the store, has its
		// receipts only if the store still holds them.
		if !bc.InMainChain(hash) {
			stored, err := bc.db.Has(hashKey(prefixReceipts, hash))
			if err != nil {
				return nil, err
			}
			if !stored {
				return nil, fmt.Errorf("%w: receipts of %s", ErrNotFound, hash)
			}
		}
		return slices.Clone(receipts), nil
	}
	receipts, err := bc.receipts.load(hash, func() ([]*types.Receipt, error) { return bc.readReceipts(hash) })
	if err != nil {
		return nil, err
	}
	return slices.Clone(receipts), nil
}

// readReceipts decodes the stored receipts of a block and fills them in.
func (bc *BlockChain) readReceipts(hash types.Hash) ([]*types.Receipt, error) {
	v, err := bc.db.Get(hashKey(prefixReceipts, hash))
	if err != nil {
		return nil, notFound(err, "receipts of "+hash.String())
	}
	receipts, err := types.DecodeReceipts(v)
	if err != nil {
		return nil, fmt.Errorf("%w: receipts of %s: %v", ErrCorruptDB, hash, err)
	}
	blk, err := bc.BlockByHash(hash)
	if err != nil {
		return nil, err
	}
	if len(receipts) != len(blk.Txs) {
		return nil, fmt.Errorf("%w: block %s has %d transactions and %d receipts", ErrCorruptDB, hash, len(blk.Txs), len(receipts))
	}
	if err := fillReceipts(bc.signer, bc.sigs, blk, receipts); err != nil {
		return nil, err
	}
	return receipts, nil
}

// TxLookup says where the active chain includes the transaction.
func (bc *BlockChain) TxLookup(txHash types.Hash) (TxLocation, error) {
	block, index, err := readTxLookup(bc.db, txHash)
	if err != nil {
		return TxLocation{}, notFound(err, "transaction "+txHash.String())
	}
	n := bc.index.lookup(block)
	if n == nil {
		return TxLocation{}, fmt.Errorf("%w: tx %s points at unknown block %s", ErrCorruptDB, txHash, block)
	}
	return TxLocation{BlockHash: block, Height: n.height, Index: index}, nil
}

// TipStatus classifies a branch head for ChainTips.
type TipStatus string

// Branch head states, named as bitcoind's getchaintips names them.
const (
	TipActive      TipStatus = "active"       // the active chain's tip
	TipValidFork   TipStatus = "valid-fork"   // fully validated, then reorganised away
	TipValidHeader TipStatus = "valid-header" // stored, never connected (less work)
	TipInvalid     TipStatus = "invalid"      // it or an ancestor broke a rule
)

// ChainTip is the head of one branch of the block tree.
type ChainTip struct {
	Hash      types.Hash
	Height    uint64
	TotalWork *big.Int
	// BranchLen is how many blocks the branch has since it left the
	// active chain (0 for the active tip).
	BranchLen uint64
	Status    TipStatus
}

// ChainTips lists the head of every branch, most work first.
func (bc *BlockChain) ChainTips() []ChainTip {
	bc.index.mu.RLock()
	defer bc.index.mu.RUnlock()
	active := bc.index.main[len(bc.index.main)-1]
	// The active tip is a leaf unless a child of it was found invalid.
	heads := make([]*blockNode, 0, len(bc.index.tips)+1)
	heads = append(heads, active)
	for n := range bc.index.tips {
		if n != active {
			heads = append(heads, n)
		}
	}
	tips := make([]ChainTip, 0, len(heads))
	for _, n := range heads {
		fork := n
		for fork.height >= uint64(len(bc.index.main)) || bc.index.main[fork.height] != fork {
			fork = fork.parent
		}
		t := ChainTip{Hash: n.hash, Height: n.height, TotalWork: new(big.Int).Set(n.workSum), BranchLen: n.height - fork.height}
		switch {
		case n == active:
			t.Status = TipActive
		case n.status.knownInvalid():
			t.Status = TipInvalid
		case n.status&statusValid != 0:
			t.Status = TipValidFork
		default:
			t.Status = TipValidHeader
		}
		tips = append(tips, t)
	}
	slices.SortFunc(tips, func(a, b ChainTip) int {
		if c := b.TotalWork.Cmp(a.TotalWork); c != 0 {
			return c
		}
		return slices.Compare(a.Hash[:], b.Hash[:])
	})
	return tips
}

// OrphanRoot returns the missing ancestor of an orphan block: what to ask
// peers for.
func (bc *BlockChain) OrphanRoot(hash types.Hash) types.Hash {
	bc.processMu.Lock()
	defer bc.processMu.Unlock()
	return bc.orphans.root(hash)
}

// StateReader returns a consistent view of the active chain's latest state;
// Release it when done.
func (bc *BlockChain) StateReader() (*state.Reader, error) { return bc.state.Reader() }

// TotalWork returns the cumulative work of the chain ending at a known block.
func (bc *BlockChain) TotalWork(hash types.Hash) (*big.Int, error) {
	n := bc.index.lookup(hash)
	if n == nil {
		return nil, fmt.Errorf("%w: block %s", ErrNotFound, hash)
	}
	return new(big.Int).Set(n.workSum), nil
}
