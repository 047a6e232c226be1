package state

import (
	"errors"
	"fmt"
	"sync"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/trie"
	"github.com/quarry-chain/quarry/chain/types"
)

// Config configures a Database.
type Config struct {
	// DB is the store holding the committed state. Required.
	DB *kvdb.DB
	// TrieCacheBytes bounds the memory of the trie's node cache, which
	// keeps the levels nearest the root (0: trie.DefaultCacheBytes, 64 MiB;
	// negative: no cache). A block's commit reads from the store only the
	// nodes below what the cache holds.
	TrieCacheBytes int64
	// AccountCacheBytes bounds the memory of the cache of committed
	// accounts that block execution reads from before the store
	// (0: DefaultAccountCacheBytes, 32 MiB; negative: no cache). About
	// 128 bytes per account.
	AccountCacheBytes int64
}

// Database is the committed state: flat records and trie nodes in the
// store, and the trie (with its node cache) that commits them. It creates
// StateDBs for executing blocks, applies undo data and hands out
// consistent Readers. Its methods are safe for concurrent use, but state
// changes (Commit, ApplyUndo, WriteGenesis) are meant to come from one
// goroutine, each batch written before the next change is prepared.
type Database struct {
	kv         *kvdb.DB // nil for the in-memory genesis calculation
	flat       kvReader
	nodes      trie.Reader
	cacheBytes int64
	accounts   *accountCache // nil: none (the in-memory genesis calculation)
	counters   trie.Counters // of the committed trie, across its reopenings

	mu  sync.Mutex
	tr  *trie.Trie // in sync with the store; nil while a change is pending or after one was dropped
	gen uint64     // incremented each time tr is taken for a change
	// trieCacheBytes is the node cache's memory when tr was last held,
	// for CacheStats while a change holds the trie.
	trieCacheBytes int64

	// readers is held shared by dry runs (IntermediateRoot) reading tr;
	// takeTrie takes it exclusively once, after detaching tr, so that no
	// dry run still reads the trie when a change starts modifying it.
	readers sync.RWMutex
}

// New opens the committed state in cfg.DB (an empty store holds the empty
// state, whose root is trie.EmptyRoot).
func New(cfg Config) (*Database, error) {
	if cfg.DB == nil {
		return nil, errors.New("state: Config.DB is nil")
	}
	d := &Database{
		kv:         cfg.DB,
		flat:       cfg.DB,
		nodes:      trieReader{cfg.DB},
		cacheBytes: cfg.TrieCacheBytes,
		accounts:   newAccountCache(cfg.AccountCacheBytes),
	}
	tr, err := d.openTrie()
	if err != nil {
		return nil, err
	}
	d.tr = tr
	return d, nil
}

// Root returns the root of the committed state.
func (d *Database) Root() (types.Hash, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.tr != nil {
		return d.tr.Root(), nil
	}
	// A change holds the trie (or dropped it): the store knows the root,
	// before or after that change's batch is written. The trie opened to
	// read it is not kept: it may describe a state about to be replaced.
	tr, err := trie.New(trie.Config{Reader: d.nodes, CacheBytes: -1})
	if err != nil {
		return types.Hash{}, fmt.Errorf("state: open trie: %w", err)
	}
	return tr.Root(), nil
}

// openTrie opens the stored trie with the Database's cache budget.
func (d *Database) openTrie() (*trie.Trie, error) {
	// Commit hints every change with its committed value, so leaves need
	// no room in the cache.
	tr, err := trie.New(trie.Config{Reader: d.nodes, CacheBytes: d.cacheBytes, NoLeafCache: true, Counters: &d.counters})
	if err != nil {
		return nil, fmt.Errorf("state: open trie: %w", err)
	}
	return tr, nil
}

