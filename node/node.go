package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/mempool"
	"github.com/quarry-chain/quarry/miner"
	"github.com/quarry-chain/quarry/p2p"
	"github.com/quarry-chain/quarry/rpc"
)

// Files and folders inside the data directory.
const (
	chainDir       = "chaindata"
	p2pDir         = "p2p"
	pendingTxsFile = "mempool.dat"
)

// Node is a running Quarry node.
type Node struct {
	cfg     Config
	log     *slog.Logger
	now     func() time.Time
	db      *kvdb.DB
	chain   *chain.BlockChain
	pool    *mempool.Pool
	journal *mempool.Journal // the pool's local transactions; nil until Start
	miner   *miner.Miner
	p2p     *p2p.Service // nil with NoP2P
	rpc     *rpc.Server  // nil with NoRPC
	events  eventHub
	reorgs  reorgLog
	metrics *metrics

	unsubChain func()
	unsubPool  func()
	txNotify   chan struct{}

	ctx     context.Context // the context Start was given; the miner runs under it
	mu      sync.Mutex
	started bool
	stopped bool
}

// New opens the data directory and builds the node's parts; nothing runs
// until Start.
func New(cfg Config) (*Node, error) {
	if cfg.DataDir == "" || cfg.Genesis == nil {
		return nil, fmt.Errorf("%w: DataDir and Genesis are required", ErrConfig)
	}
	if err := cfg.Genesis.Validate(); err != nil {
		return nil, fmt.Errorf("%w: genesis: %w", ErrConfig, err)
	}
	if cfg.CacheMiB != 0 && cfg.CacheMiB < MinCacheMiB {
		return nil, fmt.Errorf("%w: cache of %d MiB, want at least %d", ErrConfig, cfg.CacheMiB, MinCacheMiB)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("node: data directory: %w", err)
	}
	n := &Node{cfg: cfg, log: cfg.Logger, now: time.Now, txNotify: make(chan struct{}, 1), ctx: context.Background()}
	n.reorgs.max = 100
	n.metrics = newMetrics()
	if err := n.open(); err != nil {
		n.closeOpened()
		return nil, err
	}
	return n, nil
}

// open builds the parts in dependency order; closeOpened undoes what it
// managed if it fails.
func (n *Node) open() error {
	cfg := n.cfg
	trieBytes, accountBytes, dbMiB := cacheSplit(cfg.CacheMiB)
	db, err := kvdb.Open(filepath.Join(cfg.DataDir, chainDir), kvdb.Options{NoSync: cfg.NoSync, CacheMiB: dbMiB})
	if errors.Is(err, kvdb.ErrInUse) {
		return fmt.Errorf("%w: %s", ErrDataDirInUse, cfg.DataDir)
	}
	if err != nil {
		return fmt.Errorf("node: open database: %w", err)
	}
	n.db = db
	n.chain, err = chain.New(chain.Config{DB: n.db, Genesis: cfg.Genesis, Logger: n.log.With("part", "chain"),
		TrieCacheBytes: trieBytes, AccountCacheBytes: accountBytes})
	if err != nil {
		return err
	}

	pc := cfg.Pool
	pc.Chain, pc.SigCache, pc.Logger = n.chain, n.chain.SigCache(), n.log.With("part", "pool")
	if n.pool, err = mempool.New(pc); err != nil {
		return fmt.Errorf("node: mempool: %w", err)
	}
	n.events.pool = n.pool
	n.unsubChain = n.chain.Subscribe(n.onChainEvent)
	n.unsubPool = n.pool.SubscribeExecutable(func([]*types.Transaction) {
		select {
		case n.txNotify <- struct{}{}:
		default:
		}
	})

	if !cfg.NoP2P {
		pc := cfg.P2P
		pc.Chain, pc.TxPool = p2pChain{n.chain}, p2pPool{n.pool}
		pc.Genesis, pc.ChainID = n.chain.GenesisHash(), cfg.Genesis.ChainID
		pc.DataDir = filepath.Join(cfg.DataDir, p2pDir)
		pc.MaxBlockBytes = int(cfg.Genesis.MaxBlockBytes)
		pc.Logger = n.log.With("part", "p2p")
		if n.p2p, err = p2p.New(pc); err != nil {
			return err
		}
	}

	mc := cfg.Miner
	if mc.Recommit == 0 {
		mc.Recommit = recommitInterval(cfg.Genesis.TargetBlockTimeMs)
	}
	mc.Chain = n.chain
	mc.Source = poolSource{pool: n.pool, log: n.log}
	mc.TxNotify = n.txNotify
	mc.OnBlock = n.announceBlock
	mc.Logger = n.log.With("part", "miner")
	if n.miner, err = miner.New(mc); err != nil {
		return err
	}

	if !cfg.NoRPC {
		if n.rpc, err = rpc.New(n.rpcConfig()); err != nil {
			return err
		}
	}
	return nil
}

