package mempool

import (
	"sync"

	"github.com/quarry-chain/quarry/chain/types"
)

// SubscribeExecutable registers fn to receive transactions as they become
// executable: newly admitted with the sender's next nonce, replacements of
// executable ones, and queued ones whose nonce gap was filled. This is
// what p2p gossips and eth_subscribe("newPendingTransactions") reports.
//
// fn runs synchronously on the goroutine that caused the change (an Add
// or a chain event), after the pool's lock is released, so it may call
// the pool; it must be quick and must not block: anything slow belongs on
// the subscriber's own goroutine. It returns the unsubscribe func.
func (p *Pool) SubscribeExecutable(fn func([]*types.Transaction)) (unsubscribe func()) {
	return p.subs.subscribe(fn)
}

// feed delivers batches of newly executable transactions to subscribers.
type feed struct {
	mu       sync.Mutex
	next     int
	handlers map[int]func([]*types.Transaction)
}

func (f *feed) subscribe(fn func([]*types.Transaction)) func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.handlers == nil {
		f.handlers = make(map[int]func([]*types.Transaction))
	}
	id := f.next
	f.next++
	f.handlers[id] = fn
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.handlers, id)
	}
}

// send delivers ptxs' transactions to every handler, in subscription order.
func (f *feed) send(ptxs []*poolTx) {
	if len(ptxs) == 0 {
		return
	}
	f.mu.Lock()
	handlers := make([]func([]*types.Transaction), 0, len(f.handlers))
	for id := 0; id < f.next; id++ {
		if h, ok := f.handlers[id]; ok {
			handlers = append(handlers, h)
		}
	}
	f.mu.Unlock()
	if len(handlers) == 0 {
		return
	}
	txs := make([]*types.Transaction, len(ptxs))
	for i, ptx := range ptxs {
		txs[i] = ptx.tx
	}
	for _, h := range handlers {
		h(txs)
	}
}
