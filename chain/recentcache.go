package chain

import (
	"errors"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/quarry-chain/quarry/chain/types"
)

// Bounds of the chain's receipt cache. Receipt pollers (ethers' tx.wait,
// viem's waitForTransactionReceipt) ask about the last few blocks;
// eth_getLogs and eth_feeHistory over recent ranges reach further back.
// A block of 500 transfers takes about 230 KiB filled, so for ordinary
// blocks the block bound binds, and for full blocks or big logs the byte
// one. Kept small: a loaded node's memory target (300 MB) has little room
// (the garbage collector lets the heap reach twice what is live), and
// pollers ask about the newest blocks.
const (
	receiptCacheBlocks = 64
	receiptCacheBytes  = 4 << 20
)

// Bounds of the chain's cache of decoded blocks: the blocks just stored
// (which the connect reads back), and the newest ones that RPC clients
// and syncing peers ask for. A decoded transfer is about 500 bytes, so a
// block of 1,000 transfers about 500 KiB.
const (
	blockCacheBlocks = 32
	blockCacheBytes  = 4 << 20
)

// Sizes behind receiptsSize's estimate of what a block's receipts hold.
const (
	receiptStructSize = int64(unsafe.Sizeof(types.Receipt{}))
	headerStructSize  = int64(unsafe.Sizeof(types.Header{}))
	txStructSize      = int64(unsafe.Sizeof(types.Transaction{}))
	logStructSize     = int64(unsafe.Sizeof(types.Log{}))
	pointerSize       = int64(unsafe.Sizeof(uintptr(0)))
	// receiptEntryOverhead covers an entry's struct and its map slot.
	receiptEntryOverhead = 128
)

// recentCache keeps a value per block (its filled receipts, the decoded
// block), keyed by block hash, within a number of blocks and a byte budget,
// evicting the least recently used block first. What a block hash names
// never changes, so nothing is invalidated: a block a reorg disconnects
// stays cached, and it is the caller's job not to serve it for a hash the
// active chain left.
//
// Lookups take only the read lock: recency is a clock tick stored
// atomically in the entry, and eviction (on insertion, rare next to
// lookups) scans the at most maxBlocks entries for the oldest tick.
// Concurrent misses on the same block share one load, so the thousands of
// pollers that ask about a block the moment it arrives decode it once.
//
// The cached values are shared: callers must not modify them.
type recentCache[V any] struct {
	maxBlocks int
	maxBytes  int64
	size      func(V) int64 // estimated memory of a value

	clock atomic.Uint64 // last tick handed out

	mu      sync.RWMutex
	entries map[types.Hash]*recentEntry[V]
	bytes   int64 // sum of the entries' sizes
	loads   map[types.Hash]*recentLoad[V]
}

type recentEntry[V any] struct {
	value V
	size  int64
	used  atomic.Uint64 // clock tick of the last lookup
}

// recentLoad is a load in progress; done is closed once value and err are
// set.
type recentLoad[V any] struct {
	done  chan struct{}
	value V
	err   error
}

// newRecentCache returns a cache of at most maxBlocks blocks and about
// maxBytes bytes of values as size estimates them (both bounds positive).
func newRecentCache[V any](maxBlocks int, maxBytes int64, size func(V) int64) *recentCache[V] {
	return &recentCache[V]{
		maxBlocks: maxBlocks,
		maxBytes:  maxBytes,
		size:      size,
		entries:   make(map[types.Hash]*recentEntry[V], maxBlocks),
		loads:     make(map[types.Hash]*recentLoad[V]),
	}
}

// newReceiptCache returns a cache of blocks' filled receipts.
func newReceiptCache(maxBlocks int, maxBytes int64) *recentCache[[]*types.Receipt] {
	return newRecentCache(maxBlocks, maxBytes, receiptsSize)
}

// newBlockCache returns a cache of decoded blocks.
func newBlockCache(maxBlocks int, maxBytes int64) *recentCache[*types.Block] {
	return newRecentCache(maxBlocks, maxBytes, blockSize)
}

// get returns the cached value of block hash.
func (c *recentCache[V]) get(hash types.Hash) (V, bool) {
	c.mu.RLock()
	e := c.entries[hash]
	c.mu.RUnlock()
	if e == nil {
		var zero V
		return zero, false
	}
	e.used.Store(c.clock.Add(1))
	return e.value, true
}

