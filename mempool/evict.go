package mempool

import "container/heap"

// Eviction. When the pool is over a limit it removes the cheapest
// transaction that can go without opening a nonce gap: each sender's
// highest-nonce transaction (its tail) is a candidate, queued tails before
// executable ones, then lowest effective gas price first, then newest
// first (so a flood at one price cannot push out what was there before).
//
// A newcomer may only evict transactions that rank strictly below it: an
// executable transaction is never evicted for a queued one or for a
// cheaper one, and a queued one only for an executable one or a pricier
// queued one. The newcomer itself is a candidate too; if it is the first
// to go, it is refused with ErrPoolFull and the pool is left as it was.

// evictHeap is a min-heap of accounts ordered by their tails' rank.
type evictHeap []*account

var _ heap.Interface = (*evictHeap)(nil)

// rankLess reports whether a ranks below b: queued before executable,
// then lower price, then newer.
func rankLess(a *poolTx, aExec bool, b *poolTx, bExec bool) bool {
	if aExec != bExec {
		return !aExec
	}
	if c := a.price.Cmp(&b.price); c != 0 {
		return c < 0
	}
	return a.seq > b.seq
}

func (h evictHeap) Len() int { return len(h) }
func (h evictHeap) Less(i, j int) bool {
	return rankLess(h[i].tail(), h[i].tailExecutable(), h[j].tail(), h[j].tailExecutable())
}
func (h evictHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].heapIdx = i
	h[j].heapIdx = j
}
func (h *evictHeap) Push(x any) {
	a := x.(*account)
	a.heapIdx = len(*h)
	*h = append(*h, a)
}
func (h *evictHeap) Pop() any {
	old := *h
	a := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	a.heapIdx = -1
	return a
}

// update places a in the heap according to its current tail, adding it if
// it has transactions and is absent, removing it if it has none.
func (h *evictHeap) update(a *account) {
	switch {
	case len(a.txs) == 0 && a.heapIdx >= 0:
		heap.Remove(h, a.heapIdx)
	case len(a.txs) == 0:
	case a.heapIdx < 0:
		heap.Push(h, a)
	default:
		heap.Fix(h, a.heapIdx)
	}
}

// overLimits reports whether the pool holds more than its limits allow.
func (p *Pool) overLimits() bool {
	return len(p.all) > p.cfg.MaxTxs || p.bytes > p.cfg.MaxBytes || p.nQueued > p.cfg.MaxQueued
}

// evicted is a transaction makeRoom removed and the account it left.
type evicted struct {
	a   *account
	ptx *poolTx
}

// makeRoom evicts tails until the pool is within its limits, but only
// tails that rank below newcomer, a pooled transaction of account a. It
// returns what it evicted, lowest rank first, and false (having put
// everything back) when that is not enough.
func (p *Pool) makeRoom(a *account, newcomer *poolTx) ([]evicted, bool) {
	var out []evicted
	newExec := newcomer.nonce < a.pendingNonce()
	for p.overLimits() {
		va := p.evict[0]
		victim := va.tail()
		if victim == newcomer || !rankLess(victim, va.tailExecutable(), newcomer, newExec) {
			for i := len(out) - 1; i >= 0; i-- {
				p.put(out[i].a, out[i].ptx)
			}
			return nil, false
		}
		if p.evictHook != nil {
			p.evictHook(victim, va.tailExecutable(), newcomer, newExec)
		}
		p.remove(va, victim)
		out = append(out, evicted{va, victim})
	}
	return out, true
}
