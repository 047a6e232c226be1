package chain

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/state"
	"github.com/quarry-chain/quarry/chain/types"
)

// Errors that are not rule violations.
var (
	// ErrDuplicateBlock: the block is already known (stored or orphaned).
	ErrDuplicateBlock = errors.New("chain: block already known")
	// ErrGenesisMismatch: the database belongs to another network.
	ErrGenesisMismatch = errors.New("chain: database was created for another genesis")
	// ErrNotFound: no such block, header or transaction on record.
	ErrNotFound = errors.New("chain: not found")
)

// Config holds what New needs. DB and Genesis are required.
type Config struct {
	DB      *kvdb.DB
	Genesis *params.Genesis
	Logger  *slog.Logger
	// Now is the local clock for the future-time rule (default time.Now).
	Now func() time.Time
	// SigCache remembers verified senders (default: a cache of
	// DefaultSigCacheSize entries). The mempool shares it so block connect
	// does not verify the same signature twice.
	SigCache SigCache
	// VerifyWorkers is how many goroutines recover senders when a block is
	// connected (default: all CPUs).
	VerifyWorkers int
	// Executor runs contract creations and calls (default: VMExecutor,
	// Quarry's VM; a different executor makes a different chain).
	Executor ContractExecutor
	// MaxOrphans and MaxOrphanBytes bound the orphan pool (defaults
	// DefaultMaxOrphans and DefaultMaxOrphanBytes).
	MaxOrphans     int
	MaxOrphanBytes int
	// TrieCacheBytes bounds the memory of the state trie's node cache
	// (0: trie.DefaultCacheBytes, 64 MiB; negative: no cache). With room
	// for every inner node of the state (about 100 bytes per account or
	// slot), a block's commit reads no trie node from the store.
	TrieCacheBytes int64
	// AccountCacheBytes bounds the memory of the cache of committed
	// accounts that block execution reads before the store
	// (0: state.DefaultAccountCacheBytes, 32 MiB; negative: no cache),
	// about 128 bytes per account. The store's own block cache is
	// kvdb.Options.CacheMiB.
	AccountCacheBytes int64
}

// BestState describes the active chain's tip. A BestState is immutable:
// Best returns a new one after every change.
type BestState struct {
	Hash       types.Hash
	Header     *types.Header // do not modify
	Height     uint64
	TotalWork  *big.Int // do not modify
	MedianTime uint64   // median time past of the tip and its 10 ancestors, ms
	TxCount    int      // transactions in the tip block
}

// BlockChain validates blocks, keeps the state and follows the valid chain
// with the most cumulative work. It is safe for concurrent use: block
// processing is serialised, reads are not blocked by it.
type BlockChain struct {
	cfg     Config
	log     *slog.Logger
	now     func() time.Time
	db      *kvdb.DB
	params  *params.ChainConfig
	signer  types.Signer
	genesis types.Hash
	state   *state.Database
	index   *blockIndex
	sigs    SigCache

	receipts *recentCache[[]*types.Receipt] // filled receipts of recently read blocks
	blocks   *recentCache[*types.Block]     // decoded blocks, recently stored or read

	processMu sync.Mutex // serialises ProcessBlock, reorgs and event delivery
	orphans   *orphanPool
	best      atomic.Pointer[BestState]
	events    feed
}