// load returns the cached value of block hash or, if there is none, what
// read returns, caching it unless it failed. While read runs, other loads
// of the same block wait for its result rather than read again.
func (c *recentCache[V]) load(hash types.Hash, read func() (V, error)) (V, error) {
	c.mu.Lock()
	if e := c.entries[hash]; e != nil {
		c.mu.Unlock()
		e.used.Store(c.clock.Add(1))
		return e.value, nil
	}
	if l := c.loads[hash]; l != nil {
		c.mu.Unlock()
		<-l.done
		return l.value, l.err
	}
	l := &recentLoad[V]{done: make(chan struct{})}
	c.loads[hash] = l
	c.mu.Unlock()

	// Deferred so that waiters are released even if read panics.
	defer func() {
		var size int64
		if l.err == nil {
			size = c.size(l.value) // outside the lock: a loop over the block
		}
		c.mu.Lock()
		delete(c.loads, hash)
		if l.err == nil {
			c.addLocked(hash, l.value, size)
		}
		c.mu.Unlock()
		close(l.done)
	}()
	l.err = errRecentLoadPanicked
	l.value, l.err = read()
	return l.value, l.err
}

// errRecentLoadPanicked is what waiters see if the load they waited on
// panicked (the panic itself goes up the loading goroutine).
var errRecentLoadPanicked = errors.New("chain: cache load panicked")

// add caches the value of block hash, as a load of it would.
func (c *recentCache[V]) add(hash types.Hash, v V) {
	size := c.size(v)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.addLocked(hash, v, size)
}

// addLocked inserts the value of block hash and evicts the least recently
// used blocks until both bounds hold. A value larger than the whole byte
// budget is not kept. size is c.size(v). Callers hold c.mu.
func (c *recentCache[V]) addLocked(hash types.Hash, v V, size int64) {
	if size > c.maxBytes || c.maxBlocks <= 0 {
		return
	}
	if old := c.entries[hash]; old != nil {
		c.bytes -= old.size
	}
	e := &recentEntry[V]{value: v, size: size}
	e.used.Store(c.clock.Add(1))
	c.entries[hash] = e
	c.bytes += size
	for len(c.entries) > c.maxBlocks || c.bytes > c.maxBytes {
		c.evictOldestLocked(hash)
	}
}

// evictOldestLocked removes the least recently used entry other than
// keep. Callers hold c.mu.
func (c *recentCache[V]) evictOldestLocked(keep types.Hash) {
	var (
		victim types.Hash
		oldest *recentEntry[V]
	)
	for h, e := range c.entries {
		if h != keep && (oldest == nil || e.used.Load() < oldest.used.Load()) {
			victim, oldest = h, e
		}
	}
	if oldest == nil {
		return // only keep is left, and it fits on its own
	}
	delete(c.entries, victim)
	c.bytes -= oldest.size
}

// usage returns how many blocks the cache holds and their estimated size.
func (c *recentCache[V]) usage() (blocks int, bytes int64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries), c.bytes
}

// receiptsSize estimates the memory a block's filled receipts hold: the
// slice, the receipts, the addresses they point to, and their logs.
func receiptsSize(receipts []*types.Receipt) int64 {
	n := receiptEntryOverhead + int64(cap(receipts))*pointerSize
	for _, r := range receipts {
		n += receiptStructSize + int64(cap(r.Logs))*pointerSize
		if r.To != nil {
			n += types.AddressLength
		}
		if r.ContractAddress != nil {
			n += types.AddressLength
		}
		for _, l := range r.Logs {
			n += logStructSize + int64(cap(l.Topics))*types.HashLength + int64(cap(l.Data))
		}
	}
	return n
}

// blockSize estimates the memory a decoded block holds: its header, and
// each transaction's struct, data, access list and cached encoding (about
// its encoded size again).
func blockSize(b *types.Block) int64 {
	n := receiptEntryOverhead + headerStructSize + int64(cap(b.Txs))*pointerSize
	for _, tx := range b.Txs {
		n += txStructSize + 2*int64(tx.Size())
	}
	return n
}
