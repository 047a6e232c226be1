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
// one. Kept small: a loaded node's memory target (300 MB) has little room,
// and pollers ask about the newest blocks.
const (
	receiptCacheBlocks = 64
	receiptCacheBytes  = 16 << 20
)

// Sizes behind receiptsSize's estimate of what a block's receipts hold.
const (
	receiptStructSize = int64(unsafe.Sizeof(types.Receipt{}))
	logStructSize     = int64(unsafe.Sizeof(types.Log{}))
	pointerSize       = int64(unsafe.Sizeof(uintptr(0)))
	// receiptEntryOverhead covers an entry's struct and its map slot.
	receiptEntryOverhead = 128
)

// receiptCache keeps the filled receipts of recently read blocks, keyed by
// block hash, within a number of blocks and a byte budget, evicting the
// least recently used block first. A block's receipts never change, so
// nothing is invalidated: a block a reorg disconnects stays cached, and it
// is the caller's job not to serve it for a hash the active chain left.
//
// Lookups take only the read lock: recency is a clock tick stored
// atomically in the entry, and eviction (on insertion, rare next to
// lookups) scans the at most maxBlocks entries for the oldest tick.
// Concurrent misses on the same block share one load, so the thousands of
// pollers that ask about a block the moment it arrives decode it once.
//
// The cached slices and receipts are shared: callers must not modify them.
type receiptCache struct {
	maxBlocks int
	maxBytes  int64

	clock atomic.Uint64 // last tick handed out

	mu      sync.RWMutex
	entries map[types.Hash]*receiptEntry
	bytes   int64 // sum of the entries' sizes
	loads   map[types.Hash]*receiptLoad
}

type receiptEntry struct {
	receipts []*types.Receipt
	size     int64
	used     atomic.Uint64 // clock tick of the last lookup
}

// receiptLoad is a load in progress; done is closed once receipts and err
// are set.
type receiptLoad struct {
	done     chan struct{}
	receipts []*types.Receipt
	err      error
}

// newReceiptCache returns a cache of at most maxBlocks blocks and about
// maxBytes bytes of receipts (both must be positive).
func newReceiptCache(maxBlocks int, maxBytes int64) *receiptCache {
	return &receiptCache{
		maxBlocks: maxBlocks,
		maxBytes:  maxBytes,
		entries:   make(map[types.Hash]*receiptEntry, maxBlocks),
		loads:     make(map[types.Hash]*receiptLoad),
	}
}

// get returns the cached receipts of block hash.
func (c *receiptCache) get(hash types.Hash) ([]*types.Receipt, bool) {
	c.mu.RLock()
	e := c.entries[hash]
	c.mu.RUnlock()
	if e == nil {
		return nil, false
	}
	e.used.Store(c.clock.Add(1))
	return e.receipts, true
}

// load returns the cached receipts of block hash or, if there are none,
// what read returns, caching it unless it failed. While read runs, other
// loads of the same block wait for its result rather than read again.
func (c *receiptCache) load(hash types.Hash, read func() ([]*types.Receipt, error)) ([]*types.Receipt, error) {
	c.mu.Lock()
	if e := c.entries[hash]; e != nil {
		c.mu.Unlock()
		e.used.Store(c.clock.Add(1))
		return e.receipts, nil
	}
	if l := c.loads[hash]; l != nil {
		c.mu.Unlock()
		<-l.done
		return l.receipts, l.err
	}
	l := &receiptLoad{done: make(chan struct{})}
	c.loads[hash] = l
	c.mu.Unlock()

	// Deferred so that waiters are released even if read panics.
	defer func() {
		var size int64
		if l.err == nil {
			size = receiptsSize(l.receipts) // outside the lock: a loop over the block
		}
		c.mu.Lock()
		delete(c.loads, hash)
		if l.err == nil {
			c.addLocked(hash, l.receipts, size)
		}
		c.mu.Unlock()
		close(l.done)
	}()
	l.err = errReceiptLoadPanicked
	l.receipts, l.err = read()
	return l.receipts, l.err
}

// errReceiptLoadPanicked is what waiters see if the load they waited on
// panicked (the panic itself goes up the loading goroutine).
var errReceiptLoadPanicked = errors.New("chain: receipt load panicked")

// addLocked inserts the receipts of block hash and evicts the least
// recently used blocks until both bounds hold. Receipts larger than the
// whole byte budget are not kept. size is receiptsSize(receipts). Callers
// hold c.mu.
func (c *receiptCache) addLocked(hash types.Hash, receipts []*types.Receipt, size int64) {
	if size > c.maxBytes || c.maxBlocks <= 0 {
		return
	}
	if old := c.entries[hash]; old != nil {
		c.bytes -= old.size
	}
	e := &receiptEntry{receipts: receipts, size: size}
	e.used.Store(c.clock.Add(1))
	c.entries[hash] = e
	c.bytes += size
	for len(c.entries) > c.maxBlocks || c.bytes > c.maxBytes {
		c.evictOldestLocked(hash)
	}
}

// evictOldestLocked removes the least recently used entry other than
// keep. Callers hold c.mu.
func (c *receiptCache) evictOldestLocked(keep types.Hash) {
	var (
		victim types.Hash
		oldest *receiptEntry
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
func (c *receiptCache) usage() (blocks int, bytes int64) {
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
