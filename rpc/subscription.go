package rpc

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"sync"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// subKind is what a subscription follows.
type subKind int

const (
	subNewHeads subKind = iota
	subLogs
	subPendingTxs
)

// subscription is one eth_subscribe of one WebSocket connection.
type subscription struct {
	id     string
	kind   subKind
	crit   *filterCriteria // subLogs
	fullTx bool            // subPendingTxs: send objects, not hashes
	conn   *wsConn
}

// newID returns a random 128-bit identifier in quantity form, as geth
// names subscriptions and filters.
func newID() string {
	var b [16]byte
	rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[0] |= 0x10    // no leading zero digit: a valid quantity
	return hexutil.Encode(b[:])
}

// hub fans backend events out to subscriptions and filters. The backend's
// callbacks only append to a queue; one goroutine formats and delivers, so
// a chain that calls back under its own lock is never held up and never
// re-entered.
type hub struct {
	s *Server

	mu   sync.Mutex
	subs map[string]*subscription

	qmu     sync.Mutex
	queue   []any // ChainEvent or []*types.Transaction
	pending int   // tx batches in queue
	wake    chan struct{}
}

// maxPendingBatches bounds queued pending-transaction batches: they are
// best-effort notifications, dropped rather than allowed to grow memory.
const maxPendingBatches = 4096

func newHub(s *Server) *hub {
	return &hub{s: s, subs: make(map[string]*subscription), wake: make(chan struct{}, 1)}
}

// start subscribes to the event source and runs the delivery loop until
// ctx ends.
func (h *hub) start(ctx context.Context) {
	ev := h.s.cfg.Events
	if ev == nil {
		return
	}
	unsubChain := ev.SubscribeChain(func(e ChainEvent) { h.enqueue(e) })
	unsubPending := ev.SubscribePendingTxs(func(txs []*types.Transaction) {
		h.qmu.Lock()
		full := h.pending >= maxPendingBatches
		h.qmu.Unlock()
		if !full {
			h.enqueue(txs)
		}
	})
	go func() {
		defer unsubChain()
		defer unsubPending()
		for {
			select {
			case <-ctx.Done():
				return
			case <-h.wake:
			}
			for _, item := range h.drain() {
				h.deliver(item)
			}
		}
	}()
}

func (h *hub) enqueue(item any) {
	h.qmu.Lock()
	h.queue = append(h.queue, item)
	if _, ok := item.([]*types.Transaction); ok {
		h.pending++
	}
	h.qmu.Unlock()
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

func (h *hub) drain() []any {
	h.qmu.Lock()
	defer h.qmu.Unlock()
	q := h.queue
	h.queue, h.pending = nil, 0
	return q
}

// deliver handles one event.
func (h *hub) deliver(item any) {
	switch e := item.(type) {
	case ChainEvent:
		h.s.filters.onChain(e)
		h.notifyChain(e)
	case []*types.Transaction:
		h.s.filters.onPending(e)
		h.notifyPending(e)
	}
}

// add registers an active subscription.
func (h *hub) add(sub *subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.subs[sub.id] = sub
}

// remove unregisters a subscription.
func (h *hub) remove(sub *subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, sub.id)
}

// snapshot returns the active subscriptions of a kind. Delivery works on a
// snapshot so that no hub lock is held while a connection's lock is taken.
func (h *hub) snapshot(kind subKind) []*subscription {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []*subscription
	for _, s := range h.subs {
		if s.kind == kind {
			out = append(out, s)
		}
	}
	return out
}

// notification is an eth_subscription message.
type notification struct {
	JSONRPC string             `json:"jsonrpc"`
	Method  string             `json:"method"`
	Params  notificationParams `json:"params"`
}

type notificationParams struct {
	Subscription string `json:"subscription"`
	Result       any    `json:"result"`
}

// notify sends result to sub, dropping the connection if it is slow.
func (h *hub) notify(sub *subscription, result any) {
	msg, err := json.Marshal(notification{JSONRPC: "2.0", Method: "eth_subscription", Params: notificationParams{sub.id, result}})
	if err != nil {
		h.s.log.Error("rpc: encoding notification", "err", err)
		return
	}
	// Notifications stay outside the response budget: the hub must not
	// wait, and WSSendQueueBytes bounds them per connection.
	sub.conn.send(freeAnswer(msg))
}

// notifyChain sends newHeads for every block joining the chain, and logs:
// removed ones (flagged) for blocks leaving it, then the new ones.
func (h *hub) notifyChain(e ChainEvent) {
	if heads := h.snapshot(subNewHeads); len(heads) > 0 {
		for _, br := range e.Added {
			head := newRPCHeader(br.Block.Header, receiptsBloom(br.Receipts))
			for _, sub := range heads {
				h.notify(sub, head)
			}
		}
	}
	logSubs := h.snapshot(subLogs)
	if len(logSubs) == 0 {
		return
	}
	for _, sub := range logSubs {
		for _, l := range eventLogs(e, sub.crit) {
			h.notify(sub, l)
		}
	}
}

// eventLogs lists the logs of a chain event that crit matches: those of
// removed blocks flagged removed (newest block first, as they are undone),
// then those of added blocks.
func eventLogs(e ChainEvent, crit *filterCriteria) []*rpcLog {
	var out []*rpcLog
	for _, br := range e.Removed {
		if crit.bloomMatch(receiptsBloom(br.Receipts)) {
			out = append(out, blockLogs(br.Block, br.Receipts, true, crit.match)...)
		}
	}
	for _, br := range e.Added {
		if crit.bloomMatch(receiptsBloom(br.Receipts)) {
			out = append(out, blockLogs(br.Block, br.Receipts, false, crit.match)...)
		}
	}
	return out
}

// notifyPending sends pending transaction hashes (or objects).
func (h *hub) notifyPending(txs []*types.Transaction) {
	for _, sub := range h.snapshot(subPendingTxs) {
		for _, tx := range txs {
			if sub.fullTx {
				h.notify(sub, h.s.newRPCTx(tx, nil))
			} else {
				h.notify(sub, tx.Hash())
			}
		}
	}
}