// closeOpened releases what a failed open acquired. (p2p.New and the
// others hold nothing until started.)
func (n *Node) closeOpened() {
	if n.unsubPool != nil {
		n.unsubPool()
	}
	if n.unsubChain != nil {
		n.unsubChain()
	}
	if n.pool != nil {
		n.pool.Close() // releases its state snapshot
	}
	if n.db != nil {
		n.db.Close()
	}
}

// rpcConfig fills the operator's RPC settings with the node's backends.
func (n *Node) rpcConfig() rpc.Config {
	rc := n.cfg.RPC
	ca := &chainAPI{bc: n.chain, reorgs: &n.reorgs}
	minPrice := n.cfg.Pool.MinGasPrice
	if minPrice == nil {
		minPrice = uint256.NewInt(1)
	}
	rc.Chain, rc.State, rc.Exec, rc.PoW = ca, ca, ca, ca
	rc.Pool = &poolAPI{pool: n.pool, bc: n.chain, announce: n.announceTx, journal: n.journalTx, minPrice: minPrice}
	rc.Mining = &miningAPI{n: n}
	rc.Events = &n.events
	rc.SenderCache = n.chain.SigCache()
	rc.Sync = &syncAPI{n: n, startHeight: n.chain.Best().Height}
	if n.p2p != nil {
		rc.Admin = adminAPI{n}
	}
	rc.ClientVersion = n.clientVersion()
	rc.Logger = n.log.With("part", "rpc")
	return rc
}

func (n *Node) clientVersion() string { return "Quarry/" + n.cfg.Version }

// Start loads the journaled pending transactions and starts the network,
// the RPC server and, if configured, the miner. ctx bounds their lifetime.
func (n *Node) Start(ctx context.Context) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.started || n.stopped {
		return errors.New("node: already started")
	}
	n.started, n.ctx = true, ctx
	if err := n.openJournal(); err != nil {
		return err
	}
	if n.p2p != nil {
		if err := n.p2p.Start(ctx); err != nil {
			return err
		}
	}
	if n.rpc != nil {
		// The server logs its own address.
		if err := n.rpc.Start(ctx); err != nil {
			return err
		}
	}
	if n.cfg.MetricsAddr != "" {
		if err := n.metrics.start(n.cfg.MetricsAddr, n); err != nil {
			return err
		}
	}
	if n.cfg.Mine {
		if err := n.miner.Start(ctx); err != nil {
			return err
		}
	}
	best := n.chain.Best()
	n.log.Info("node started", "genesis", n.chain.GenesisHash(), "chain_id", n.cfg.Genesis.ChainID,
		"height", best.Height, "head", best.Hash)
	return nil
}

// Stop stops the miner, the RPC server and the network, saves local
// pending transactions, and closes the database. It may be called once,
// whether or not Start was.
func (n *Node) Stop() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopped {
		return nil
	}
	n.stopped = true
	var errs []error
	if err := n.miner.Stop(); err != nil && !errors.Is(err, miner.ErrNotRunning) {
		errs = append(errs, err)
	}
	if n.rpc != nil && n.started {
		errs = append(errs, n.rpc.Stop())
	}
	if n.p2p != nil && n.started {
		// A Start that failed part-way may not have reached the network.
		if err := n.p2p.Stop(); err != nil && !errors.Is(err, p2p.ErrNotStarted) {
			errs = append(errs, err)
		}
	}
	errs = append(errs, n.metrics.stop())
	// A node that never started never loaded the journal: it has nothing
	// to write back. The RPC server is down, so nothing appends any more.
	if n.journal != nil {
		if err := n.journal.Close(); err != nil {
			errs = append(errs, fmt.Errorf("node: save pending transactions: %w", err))
		} else if saved := n.journal.Len(); saved > 0 {
			n.log.Info("pending transactions saved", "count", saved)
		}
	}
	n.unsubPool()
	n.unsubChain()
	errs = append(errs, n.pool.Close(), n.db.Close())
	n.log.Info("node stopped")
	return errors.Join(errs...)
}

