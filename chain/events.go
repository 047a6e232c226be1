package chain

import (
	"sync"
	"time"

	"github.com/quarry-chain/quarry/chain/types"
)

// Event is something that happened to the chain. Subscribers receive the
// concrete types below, in the order the changes were committed.
type Event interface{ chainEvent() }

// BlockConnected: Block was added to the active chain (its state applied).
type BlockConnected struct {
	Block    *types.Block
	Receipts []*types.Receipt
	// Elapsed is how long connecting the stored block took: recovering
	// senders, executing it, checking its roots and committing its batch.
	Elapsed time.Duration
}

// BlockDisconnected: Block was removed from the active chain by a reorg; its
// transactions are no longer included (the mempool takes them back), and
// its receipts' logs are void (subscribers see them as removed).
type BlockDisconnected struct {
	Block    *types.Block
	Receipts []*types.Receipt
}

// NewHead: the active chain has a new tip. Sent once per processed block
// that changed the tip, after its BlockConnected/BlockDisconnected events.
type NewHead struct {
	Block *types.Block
}

// Reorg: the active chain switched branches. Disconnected runs from the old
// tip down to the fork point (exclusive), Connected from just above the fork
// point up to the new tip. Sent before the NewHead it caused.
type Reorg struct {
	Fork         types.Hash
	Disconnected []*types.Block
	Connected    []*types.Block
}

func (BlockConnected) chainEvent()    {}
func (BlockDisconnected) chainEvent() {}
func (NewHead) chainEvent()           {}
func (Reorg) chainEvent()             {}

// feed delivers events to subscribers synchronously, in commit order. A
// handler runs while the chain holds its processing lock: it may read the
// chain (Best, BlockByHash...) but must not call ProcessBlock, and should be
// quick; anything slow belongs on the subscriber's own goroutine.
type feed struct {
	mu       sync.Mutex
	next     int
	handlers map[int]func(Event)
}

// subscribe registers fn and returns a function that removes it.
func (f *feed) subscribe(fn func(Event)) (unsubscribe func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.handlers == nil {
		f.handlers = make(map[int]func(Event))
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

// send delivers ev to every handler, in subscription order.
func (f *feed) send(ev Event) {
	f.mu.Lock()
	handlers := make([]func(Event), 0, len(f.handlers))
	for id := 0; id < f.next; id++ {
		if h, ok := f.handlers[id]; ok {
			handlers = append(handlers, h)
		}
	}
	f.mu.Unlock()
	for _, h := range handlers {
		h(ev)
	}
}
