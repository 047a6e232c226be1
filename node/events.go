package node

import (
	"sync"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/mempool"
	"github.com/quarry-chain/quarry/rpc"
)

// subscribers is an ordered list of handlers of one event type.
type subscribers[T any] struct {
	mu       sync.Mutex
	next     int
	handlers map[int]func(T)
}

func (s *subscribers[T]) add(fn func(T)) (unsubscribe func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.handlers == nil {
		s.handlers = make(map[int]func(T))
	}
	id := s.next
	s.next++
	s.handlers[id] = fn
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.handlers, id)
	}
}

func (s *subscribers[T]) send(v T) {
	s.mu.Lock()
	fns := make([]func(T), 0, len(s.handlers))
	for id := 0; id < s.next; id++ {
		if fn, ok := s.handlers[id]; ok {
			fns = append(fns, fn)
		}
	}
	s.mu.Unlock()
	for _, fn := range fns {
		fn(v)
	}
}

// eventHub turns chain and pool events into what RPC subscriptions follow.
type eventHub struct {
	chainSubs subscribers[rpc.ChainEvent]
	pool      *mempool.Pool
}

var _ rpc.EventSource = (*eventHub)(nil)

func (h *eventHub) SubscribeChain(fn func(rpc.ChainEvent)) func() { return h.chainSubs.add(fn) }

func (h *eventHub) SubscribePendingTxs(fn func([]*types.Transaction)) func() {
	return h.pool.SubscribeExecutable(fn)
}

// onChainEvent receives every chain event, in commit order, under the
// chain's processing lock: each consumer only updates memory or queues.
func (n *Node) onChainEvent(ev chain.Event) {
	n.pool.HandleChainEvent(ev)
	switch e := ev.(type) {
	case chain.BlockConnected:
		n.events.chainSubs.send(rpc.ChainEvent{Added: []rpc.BlockReceipts{{Block: e.Block, Receipts: e.Receipts}}})
		n.metrics.blockConnected(e.Block, e.Elapsed)
	case chain.BlockDisconnected:
		n.events.chainSubs.send(rpc.ChainEvent{Removed: []rpc.BlockReceipts{{Block: e.Block, Receipts: e.Receipts}}})
	case chain.Reorg:
		info := rpc.ReorgInfo{
			Time:         uint64(n.now().UnixMilli()),
			Fork:         e.Fork,
			Disconnected: uint64(len(e.Disconnected)),
			Connected:    uint64(len(e.Connected)),
		}
		if len(e.Disconnected) > 0 {
			info.OldTip = e.Disconnected[0].Hash()
			info.ForkHeight = e.Disconnected[len(e.Disconnected)-1].Header.Height - 1
		}
		if len(e.Connected) > 0 {
			info.NewTip = e.Connected[len(e.Connected)-1].Hash()
		}
		n.reorgs.add(info)
		n.metrics.reorg(len(e.Disconnected))
	}
}