// openJournal reloads the journaled local transactions into the pool and
// opens the journal for appending. A corrupt journal is moved aside (kept
// for inspection) and a new one started: the node must come up, and it
// cannot tell which of a corrupt file's records to trust.
func (n *Node) openJournal() error {
	cfg := mempool.JournalConfig{Path: filepath.Join(n.cfg.DataDir, pendingTxsFile), NoSync: n.cfg.NoSync}
	j, load, err := n.pool.OpenJournal(cfg)
	if errors.Is(err, mempool.ErrBadJournal) {
		bad := cfg.Path + ".corrupt"
		if rerr := os.Rename(cfg.Path, bad); rerr != nil {
			return fmt.Errorf("node: %w (and moving it aside failed: %w)", err, rerr)
		}
		n.log.Error("pending transactions journal is corrupt: moved aside, starting a new one", "err", err, "moved_to", bad)
		j, load, err = n.pool.OpenJournal(cfg)
	}
	if err != nil {
		return fmt.Errorf("node: pending transactions journal: %w", err)
	}
	n.journal = j
	n.log.Info("pending transactions reloaded", "records", load.Records, "added", load.Added,
		"dropped", load.Dropped, "torn_bytes", load.TornBytes)
	return nil
}

// journalTx records a transaction the RPC server accepted, before the
// sender hears so.
func (n *Node) journalTx(tx *types.Transaction) error {
	if n.journal == nil {
		return nil // not started: the RPC server is not serving either
	}
	return n.journal.Append(tx)
}

// announceBlock tells peers about a block this node made or accepted
// through RPC.
func (n *Node) announceBlock(b *types.Block) {
	if n.p2p == nil {
		return
	}
	if err := n.p2p.AnnounceBlock(b); err != nil {
		n.log.Debug("block not announced", "hash", b.Hash(), "err", err)
	}
}

// announceTx tells peers about a transaction sent to this node's RPC.
func (n *Node) announceTx(tx *types.Transaction) {
	if n.p2p == nil {
		return
	}
	if err := n.p2p.AnnounceTx(tx); err != nil {
		n.log.Debug("transaction not announced", "hash", tx.Hash(), "err", err)
	}
}

// Chain returns the node's chain.
func (n *Node) Chain() *chain.BlockChain { return n.chain }

// Pool returns the node's mempool.
func (n *Node) Pool() *mempool.Pool { return n.pool }

// Miner returns the node's miner.
func (n *Node) Miner() *miner.Miner { return n.miner }

// P2P returns the node's network service (nil with NoP2P).
func (n *Node) P2P() *p2p.Service { return n.p2p }

// MetricsAddr is the address serving /metrics ("" when off or before
// Start).
func (n *Node) MetricsAddr() string {
	if n.metrics.addr == nil {
		return ""
	}
	return n.metrics.addr.String()
}

// RPCAddr is the address the JSON-RPC server listens on (nil with NoRPC
// or before Start).
func (n *Node) RPCAddr() string {
	if n.rpc == nil || n.rpc.Addr() == nil {
		return ""
	}
	return n.rpc.Addr().String()
}

// recommitInterval is how often the miner takes newer transactions into a
// template that has room: a quarter of the block time, so a transaction
// sent mid-block usually makes the next block, between 100 ms (a rebuild
// re-executes the block) and the miner's default.
func recommitInterval(targetBlockMs uint64) time.Duration {
	d := time.Duration(targetBlockMs) * time.Millisecond / 4
	return min(max(d, 100*time.Millisecond), miner.DefaultRecommit)
}
