package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
)

// Slow HTTP clients. Each case holds many connections open for its whole
// budget, concurrently with the others, while the well-behaved client
// measures that its own requests are unaffected. A server limit (header
// timeout, read timeout, write timeout) must end each connection within the
// limit, plus slowSlack, of its start; a connection the budget ran out on
// sooner is reported as not yet due, leaving the limit unverified.

// slowSlack is how much later than its configured timeout the server may
// end a slow connection.
const slowSlack = 5 * time.Second

// trickleEvery is how often a slow client sends its next byte or line.
const trickleEvery = time.Second

// budgetOf returns the time left before ctx's deadline.
func budgetOf(ctx context.Context) time.Duration {
	if dl, ok := ctx.Deadline(); ok {
		return time.Until(dl)
	}
	return 0
}

// slowConn is one slow connection and when the server ended it.
type slowConn struct {
	conn   net.Conn
	start  time.Time
	mu     sync.Mutex
	ended  time.Duration // 0: still open
	answer string        // the status line the server sent, if any
	gaveUp bool          // the attack closed it itself, at the end of its budget
	age    time.Duration // how long it had been open when the attack gave up
}

// end records that the server ended the connection (unless the attack
// closed it first).
func (sc *slowConn) end(answer string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.ended == 0 && !sc.gaveUp {
		sc.ended, sc.answer = time.Since(sc.start), answer
	}
}

// giveUp closes the connection from the attack's side.
func (sc *slowConn) giveUp() {
	sc.mu.Lock()
	sc.gaveUp, sc.age = true, time.Since(sc.start)
	sc.mu.Unlock()
	sc.conn.Close()
}

// state returns when the server ended the connection (0: it did not), its
// answer, and how long it had been open when the attack gave up on it.
func (sc *slowConn) state() (ended time.Duration, answer string, age time.Duration) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.ended, sc.answer, sc.age
}