// New opens the chain stored in cfg.DB, creating it from cfg.Genesis if the
// database is empty. It fails with ErrGenesisMismatch if the database holds
// another network's chain.
func New(cfg Config) (*BlockChain, error) {
	if cfg.DB == nil || cfg.Genesis == nil {
		return nil, errors.New("chain: Config.DB and Config.Genesis are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SigCache == nil {
		cfg.SigCache = NewSigCache(DefaultSigCacheSize)
	}
	if cfg.Executor == nil {
		cfg.Executor = VMExecutor{}
	}
	bc := &BlockChain{
		cfg:     cfg,
		log:     cfg.Logger,
		now:     cfg.Now,
		db:      cfg.DB,
		params:  cfg.Genesis.Config(),
		signer:  types.NewSigner(cfg.Genesis.ChainID),
		sigs:    cfg.SigCache,
		index:   newBlockIndex(),
		orphans: newOrphanPool(cfg.MaxOrphans, cfg.MaxOrphanBytes),

		receipts: newReceiptCache(receiptCacheBlocks, receiptCacheBytes),
		blocks:   newBlockCache(blockCacheBlocks, blockCacheBytes),
	}
	st, err := state.New(state.Config{
		DB:                cfg.DB,
		TrieCacheBytes:    cfg.TrieCacheBytes,
		AccountCacheBytes: cfg.AccountCacheBytes,
	})
	if err != nil {
		return nil, err
	}
	bc.state = st
	genesis, err := bc.genesisBlock()
	if err != nil {
		return nil, err
	}
	bc.genesis = genesis.Hash()
	stored, err := cfg.DB.Get(keyGenesis)
	switch {
	case errors.Is(err, kvdb.ErrNotFound):
		if err := bc.initGenesis(genesis); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	case types.BytesToHash(stored) != bc.genesis || len(stored) != types.HashLength:
		return nil, fmt.Errorf("%w: stored %x, configured %s", ErrGenesisMismatch, stored, bc.genesis)
	}
	if err := bc.loadIndex(); err != nil {
		return nil, err
	}
	// A crash in the middle of a reorganisation leaves the head on a valid
	// but lighter chain while the heavier branch is stored: finish the job.
	if best := bc.index.bestCandidate(); best != bc.index.tip() {
		bc.log.Info("resuming chain selection", "from", bc.index.tip().hash, "to", best.hash)
		if _, err := bc.reorganize(best); err != nil && !isRuleError(err) {
			return nil, err
		}
	}
	tip := bc.index.tip()
	bc.log.Info("chain opened", "genesis", bc.genesis, "height", tip.height, "head", tip.hash, "blocks", len(bc.index.nodes))
	return bc, nil
}

// GenesisBlock derives the genesis block from a genesis configuration: its
// header commits to the state root of the allocation, so the hash names the
// whole initial state as well as the parameters.
func GenesisBlock(g *params.Genesis) (*types.Block, error) {
	root, err := state.GenesisRoot(g.Alloc)
	if err != nil {
		return nil, fmt.Errorf("chain: genesis state: %w", err)
	}
	return &types.Block{Header: g.Header(root)}, nil
}

func (bc *BlockChain) genesisBlock() (*types.Block, error) { return GenesisBlock(bc.cfg.Genesis) }

// initGenesis writes the genesis block and state in one batch.
func (bc *BlockChain) initGenesis(g *types.Block) error {
	var batch kvdb.Batch
	pending, err := bc.state.WriteGenesis(&batch, bc.cfg.Genesis.Alloc)
	if err != nil {
		return fmt.Errorf("chain: genesis state: %w", err)
	}
	if pending.Root != g.Header.StateRoot {
		return fmt.Errorf("chain: genesis state root %s, derived %s", pending.Root, g.Header.StateRoot)
	}
	hash := g.Hash()
	putHeader(&batch, g.Header, hash, statusDataStored|statusValid)
	batch.Put(hashKey(prefixBody, hash), g.EncodeBody())
	batch.Put(heightKey(0), hash[:])
	batch.Put(hashKey(prefixReceipts, hash), types.EncodeReceipts(nil))
	batch.Put(keyHead, hash[:])
	batch.Put(keyGenesis, hash[:])
	if err := bc.db.Write(&batch); err != nil {
		return err
	}
	pending.Written()
	// A large allocation lands as one huge write; settle it now rather
	// than let background compaction slow the first blocks (at 1M
	// accounts it cost ~0.5 s of CPU per block for minutes).
	if len(bc.cfg.Genesis.Alloc) >= compactGenesisAccounts {
		bc.log.Info("compacting the genesis state", "accounts", len(bc.cfg.Genesis.Alloc))
		if err := bc.db.Compact(); err != nil {
			return fmt.Errorf("chain: compact genesis state: %w", err)
		}
	}
	return nil
}

// compactGenesisAccounts is the allocation size from which New compacts
// the store after writing the genesis state.
const compactGenesisAccounts = 100_000

// loadIndex rebuilds the block index from the stored headers and sets the
// active chain from the head pointer.
func (bc *BlockChain) loadIndex() error {
	type rec struct {
		hash   types.Hash
		header *types.Header
		status blockStatus
	}
	var recs []rec
	err := bc.db.Iterate(prefixHeader, func(k, v []byte) (bool, error) {
		if len(k) != len(prefixHeader)+types.HashLength {
			return false, fmt.Errorf("%w: header key of %d bytes", ErrCorruptDB, len(k))
		}
		h, st, err := decodeHeaderRecord(v)
		if err != nil {
			return false, err
		}
		recs = append(recs, rec{types.BytesToHash(k[len(prefixHeader):]), h, st})
		return true, nil
	})
	if err != nil {
		return err
	}
	// Parents before children: heights strictly increase along a branch.
	slices.SortFunc(recs, func(a, b rec) int { return cmp.Compare(a.header.Height, b.header.Height) })
	for _, r := range recs {
		var parent *blockNode
		if r.header.Height > 0 {
			parent = bc.index.nodes[r.header.ParentHash]
			if parent == nil {
				return fmt.Errorf("%w: block %s has no stored parent", ErrCorruptDB, r.hash)
			}
		} else if r.hash != bc.genesis {
			return fmt.Errorf("%w: second block at height 0: %s", ErrCorruptDB, r.hash)
		}
		n := newBlockNode(r.header, r.hash, parent)
		n.status = r.status
		if parent != nil && parent.status.knownInvalid() {
			n.status |= statusInvalidAncestor
		}
		bc.index.add(n)
	}
	headBytes, err := getRequired(bc.db, keyHead, "head pointer")
	if err != nil {
		return err
	}
	head := bc.index.nodes[types.BytesToHash(headBytes)]
	if head == nil || len(headBytes) != types.HashLength {
		return fmt.Errorf("%w: head %x is not a stored block", ErrCorruptDB, headBytes)
	}
	hdr, _, err := readHeader(bc.db, head.hash)
	if err != nil {
		return err
	}
	got, err := bc.state.Root()
	if err != nil {
		return err
	}
	if got != hdr.StateRoot {
		return fmt.Errorf("%w: state root %s, head %s wants %s", ErrCorruptDB, got, head.hash, hdr.StateRoot)
	}
	bc.index.setTip(head)
	bc.setBest(head, hdr, countTxs(bc, head.hash))
	return nil
}

func countTxs(bc *BlockChain, hash types.Hash) int {
	b, err := bc.BlockByHash(hash)
	if err != nil {
		return 0
	}
	return len(b.Txs)
}

func (bc *BlockChain) setBest(n *blockNode, h *types.Header, txs int) {
	bc.best.Store(&BestState{
		Hash:       n.hash,
		Header:     h,
		Height:     n.height,
		TotalWork:  new(big.Int).Set(n.workSum),
		MedianTime: MedianTimePast(n.prevTimes(medianTimeBlocks)),
		TxCount:    txs,
	})
}

// Best returns the active chain's tip.
func (bc *BlockChain) Best() *BestState { return bc.best.Load() }

// GenesisHash returns the hash that identifies this network.
func (bc *BlockChain) GenesisHash() types.Hash { return bc.genesis }

// Params returns the consensus parameters.
func (bc *BlockChain) Params() *params.ChainConfig { return bc.params }

// Subscribe registers fn for chain events; see Event for what is sent and
// feed for the rules a handler must keep. It returns the unsubscribe func.
func (bc *BlockChain) Subscribe(fn func(Event)) (unsubscribe func()) {
	return bc.events.subscribe(fn)
}

// SigCache returns the signature cache the chain consults, for the mempool.
func (bc *BlockChain) SigCache() SigCache { return bc.sigs }
