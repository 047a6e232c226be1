package main

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/wallet/rpcclient"
)

// pendingPause is how long a sender waits while too many of its accepted
// transactions await inclusion.
const pendingPause = 5 * time.Millisecond

// Answers that mean the node has the transaction: geth's messages, which
// nodes send verbatim.
const (
	msgAlreadyKnown = "already known"
	msgNonceTooLow  = "nonce too low"
)

// sendResult is what happened to one planned transaction when sent.
type sendResult struct {
	start    time.Time // when its first request began
	accepted bool
	kind     string // the node's message (or the transport failure) if rejected
	// known: a node answered that it already had it (accepted).
	known bool
}

// sender runs C clients over the plan. Client c sends the transactions of
// the accounts with index mod C = c, in plan order, so each account's
// nonces reach one node in sequence and none waits in a pool's queue.
//
// A node that does not answer (killed, restarting) does not fail the
// transaction: the client sends the same signed bytes to the next node and
// keeps using that one. The first node may have accepted it before dying,
// so the next may answer that it already has it, or, once it is mined,
// that its nonce is too low: both count as accepted, the latter only if
// the node then finds the transaction by its hash.
type sender struct {
	clients    []*rpcclient.Client // one per node
	conc       int
	maxPending int
	included   *atomic.Int64
	rate       *rateLimit   // nil: as fast as the nodes take them
	record     *acceptedLog // nil: no --accepted-out

	sent      atomic.Int64 // requests finished
	accepted  atomic.Int64
	failovers atomic.Int64 // resends to another node after no answer
}

// run sends the plan and returns a result per transaction.
func (s *sender) run(ctx context.Context, plan []signedTx) []sendResult {
	res := make([]sendResult, len(plan))
	var wg sync.WaitGroup
	for c := range s.conc {
		wg.Go(func() {
			node := c % len(s.clients)
			for i := range plan {
				if plan[i].sender%s.conc != c {
					continue
				}
				if !s.waitRoom(ctx) || !s.rate.wait(ctx) {
					res[i] = sendResult{kind: "not sent: " + ctx.Err().Error()}
					continue
				}
				res[i] = s.send(ctx, &node, &plan[i])
				s.sent.Add(1)
				if res[i].accepted {
					s.accepted.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return res
}

// send sends tx to node *node, and to the next nodes while none answers,
// until one does or ctx ends. *node is left at the node that answered.
func (s *sender) send(ctx context.Context, node *int, tx *signedTx) sendResult {
	r := sendResult{start: time.Now()}
	for attempt := 1; ; attempt++ {
		c := s.clients[*node]
		_, err := c.SendRawTransaction(ctx, tx.raw)
		switch {
		case err == nil:
			r.accepted = true
		case answered(err, msgAlreadyKnown):
			r.accepted, r.known = true, true
		case answered(err, msgNonceTooLow) && hasTx(ctx, c, tx.hash):
			r.accepted, r.known = true, true
		case transportFailure(err) && ctx.Err() == nil:
			*node = (*node + 1) % len(s.clients)
			s.failovers.Add(1)
			if attempt%len(s.clients) == 0 && !backoff(ctx, attempt/len(s.clients)) {
				r.kind = rejectKind(ctx.Err())
				return r
			}
			continue
		default:
			r.kind = rejectKind(err)
			return r
		}
		if s.record != nil {
			s.record.add(tx, c.URL())
		}
		return r
	}
}

// answered reports whether err is the node's answer starting with msg.
func answered(err error, msg string) bool {
	var rerr *rpcclient.Error
	return errors.As(err, &rerr) && strings.HasPrefix(rerr.Message, msg)
}

// hasTx reports whether the node knows the transaction (in its chain or
// its pool).
func hasTx(ctx context.Context, c *rpcclient.Client, hash types.Hash) bool {
	var tx *struct {
		Hash types.Hash `json:"hash"`
	}
	return c.Call(ctx, &tx, "eth_getTransactionByHash", hash) == nil && tx != nil && tx.Hash == hash
}

// waitRoom pauses while maxPending accepted transactions await inclusion.
// It reports false if ctx ended.
func (s *sender) waitRoom(ctx context.Context) bool {
	for s.maxPending > 0 && s.accepted.Load()-s.included.Load() >= int64(s.maxPending) {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(pendingPause):
		}
	}
	return ctx.Err() == nil
}

// rateLimit spaces sends evenly at a fixed total rate, shared by all the
// clients.
type rateLimit struct {
	every time.Duration

	mu   sync.Mutex
	next time.Time
}

// newRateLimit returns a limit of perSecond sends, or nil for none.
func newRateLimit(perSecond int) *rateLimit {
	if perSecond <= 0 {
		return nil
	}
	return &rateLimit{every: time.Second / time.Duration(perSecond)}
}

// wait blocks until the caller's slot, and reports false if ctx ended
// first. A nil limit never waits.
func (l *rateLimit) wait(ctx context.Context) bool {
	if l == nil {
		return ctx.Err() == nil
	}
	l.mu.Lock()
	now := time.Now()
	slot := l.next
	if slot.Before(now) {
		slot = now
	}
	l.next = slot.Add(l.every)
	l.mu.Unlock()
	select {
	case <-ctx.Done():
		return false
	case <-time.After(time.Until(slot)):
		return true
	}
}

// rejectKind names a failed send for the report: the node's own message,
// or the kind of transport failure.
func rejectKind(err error) string {
	var rerr *rpcclient.Error
	switch {
	case errors.As(err, &rerr):
		return rerr.Message
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "no answer before the deadline"
	case errors.Is(err, rpcclient.ErrUnreachable):
		return "node unreachable"
	case errors.Is(err, rpcclient.ErrHTTPStatus):
		return "unexpected HTTP status"
	case errors.Is(err, rpcclient.ErrBadResponse):
		return "malformed response"
	default:
		return "other error"
	}
}
