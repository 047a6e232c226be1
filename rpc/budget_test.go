package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestRespBudget runs the budget through scenarios step by step. A "take"
// must be granted at once, a "queue" must wait; after each step the
// queued acquires named in granted must have been granted (the others
// still wait), and the bytes in flight must be inFlight.
func TestRespBudget(t *testing.T) {
	t.Parallel()
	const K = 1 << 10
	type step struct {
		op       string // take, queue, release, cancel
		name     string // of the acquire (queue, cancel)
		n, held  int64
		granted  []string
		inFlight int64
	}
	tests := []struct {
		name  string
		limit int64
		steps []step
	}{
		{"waits for room, then proceeds", 1000 * K, []step{
			{op: "take", n: 600 * K, inFlight: 600 * K},
			{op: "queue", name: "b", n: 600 * K, inFlight: 600 * K},
			{op: "release", n: 600 * K, granted: []string{"b"}, inFlight: 600 * K},
		}},
		{"an answer over the limit goes alone", 1000 * K, []step{
			{op: "take", n: 3000 * K, inFlight: 3000 * K},
			{op: "queue", name: "b", n: 200 * K, inFlight: 3000 * K},
			{op: "release", n: 3000 * K, granted: []string{"b"}, inFlight: 200 * K},
			{op: "queue", name: "c", n: 3000 * K, inFlight: 200 * K},
			{op: "release", n: 200 * K, granted: []string{"c"}, inFlight: 3000 * K},
		}},
		{"small answers never wait", 1000 * K, []step{
			{op: "take", n: 1000 * K, inFlight: 1000 * K},
			{op: "queue", name: "big", n: 100 * K, inFlight: 1000 * K},
			{op: "take", n: smallAnswer, inFlight: 1000*K + smallAnswer},
			{op: "release", n: 1000 * K, granted: []string{"big"}, inFlight: 100*K + smallAnswer},
		}},
		{"first come, first served", 1000 * K, []step{
			{op: "take", n: 800 * K, inFlight: 800 * K},
			{op: "queue", name: "b", n: 500 * K, inFlight: 800 * K},
			{op: "queue", name: "c", n: 150 * K, inFlight: 800 * K}, // fits, but b is first
			{op: "release", n: 800 * K, granted: []string{"b", "c"}, inFlight: 650 * K},
		}},
		{"giving up lets the next through", 1000 * K, []step{
			{op: "take", n: 800 * K, inFlight: 800 * K},
			{op: "queue", name: "b", n: 500 * K, inFlight: 800 * K},
			{op: "queue", name: "c", n: 150 * K, inFlight: 800 * K},
			{op: "cancel", name: "b", granted: []string{"c"}, inFlight: 950 * K},
		}},
		{"batches holding everything: the largest goes", 1000 * K, []step{
			{op: "take", n: 300 * K, inFlight: 300 * K},                                                       // batch A's first answer
			{op: "take", n: 400 * K, held: 0, inFlight: 700 * K},                                              // batch B's first answer
			{op: "queue", name: "a2", n: 400 * K, held: 300 * K, inFlight: 700 * K},                           // A waits for its second
			{op: "queue", name: "b2", n: 400 * K, held: 400 * K, granted: []string{"b2"}, inFlight: 1100 * K}, // B, the larger, goes over
			{op: "queue", name: "b3", n: 400 * K, held: 800 * K, granted: []string{"b3"}, inFlight: 1500 * K}, // and again, until done
			{op: "release", n: 1200 * K, granted: []string{"a2"}, inFlight: 700 * K},                          // B written
		}},
		{"unlimited", -1, []step{
			{op: "take", n: 10000 * K, inFlight: 10000 * K},
			{op: "take", n: 10000 * K, inFlight: 20000 * K},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newRespBudget(tt.limit)
			type pending struct {
				done   chan error
				cancel context.CancelFunc
			}
			waiting := map[string]pending{}
			var queued int64
			for i, st := range tt.steps {
				switch st.op {
				case "take":
					if !b.tryAcquire(st.n, st.held) {
						t.Fatalf("step %d: take %d refused", i, st.n)
					}
				case "queue":
					ctx, cancel := context.WithCancel(context.Background())
					t.Cleanup(cancel)
					p := pending{make(chan error, 1), cancel}
					waiting[st.name] = p
					go func() { p.done <- b.acquire(ctx, st.n, st.held) }()
					queued++
					waitFor(t, func() bool { return b.stats().waits == queued })
				case "release":
					b.release(st.n)
				case "cancel":
					waiting[st.name].cancel()
					if err := <-waiting[st.name].done; !errors.Is(err, context.Canceled) {
						t.Fatalf("step %d: cancelled acquire returned %v", i, err)
					}
					delete(waiting, st.name)
				}
				for _, name := range st.granted {
					select {
					case err := <-waiting[name].done:
						if err != nil {
							t.Fatalf("step %d: %s: %v", i, name, err)
						}
					case <-time.After(5 * time.Second):
						t.Fatalf("step %d: %s not granted", i, name)
					}
					delete(waiting, name)
				}
				for name, p := range waiting {
					if len(p.done) != 0 {
						t.Fatalf("step %d: %s granted, should wait", i, name)
					}
				}
				if st := b.stats(); st.inFlight != tt.steps[i].inFlight || st.waiters != len(waiting) {
					t.Fatalf("step %d: %d bytes in flight, %d waiting; want %d, %d", i, st.inFlight, st.waiters, tt.steps[i].inFlight, len(waiting))
				}
			}
		})
	}
}

