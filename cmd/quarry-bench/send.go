package main

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quarry-chain/quarry/wallet/rpcclient"
)

// pendingPause is how long a sender waits while too many of its accepted
// transactions await inclusion.
const pendingPause = 5 * time.Millisecond

// sendResult is what happened to one planned transaction when sent.
type sendResult struct {
	start    time.Time // when its request began
	accepted bool
	kind     string // the node's message (or the transport failure) if rejected
}

// sender runs C clients over the plan. Client c sends the transactions of
// the accounts with index mod C = c, in plan order, so each account's
// nonces reach one node in sequence and none waits in a pool's queue.
type sender struct {
	clients    []*rpcclient.Client // one per node
	conc       int
	maxPending int
	included   *atomic.Int64

	sent     atomic.Int64 // requests finished
	accepted atomic.Int64
}

// run sends the plan and returns a result per transaction.
func (s *sender) run(ctx context.Context, plan []signedTx) []sendResult {
	res := make([]sendResult, len(plan))
	var wg sync.WaitGroup
	for c := range s.conc {
		cl := s.clients[c%len(s.clients)]
		wg.Go(func() {
			for i := range plan {
				if plan[i].sender%s.conc != c {
					continue
				}
				if !s.waitRoom(ctx) {
					res[i] = sendResult{kind: "not sent: " + ctx.Err().Error()}
					continue
				}
				res[i].start = time.Now()
				_, err := cl.SendRawTransaction(ctx, plan[i].raw)
				s.sent.Add(1)
				if err == nil {
					res[i].accepted = true
					s.accepted.Add(1)
					continue
				}
				res[i].kind = rejectKind(err)
			}
		})
	}
	wg.Wait()
	return res
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