// takeTrie hands the trie to one change. Until the change's Pending is
// marked written, the Database holds no trie, so a change whose batch is
// dropped cannot leave a cache describing state that was never stored: the
// next change opens the trie again from the store.
func (d *Database) takeTrie() (*trie.Trie, uint64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	tr := d.tr
	if d.accounts != nil {
		// No trie means the last change was never marked written.
		d.accounts.prepare(tr == nil)
	}
	if tr == nil {
		var err error
		if tr, err = d.openTrie(); err != nil {
			return nil, 0, err
		}
	}
	d.tr = nil
	d.gen++
	// Wait for the dry runs that still read tr; none can start now.
	d.readers.Lock()
	d.readers.Unlock()
	return tr, d.gen, nil
}

// StateDB returns an execution view on top of the committed state.
func (d *Database) StateDB() (*StateDB, error) {
	d.mu.Lock()
	if tr := d.tr; tr != nil {
		s := newStateDB(d, d.flat, tr.Root())
		s.acache = d.accounts
		d.mu.Unlock()
		return s, nil
	}
	d.mu.Unlock()
	// A change holds the trie, or its batch may have been written without
	// being marked: the account cache may describe another state than the
	// store's root, so this view reads the store only.
	root, err := d.Root()
	if err != nil {
		return nil, err
	}
	return newStateDB(d, d.flat, root), nil
}

// Pending is a state change prepared into a batch: its new root, and for
// a block its undo data. The Database goes on describing the old state
// until the caller writes the batch and calls Written.
type Pending struct {
	Root types.Hash
	Undo *Undo // nil for ApplyUndo

	d      *Database
	tr     *trie.Trie
	gen    uint64
	writes []accountWrite // the accounts the change writes, for the account cache
}

// Written tells the Database that the batch holding this change was
// written to the store, so that it may keep the updated trie and its
// cache. Without this call (the block failed validation, the write
// failed) nothing in memory changed: the next operation reopens the trie
// from the store. Call it only after a successful write; calling it after
// another change was prepared has no effect.
func (p *Pending) Written() {
	if p == nil || p.d == nil {
		return
	}
	p.d.mu.Lock()
	defer p.d.mu.Unlock()
	if p.d.gen == p.gen && p.d.tr == nil {
		p.d.tr = p.tr
		if p.d.accounts != nil {
			p.d.accounts.publish(p.writes)
		}
	}
}

// trieReader adapts the store to trie.Reader under the trie's prefix.
type trieReader struct{ r kvReader }

func (t trieReader) Get(key []byte) ([]byte, error) {
	v, err := t.r.Get(trieNodeKey(key))
	if errors.Is(err, kvdb.ErrNotFound) {
		return nil, fmt.Errorf("%w: %x", trie.ErrNotFound, key)
	}
	return v, err
}

// trieWriter adapts a batch to trie.Writer under the trie's prefix. The
// batch copies keys, so one buffer serves every key of an update.
type trieWriter struct {
	b   batch
	key []byte
}

func newTrieWriter(b batch) *trieWriter { return &trieWriter{b: b} }

func (t *trieWriter) Put(key, value []byte) error {
	t.key = append(append(t.key[:0], prefixTrie), key...)
	t.b.Put(t.key, value)
	return nil
}

func (t *trieWriter) Delete(key []byte) error {
	t.key = append(append(t.key[:0], prefixTrie), key...)
	t.b.Delete(t.key)
	return nil
}

// batch is the write side: a *kvdb.Batch, or a discarding one when only
// the root is wanted.
type batch interface {
	Put(key, value []byte)
	Delete(key []byte)
}

// discardBatch drops every write.
type discardBatch struct{}

func (discardBatch) Put(key, value []byte) {}
func (discardBatch) Delete(key []byte)     {}

// emptyReader is a store with nothing in it.
type emptyReader struct{}

func (emptyReader) Get([]byte) ([]byte, error) { return nil, kvdb.ErrNotFound }

var (
	_ trie.Reader = trieReader{}
	_ trie.Writer = (*trieWriter)(nil)
	_ batch       = (*kvdb.Batch)(nil)
	_ kvReader    = (*kvdb.DB)(nil)
	_ kvReader    = (*kvdb.Snapshot)(nil)
)
