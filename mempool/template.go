package mempool

import (
	"container/heap"

	"github.com/quarry-chain/quarry/chain/types"
)

// Block templates. The best block a miner can build from the pool takes,
// at each step, the highest-paying transaction among the senders' next
// executable ones: a max-heap of per-sender heads, each sender's
// transactions in nonce order behind its head. Building costs
// O(n log s) for n transactions from s senders, far below a block time.

// PendingTx is an executable transaction with its verified sender.
type PendingTx struct {
	Tx     *types.Transaction
	Sender types.Address
}

// Iterator yields the pool's executable transactions best first, as they
// were when Iterate was called: by effective gas price across senders,
// each sender's in nonce order, older first among equal prices. It is a
// snapshot: admission and chain events do not change it. It is not safe
// for concurrent use.
type Iterator struct {
	heads headHeap
}

// Iterate returns an Iterator over a snapshot of the executable set.
func (p *Pool) Iterate() *Iterator {
	p.mu.Lock()
	heads := make(headHeap, 0, len(p.senders))
	for _, a := range p.senders {
		if a.exec > 0 {
			// a.txs changes in place on insertion and deletion: the
			// iterator gets its own copy of the run.
			run := make([]*poolTx, a.exec)
			copy(run, a.txs[:a.exec])
			heads = append(heads, run)
		}
	}
	p.mu.Unlock()
	heap.Init(&heads)
	return &Iterator{heads: heads}
}

// Peek returns the best remaining transaction, or false when none is left.
func (it *Iterator) Peek() (PendingTx, bool) {
	if len(it.heads) == 0 {
		return PendingTx{}, false
	}
	ptx := it.heads[0][0]
	return PendingTx{Tx: ptx.tx, Sender: ptx.sender}, true
}

// Shift accepts the transaction Peek returned: the next one is that
// sender's following nonce, if any, competing with the other senders.
func (it *Iterator) Shift() {
	if len(it.heads) == 0 {
		return
	}
	if run := it.heads[0][1:]; len(run) > 0 {
		it.heads[0] = run
		heap.Fix(&it.heads, 0)
		return
	}
	heap.Pop(&it.heads)
}

// Pop skips the transaction Peek returned and, since its successors
// cannot be included without it, the rest of that sender's.
func (it *Iterator) Pop() {
	if len(it.heads) > 0 {
		heap.Pop(&it.heads)
	}
}

// Pending returns the best set of executable transactions whose gas
// limits fit in gasLimit, in an order a block can include them: highest
// effective gas price first across senders, each sender's in nonce
// order. A sender whose next transaction does not fit is skipped (its
// later ones cannot go without it); the others keep filling the block.
func (p *Pool) Pending(gasLimit uint64) []*types.Transaction {
	it := p.Iterate()
	var out []*types.Transaction
	for gasLimit >= types.TxGas {
		next, ok := it.Peek()
		if !ok {
			break
		}
		if next.Tx.Gas > gasLimit {
			it.Pop()
			continue
		}
		gasLimit -= next.Tx.Gas
		out = append(out, next.Tx)
		it.Shift()
	}
	return out
}

// headHeap is a max-heap of senders' remaining executable runs, keyed by
// their first transaction.
type headHeap [][]*poolTx

func (h headHeap) Len() int { return len(h) }
func (h headHeap) Less(i, j int) bool {
	a, b := h[i][0], h[j][0]
	if c := a.price.Cmp(&b.price); c != 0 {
		return c > 0
	}
	return a.seq < b.seq
}
func (h headHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *headHeap) Push(x any)   { *h = append(*h, x.([]*poolTx)) }
func (h *headHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return x
}