// holdSlow opens n connections, writes head on each, then trickle() every
// trickleEvery until the server ends the connection (by answering or
// closing) or ctx ends. It returns the connections once all ended or ctx
// ended.
func holdSlow(ctx context.Context, ep endpoint, n int, head string, trickle func(i int) string) ([]*slowConn, int) {
	var conns []*slowConn
	dialFailed := 0
	var wg sync.WaitGroup
	for range n {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", ep.addr)
		if err != nil {
			dialFailed++
			continue
		}
		sc := &slowConn{conn: c, start: time.Now()}
		conns = append(conns, sc)
		if _, err := io.WriteString(c, head); err != nil {
			sc.end("write failed")
			continue
		}
		wg.Add(2)
		go func() { // reader: the server's answer or close ends the connection
			defer wg.Done()
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				sc.end("closed")
				return
			}
			resp.Body.Close()
			sc.end(resp.Status)
		}()
		go func() { // writer: a little more, every trickleEvery
			defer wg.Done()
			t := time.NewTicker(trickleEvery)
			defer t.Stop()
			for i := 0; ; i++ {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
				if ended, _, _ := sc.state(); ended != 0 {
					return
				}
				if _, err := io.WriteString(c, trickle(i)); err != nil {
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
	for _, sc := range conns {
		sc.giveUp()
	}
	<-done
	return conns, dialFailed
}

// judgeSlow reports how the server ended the slow connections. Each must
// end within limit (plus slowSlack) of its own start: one that outlived that
// fails the case; one still open but younger (the budget ran out first) is
// not yet due, and leaves the limit unverified.
func judgeSlow(conns []*slowConn, dialFailed int, limit time.Duration, what string) caseOutcome {
	due := limit + slowSlack
	endedN, late, notDue := 0, 0, 0
	var first, last time.Duration
	answers := map[string]int{}
	for _, sc := range conns {
		ended, answer, age := sc.state()
		switch {
		case ended == 0 && age >= due:
			late++
			continue
		case ended == 0:
			notDue++
			continue
		case ended > due:
			late++
		}
		endedN++
		answers[answer]++
		if first == 0 || ended < first {
			first = ended
		}
		last = max(last, ended)
	}
	got := fmt.Sprintf("%d of %d ended by the server", endedN, len(conns))
	if endedN > 0 {
		got += fmt.Sprintf(" after %.1f-%.1fs %v", first.Seconds(), last.Seconds(), answers)
	}
	if late > 0 {
		got += fmt.Sprintf(", %d open past the %s %v", late, what, limit)
	}
	if dialFailed > 0 {
		got += fmt.Sprintf(", %d dials refused", dialFailed)
	}
	if notDue > 0 {
		// The budget ran out before the limit could act on these: they
		// only prove the server kept serving others meanwhile.
		got += fmt.Sprintf("; %d not yet due (%s %v not reached)", notDue, what, limit)
	}
	return caseOutcome{got: got, pass: late == 0 && dialFailed == 0}
}

// caseSlowHeaders (slowloris): connections that send a request line and
// then one header line a second, never finishing the head. The server must
// end each at its header timeout.
func caseSlowHeaders(ctx context.Context, a *rpcAttack) caseOutcome {
	head := "POST " + a.ep.path + " HTTP/1.1\r\nHost: " + a.ep.host + "\r\n"
	conns, dialFailed := holdSlow(ctx, a.ep, a.cfg.slowConns, head, func(i int) string {
		return "X-Slow-" + strconv.Itoa(i) + ": a\r\n"
	})
	return judgeSlow(conns, dialFailed, a.cfg.headerTimeout, "header timeout")
}

// caseSlowBody: complete heads declaring a 1 MiB body, then one byte of it
// a second. The server must give up at its read timeout.
func caseSlowBody(ctx context.Context, a *rpcAttack) caseOutcome {
	head := "POST " + a.ep.path + " HTTP/1.1\r\nHost: " + a.ep.host +
		"\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n["
	conns, dialFailed := holdSlow(ctx, a.ep, a.cfg.slowConns, head, func(int) string { return " " })
	return judgeSlow(conns, dialFailed, a.cfg.readTimeout, "read timeout")
}

// caseNoReadHTTP: connections that each POST a batch whose answer is over
// 25 MiB and never read it. The server must not hold the answer (and its
// memory) past its write timeout: when the budget allows, the client then
// reads and finds the answer complete (the socket buffers took it) or cut
// off, never still trickling.
func caseNoReadHTTP(ctx context.Context, a *rpcAttack) caseOutcome {
	budget := budgetOf(ctx)
	body := bigResponseBatch(8)
	head := "POST " + a.ep.path + " HTTP/1.1\r\nHost: " + a.ep.host +
		"\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n"
	var conns []net.Conn
	dialFailed := 0
	for range a.cfg.noReadConns {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", a.ep.addr)
		if err != nil {
			dialFailed++
			continue
		}
		conns = append(conns, c)
		_, _ = io.WriteString(c, head+body)
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	wait := min(budget, a.cfg.writeTimeout+slowSlack)
	select {
	case <-time.After(wait - time.Second):
	case <-ctx.Done():
	}
	complete, cut, stalled := 0, 0, 0
	var received int64
	for _, c := range conns {
		n, err := drainResponse(c, time.Second)
		received += n
		switch {
		case err == nil:
			complete++
		case errors.Is(err, os.ErrDeadlineExceeded):
			stalled++
		default:
			cut++
		}
	}
	got := fmt.Sprintf("after %.0fs unread: %d complete, %d cut off, %d still open; %d MiB received",
		wait.Seconds(), complete, cut, stalled, received>>20)
	if dialFailed > 0 {
		got += fmt.Sprintf(", %d dials refused", dialFailed)
	}
	switch {
	case dialFailed > 0:
		return caseOutcome{got: got}
	case stalled > 0 && wait < a.cfg.writeTimeout+slowSlack:
		return caseOutcome{got: got + fmt.Sprintf("; write timeout %v not reached", a.cfg.writeTimeout), pass: true}
	}
	return caseOutcome{got: got, pass: stalled == 0}
}

// drainResponse reads one response from c to its end; a read that waits
// longer than idle fails with os.ErrDeadlineExceeded.
func drainResponse(c net.Conn, idle time.Duration) (int64, error) {
	r := &idleReader{c: c, idle: idle}
	resp, err := http.ReadResponse(bufio.NewReader(r), nil)
	if err != nil {
		return r.n, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return r.n, err
}

// idleReader reads from c, failing when no byte arrives for idle, and
// counts what it read.
type idleReader struct {
	c    net.Conn
	idle time.Duration
	n    int64
}

func (r *idleReader) Read(p []byte) (int, error) {
	_ = r.c.SetReadDeadline(time.Now().Add(r.idle))
	n, err := r.c.Read(p)
	r.n += int64(n)
	return n, err
}