// joinAnswer returns the message a writes, which must be a.size bytes.
func joinAnswer(t *testing.T, a *answer) []byte {
	t.Helper()
	out := make([]byte, 0, a.size)
	for _, p := range a.parts {
		out = append(out, p...)
	}
	if len(out) != a.size {
		t.Fatalf("answer of %d bytes says it has %d", len(out), a.size)
	}
	return out
}

// bigCallBody is a request, or a batch of n, for the bigExec answer.
func bigCallBody(n int) string {
	call := `{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[{"data":"0x"},"latest"]}`
	if n == 0 {
		return call
	}
	return "[" + strings.Repeat(call+",", n-1) + call + "]"
}

// TestResponseBudgetBound: many concurrent large answers never hold more
// than the budget. Every answer is held (as if its client were slow to
// read) until all requests still running are either answered or waiting
// for room; then the oldest is released, and so on. The bytes in flight
// are read from the budget's high-water mark, not inferred from timing.
func TestResponseBudgetBound(t *testing.T) {
	t.Parallel()
	const K = 1 << 10
	tests := []struct {
		name     string
		limit    int64
		data     int  // bytes each call returns
		reverted bool // as revert data (an error) or a result
		batch    int  // calls per request; 0: a single request
		clients  int
	}{
		{"revert answers", 3000 * K, 600 * K, true, 0, 10},
		{"result answers", 3000 * K, 600 * K, false, 0, 10},
		{"batches", 3000 * K, 200 * K, true, 4, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := newTestServer(t, func(c *Config) {
				c.Exec = &bigExec{data: make([]byte, tt.data), reverted: tt.reverted}
				c.MaxResponseBytesInFlight = tt.limit
			})
			body := []byte(bigCallBody(tt.batch))
			solo, _ := ts.serveBody(t.Context(), body, &caller{})
			want := joinAnswer(t, solo)
			solo.release()
			if bytes.Contains(want, []byte("limit exceeded")) || len(want) < tt.data*2 {
				t.Fatalf("solo answer: %.200s", want)
			}
			// A batch waiting with part of its answer may be let over the
			// limit by the rest of it (see respBudget); single answers never.
			slack := int64(0)
			if tt.batch > 0 {
				slack = int64(len(want))
			}

			answers := make(chan *answer, tt.clients)
			for range tt.clients {
				go func() {
					a, _ := ts.serveBody(t.Context(), body, &caller{})
					answers <- a
				}()
			}
			var held []*answer
			for got := 0; got < tt.clients; {
				waitFor(t, func() bool { return len(answers)+ts.budget.stats().waiters == tt.clients-got })
				for len(answers) > 0 {
					a := <-answers
					if out := joinAnswer(t, a); !bytes.Equal(out, want) {
						t.Fatalf("answer %d differs from the solo one: %.200s", got, out)
					}
					held = append(held, a)
					got++
				}
				if len(held) > 0 {
					held[0].release()
					held = held[1:]
				}
			}
			for _, a := range held {
				a.release()
			}
			st := ts.budget.stats()
			if st.peak > tt.limit+slack || st.inFlight != 0 || st.waiters != 0 {
				t.Fatalf("peak %d (limit %d + %d), %d in flight, %d waiting after all", st.peak, tt.limit, slack, st.inFlight, st.waiters)
			}
			if st.waits == 0 {
				t.Fatalf("%d answers of %d bytes never waited for a budget of %d", tt.clients, len(want), tt.limit)
			}
		})
	}
}

