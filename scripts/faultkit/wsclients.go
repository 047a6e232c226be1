package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// WebSocket clients that never read. The node queues what it owes each
// connection and drops a connection whose queue fills or whose writes stall
// past its write timeout; until then, what is queued is memory the node
// holds for a client that will never take it.

// wsReadLimit lets the attack read back the largest answers it provokes.
const wsReadLimit = 64 << 20

// wsMaxSubs is how many subscriptions a non-reading client makes: the
// node's default per-connection limit.
const wsMaxSubs = 100

// wsURL is the WebSocket address of the endpoint.
func (ep endpoint) wsURL() string { return "ws://" + ep.host + ep.path }

// dialWS opens a WebSocket to the node.
func dialWS(ctx context.Context, ep endpoint) (*websocket.Conn, error) {
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(dctx, ep.wsURL(), nil)
	if err != nil {
		return nil, fmt.Errorf("%w: websocket: %v", errUnreachable, err)
	}
	c.SetReadLimit(wsReadLimit)
	return c, nil
}

// subscribeAll makes wsMaxSubs subscriptions on c without reading the
// answers: all newHeads but one for full pending transactions.
func subscribeAll(ctx context.Context, c *websocket.Conn) error {
	for i := range wsMaxSubs {
		params := `["newHeads"]`
		if i == 0 {
			params = `["newPendingTransactions",true]`
		}
		msg := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"eth_subscribe","params":%s}`, i, params)
		if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
			return err
		}
	}
	return nil
}

// wsFate is how a non-reading WebSocket client found its connection when
// it finally read: the messages it could still read, and how it ended.
type wsFate struct {
	messages int
	big      int    // messages of bigAnswer bytes or more: the 6 MiB answers
	ended    string // "" while the node still sends
}

// bigAnswer tells the big answers a client asked for from notifications.
const bigAnswer = 1 << 20

// readBackFor bounds how long a client reads back what the node holds for
// it: a node that keeps up with its subscriptions never falls silent.
const readBackFor = 5 * time.Second

// readBack reads what c holds until the connection ends, nothing comes for
// idle, or readBackFor has passed.
func readBack(ctx context.Context, c *websocket.Conn, idle time.Duration) wsFate {
	var f wsFate
	ctx, cancel := context.WithTimeout(ctx, readBackFor)
	defer cancel()
	for {
		rctx, cancel := context.WithTimeout(ctx, idle)
		_, data, err := c.Read(rctx)
		cancel()
		if err == nil {
			f.messages++
			if len(data) >= bigAnswer {
				f.big++
			}
			continue
		}
		switch st := websocket.CloseStatus(err); {
		case st != -1:
			f.ended = fmt.Sprintf("closed by the node (%v)", st)
		case errors.Is(err, context.DeadlineExceeded):
			// Still open: the node is keeping up (or idle).
		default:
			f.ended = "connection dropped"
		}
		return f
	}
}

// wsBigRequests is how many 6 MiB answers a non-reading client asks for.
const wsBigRequests = 32

// caseNoReadWS: WebSocket clients that subscribe to everything, ask for 32
// answers of 6 MiB each and never read. The node must drop each (queue full
// or write timeout) instead of holding what it owes them, unless it has not
// built those answers at all: the other slow cases' unread answers may fill
// the node's server-wide budget of answers in flight, and then the big
// answers wait for room (bounded by the request timeout) instead of
// queueing, and a client that has received none of them need not be
// dropped.
func caseNoReadWS(ctx context.Context, a *rpcAttack) caseOutcome {
	budget := budgetOf(ctx)
	conns, err := openWS(ctx, a, func(c *websocket.Conn) error {
		if err := subscribeAll(ctx, c); err != nil {
			return err
		}
		for i := range wsBigRequests {
			if err := c.Write(ctx, websocket.MessageText, []byte(revertCallReq(1000+i))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return failed(err)
	}
	wait := min(budget-time.Second, a.cfg.wsWriteTimeout+slowSlack)
	select {
	case <-time.After(wait):
	case <-ctx.Done():
	}
	dropped, fates, openWithBig := readBackAll(ctx, conns)
	got := fmt.Sprintf("after %.0fs unread: %d of %d dropped; %s", wait.Seconds(), dropped, len(conns), fates)
	if dropped < len(conns) && wait < a.cfg.wsWriteTimeout+slowSlack {
		return caseOutcome{got: got + fmt.Sprintf("; write timeout %v not reached", a.cfg.wsWriteTimeout), pass: true}
	}
	if dropped < len(conns) && openWithBig == 0 {
		return caseOutcome{got: got + "; the big answers held back (answer budget full)", pass: true}
	}
	return caseOutcome{got: got, pass: dropped == len(conns)}
}

// caseUnreadSubs: WebSocket clients with the most subscriptions allowed
// that never read, for the whole budget, while blocks and transactions
// flow. The node must either keep up (its writes land in the socket
// buffers) or drop them; it must not stall its other clients.
func caseUnreadSubs(ctx context.Context, a *rpcAttack) caseOutcome {
	conns, err := openWS(ctx, a, func(c *websocket.Conn) error { return subscribeAll(ctx, c) })
	if err != nil {
		return failed(err)
	}
	select {
	case <-time.After(budgetOf(ctx) - 2*time.Second):
	case <-ctx.Done():
	}
	dropped, fates, _ := readBackAll(ctx, conns)
	return caseOutcome{got: fmt.Sprintf("%d of %d dropped; %s", dropped, len(conns), fates), pass: true}
}

// openWS opens cfg.wsConns connections and runs setup on each.
func openWS(ctx context.Context, a *rpcAttack, setup func(c *websocket.Conn) error) ([]*websocket.Conn, error) {
	var conns []*websocket.Conn
	for range a.cfg.wsConns {
		c, err := dialWS(ctx, a.ep)
		if err != nil {
			closeWS(conns)
			return nil, err
		}
		conns = append(conns, c)
		if err := setup(c); err != nil {
			closeWS(conns)
			return nil, fmt.Errorf("websocket setup: %w", err)
		}
	}
	return conns, nil
}

func closeWS(conns []*websocket.Conn) {
	for _, c := range conns {
		c.CloseNow()
	}
}

// readBackAll reads back every connection (then closes it) and summarises.
// It may run past ctx's deadline (the case's budget) by its idle waits.
// It also says how many of the connections still open had received a
// big answer.
func readBackAll(ctx context.Context, conns []*websocket.Conn) (dropped int, summary string, openWithBig int) {
	defer closeWS(conns)
	ctx = context.WithoutCancel(ctx)
	var parts []string
	for _, c := range conns {
		f := readBack(ctx, c, 2*time.Second)
		state := f.ended
		if state == "" {
			state = "still open"
			if f.big > 0 {
				openWithBig++
			}
		} else {
			dropped++
		}
		parts = append(parts, fmt.Sprintf("%d msgs (%d big) then %s", f.messages, f.big, state))
	}
	return dropped, strings.Join(parts, "; "), openWithBig
}
