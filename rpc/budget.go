package rpc

import (
	"container/list"
	"context"
	"sync"
)

// smallAnswer is the size up to which an answer is counted against the
// response budget but never waits for it. Such answers cost little memory
// even by the thousand, and making them queue would let a few hostile
// megabyte answers stall every eth_blockNumber and eth_getBalance behind
// them.
const smallAnswer = 64 << 10

// respBudget bounds the bytes of encoded responses in flight server-wide
// (Config.MaxResponseBytesInFlight): an answer's bytes are charged before
// they are built and released once written to the client, so that many
// concurrent large answers wait their turn instead of growing the heap.
//
// Waiters are served first come, first served, so a large answer is not
// starved by a stream of smaller ones. An answer larger than the whole
// budget is granted when nothing else is in flight, as WSSendQueueBytes
// lets one message exceed an empty queue. A batch charges its elements as
// they are encoded and may wait while holding what it has. When every byte
// in flight belongs to such waiters, none can be released until one is
// granted: the one holding most is, over the limit, rather than all
// waiting until they time out. It stays the largest, so it is the one
// granted again until its batch is complete and written: the excess is at
// most the rest of one batch (MaxBatchResponse and one answer).
//
// So bytes in flight stay within the limit except for one answer alone,
// answers under smallAnswer, and that one batch.
type respBudget struct {
	limit int64 // <= 0: unlimited, only counted

	mu      sync.Mutex
	used    int64     // bytes charged and not yet released
	held    int64     // of used, bytes that queued waiters hold already
	peak    int64     // high-water mark of used, for tests and operators
	waits   int64     // acquires that had to queue, for tests
	waiters list.List // of *budgetWaiter, in arrival order
}

// budgetWaiter is one acquire waiting for room.
type budgetWaiter struct {
	n     int64 // bytes wanted
	held  int64 // bytes the caller holds already (a batch's earlier answers)
	ready chan struct{}
}

func newRespBudget(limit int64) *respBudget { return &respBudget{limit: limit} }

// fitsLocked reports whether n more bytes may be charged now for a caller
// holding held bytes already.
func (b *respBudget) fitsLocked(n, held int64) bool {
	return b.limit <= 0 || n <= smallAnswer || b.used+n <= b.limit ||
		b.used == held // nothing in flight but the caller's own
}

func (b *respBudget) chargeLocked(n int64) {
	b.used += n
	b.peak = max(b.peak, b.used)
}

// tryAcquire charges n bytes if that is possible without waiting and
// without overtaking a waiter.
func (b *respBudget) tryAcquire(n, held int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if (b.waiters.Len() == 0 || n <= smallAnswer) && b.fitsLocked(n, held) {
		b.chargeLocked(n)
		return true
	}
	return false
}

// acquire charges n bytes, waiting until they fit or ctx ends. held is
// what the caller holds already (see respBudget). On error nothing is
// charged.
func (b *respBudget) acquire(ctx context.Context, n, held int64) error {
	if b.tryAcquire(n, held) {
		return nil
	}
	b.mu.Lock()
	w := &budgetWaiter{n: n, held: held, ready: make(chan struct{})}
	elem := b.waiters.PushBack(w)
	b.held += held
	b.waits++
	b.grantLocked() // the new waiter may complete a set of waiters holding everything
	b.mu.Unlock()

	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
	}
	b.mu.Lock()
	select {
	case <-w.ready:
		// Granted while giving up: hand the bytes back.
		b.used -= n
	default:
		b.waiters.Remove(elem)
		b.held -= held
	}
	// Leaving the queue may let those behind through.
	b.grantLocked()
	b.mu.Unlock()
	return ctx.Err()
}

// grantLocked admits waiters from the front of the queue while they fit,
// and breaks the wait when only waiters hold bytes (see respBudget).
func (b *respBudget) grantLocked() {
	for e := b.waiters.Front(); e != nil; e = b.waiters.Front() {
		w := e.Value.(*budgetWaiter)
		if !b.fitsLocked(w.n, w.held) {
			if b.used != b.held {
				return // bytes in flight will be released: wait for them
			}
			// Only waiters hold bytes: the largest holder goes first,
			// the oldest of equals (with none, b.used is 0 and the
			// front one goes alone).
			for h := e.Next(); h != nil; h = h.Next() {
				if h.Value.(*budgetWaiter).held > w.held {
					e, w = h, h.Value.(*budgetWaiter)
				}
			}
		}
		b.waiters.Remove(e)
		b.held -= w.held
		b.chargeLocked(w.n)
		close(w.ready)
	}
}

// release returns n charged bytes.
func (b *respBudget) release(n int64) {
	if n == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= n
	b.grantLocked()
}

// force charges n bytes without waiting: for an answer that turned out
// larger than it was sized, whose bytes exist already.
func (b *respBudget) force(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.chargeLocked(n)
}

// budgetStats is a snapshot of a respBudget.
type budgetStats struct {
	inFlight, peak int64
	waiters        int   // queued now
	waits          int64 // queued ever
}

func (b *respBudget) stats() budgetStats {
	b.mu.Lock()
	defer b.mu.Unlock()
	return budgetStats{inFlight: b.used, peak: b.peak, waiters: b.waiters.Len(), waits: b.waits}
}

// charge is the budget held by one answer (a response or a whole batch).
// It has one owner at a time, which releases it once the answer is
// written or dropped; releasing twice does nothing.
type charge struct {
	b *respBudget
	n int64
}

func (c *charge) release() {
	if c.b != nil && c.n != 0 {
		c.b.release(c.n)
		c.n = 0
	}
}