// TestResponseBudgetHTTP: over HTTP, an answer that does not fit waits and
// is served once room frees; one that cannot get room before the request
// timeout gets ErrResponseBudget (-32005); one larger than the budget is
// served when it is alone. Nothing stays charged afterwards.
func TestResponseBudgetHTTP(t *testing.T) {
	t.Parallel()
	const K = 1 << 10
	tests := []struct {
		name    string
		limit   int64
		hold    int64 // charged by another answer while the request runs
		free    bool  // release hold once the request waits
		wantErr bool
	}{
		{"waits, then succeeds", 1000 * K, 900 * K, true, false},
		{"times out waiting", 1000 * K, 900 * K, false, true},
		{"over the budget alone", 100 * K, 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := newTestServer(t, func(c *Config) {
				c.Exec = &bigExec{data: make([]byte, 300*K), reverted: true}
				c.MaxResponseBytesInFlight = tt.limit
				c.RequestTimeout = 2 * time.Second
			})
			if tt.hold > 0 && !ts.budget.tryAcquire(tt.hold, 0) {
				t.Fatal("could not hold the budget")
			}
			type reply struct {
				status int
				body   string
			}
			done := make(chan reply, 1)
			go func() {
				status, body := ts.post(t, bigCallBody(0))
				done <- reply{status, body}
			}()
			if tt.hold > 0 {
				waitFor(t, func() bool { return ts.budget.stats().waiters == 1 })
				if tt.free {
					ts.budget.release(tt.hold)
				}
			}
			r := <-done
			var resp testResponse
			if err := json.Unmarshal([]byte(r.body), &resp); err != nil || r.status != http.StatusOK || resp.Error == nil {
				t.Fatalf("HTTP %d %.200s: %v", r.status, r.body, err)
			}
			if tt.wantErr {
				if resp.Error.Code != CodeLimitExceeded || !strings.HasPrefix(resp.Error.Message, "limit exceeded: ") {
					t.Fatalf("got error %d %q, want the budget's", resp.Error.Code, resp.Error.Message)
				}
			} else if resp.Error.Code != CodeReverted || len(resp.Error.Data) != 2*300*K+4 {
				t.Fatalf("got error %d %q with %d bytes of data, want the revert", resp.Error.Code, resp.Error.Message, len(resp.Error.Data))
			}
			if tt.hold > 0 && !tt.free {
				ts.budget.release(tt.hold)
			}
			// The handler returns once the body is written: poll.
			waitFor(t, func() bool { st := ts.budget.stats(); return st.inFlight == 0 && st.waiters == 0 })
			if !tt.wantErr && tt.hold == 0 && ts.budget.stats().peak != int64(len(r.body)) {
				t.Fatalf("peak %d, answer %d bytes", ts.budget.stats().peak, len(r.body))
			}
		})
	}
}

// TestResponseBudgetNoLeak: clients that ask for large answers and go away
// without reading them leave nothing charged: the writer releases the
// answer it was writing, closing the connection releases those queued
// behind it, and requests waiting for room give up.
func TestResponseBudgetNoLeak(t *testing.T) {
	t.Parallel()
	const limit = 12 << 20
	ts := newTestServer(t, func(c *Config) {
		c.Exec = &bigExec{data: make([]byte, 512<<10), reverted: true} // 1 MiB answers
		c.MaxResponseBytesInFlight = limit
		c.WSWriteTimeout = time.Minute // the release must come from the disconnect
	})
	// Clients with small receive buffers, so that the server's writes
	// block after a few answers and the rest queue behind them.
	dial := &websocket.DialOptions{HTTPClient: &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err == nil {
				err = c.(*net.TCPConn).SetReadBuffer(8 << 10)
			}
			return c, err
		},
	}}}
	var conns []*websocket.Conn
	for range 4 {
		c, _, err := websocket.Dial(t.Context(), "ws"+strings.TrimPrefix(ts.url, "http"), dial)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		for range 12 {
			if err := c.Write(t.Context(), websocket.MessageText, []byte(bigCallBody(0))); err != nil {
				t.Fatal(err)
			}
		}
		conns = append(conns, c)
	}
	// Nobody reads: the budget fills with answers being written or queued,
	// and further answers wait for room.
	waitFor(t, func() bool { st := ts.budget.stats(); return st.inFlight >= limit-(2<<20) && st.waiters > 0 })

	// An HTTP client that goes away without reading its answer.
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	body := bigCallBody(0)
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)

	for _, c := range conns {
		c.CloseNow()
	}
	conn.Close()
	waitFor(t, func() bool {
		st := ts.budget.stats()
		return ts.wsConns.Load() == 0 && st.inFlight == 0 && st.waiters == 0
	})
	if st := ts.budget.stats(); st.peak > limit {
		t.Fatalf("peak %d over the budget %d", st.peak, limit)
	}
}
