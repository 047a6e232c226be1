package rpc

import (
	"bufio"
	"context"
	"net/http"
	"sync"

	"github.com/coder/websocket"
)

// wsConn is one WebSocket client. Responses and notifications go through
// one queue, bounded in messages (WSSendQueue) and in bytes
// (WSSendQueueBytes), drained by a writer goroutine; a client that lets the
// queue fill, or does not accept a write within WSWriteTimeout, is
// disconnected rather than buffered for without limit. Queued answers keep
// their charge to the response budget until the writer has written them;
// close releases those it will never write.
type wsConn struct {
	s      *Server
	conn   *websocket.Conn
	out    chan *answer
	cancel context.CancelFunc
	bw     *bufio.Writer // the writer goroutine's, for answers in parts

	mu     sync.Mutex
	subs   map[string]*subscription
	closed bool
	queued int // bytes in out, not yet taken by the writer
}

// maxWSInFlight bounds the requests one connection runs at once; the
// reader waits for a slot, which pushes back on the client.
const maxWSInFlight = 8

// serveWS upgrades r and serves the connection until it closes.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	if s.wsConns.Add(1) > int64(s.cfg.MaxWSConns) {
		s.wsConns.Add(-1)
		http.Error(w, "too many WebSocket connections", http.StatusServiceUnavailable)
		return
	}
	defer s.wsConns.Add(-1)
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		// ServeHTTP already applied the CORS origin policy.
		InsecureSkipVerify: true,
	})
	if err != nil {
		return // Accept has written the HTTP error
	}
	c.SetReadLimit(s.cfg.MaxBodyBytes)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	wc := &wsConn{s: s, conn: c, out: make(chan *answer, s.cfg.WSSendQueue), cancel: cancel, subs: make(map[string]*subscription)}
	var wg sync.WaitGroup
	// Closing first cancels the requests still running (their answers
	// could not be delivered), so that none waits for the response budget
	// on behalf of a client that has gone; then they are waited for.
	defer wg.Wait()
	defer wc.close(websocket.StatusNormalClosure, "")
	go wc.writeLoop(ctx)
	from := &caller{privileged: s.privileged(r), ws: wc}
	slots := make(chan struct{}, maxWSInFlight)
	for {
		typ, data, err := c.Read(ctx)
		if err != nil {
			return
		}
		if typ != websocket.MessageText && typ != websocket.MessageBinary {
			continue
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			ans, after := s.serveBody(ctx, data, from)
			if ans != nil && !wc.send(ans) {
				return
			}
			for _, fn := range after {
				fn()
			}
		}()
	}
}

// send queues a without blocking; the queue owns it from then on, and
// releases it if it is not queued. A full queue, in messages or bytes,
// means the client is not keeping up: it is disconnected and send reports
// false. A message alone in the queue may exceed the byte bound.
func (wc *wsConn) send(a *answer) bool {
	wc.mu.Lock()
	defer wc.mu.Unlock()
	if wc.closed {
		a.release()
		return false
	}
	if wc.queued > 0 && wc.queued+a.size > wc.s.cfg.WSSendQueueBytes {
		a.release()
		wc.dropSlowLocked()
		return false
	}
	select {
	case wc.out <- a:
		wc.queued += a.size
		return true
	default:
		a.release()
		wc.dropSlowLocked()
		return false
	}
}

func (wc *wsConn) dropSlowLocked() {
	wc.s.log.Warn("rpc: dropping slow WebSocket client", "queued", len(wc.out), "queuedBytes", wc.queued)
	wc.closeLocked(websocket.StatusPolicyViolation, "client too slow")
}

// taken records that the writer took n bytes off the queue.
func (wc *wsConn) taken(n int) {
	wc.mu.Lock()
	defer wc.mu.Unlock()
	wc.queued -= n
}

// writeLoop writes queued messages until the connection ends.
func (wc *wsConn) writeLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case a := <-wc.out:
			wc.taken(a.size)
			err := wc.write(ctx, a)
			a.release()
			if err != nil {
				wc.close(websocket.StatusPolicyViolation, "write failed or timed out")
				return
			}
		}
	}
}

// write sends a as one message within WSWriteTimeout. An answer in parts
// (a batch) is streamed: it is never joined into one buffer, and small
// parts are gathered so as not to send a frame per element.
func (wc *wsConn) write(ctx context.Context, a *answer) error {
	ctx, cancel := context.WithTimeout(ctx, wc.s.cfg.WSWriteTimeout)
	defer cancel()
	if len(a.parts) == 1 {
		return wc.conn.Write(ctx, websocket.MessageText, a.parts[0])
	}
	w, err := wc.conn.Writer(ctx, websocket.MessageText)
	if err != nil {
		return err
	}
	if wc.bw == nil {
		wc.bw = bufio.NewWriterSize(w, 32<<10)
	}
	wc.bw.Reset(w)
	for _, p := range a.parts {
		if _, err = wc.bw.Write(p); err != nil {
			break
		}
	}
	if err == nil {
		err = wc.bw.Flush()
	}
	wc.bw.Reset(nil) // do not keep the finished message writer
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

// close ends the connection and its subscriptions; later calls do nothing.
func (wc *wsConn) close(code websocket.StatusCode, reason string) {
	wc.mu.Lock()
	defer wc.mu.Unlock()
	wc.closeLocked(code, reason)
}

func (wc *wsConn) closeLocked(code websocket.StatusCode, reason string) {
	if wc.closed {
		return
	}
	wc.closed = true
	for id, sub := range wc.subs {
		wc.s.hub.remove(sub)
		delete(wc.subs, id)
	}
	// Nothing is queued after closed is set: release what the writer
	// will not take. One it took is released by the writer.
	for drained := false; !drained; {
		select {
		case a := <-wc.out:
			wc.queued -= a.size
			a.release()
		default:
			drained = true
		}
	}
	wc.cancel()
	// CloseNow does not wait for the peer's close frame: a slow client
	// must not hold the server up.
	go func() {
		_ = wc.conn.Close(code, reason)
	}()
}

// addSub records a subscription of this connection, within the limit.
func (wc *wsConn) addSub(sub *subscription) error {
	wc.mu.Lock()
	defer wc.mu.Unlock()
	if wc.closed {
		return errNotifications
	}
	if len(wc.subs) >= wc.s.cfg.MaxSubsPerConn {
		return Errorf(errTooManySubs, "limit %d", wc.s.cfg.MaxSubsPerConn)
	}
	wc.subs[sub.id] = sub
	return nil
}

// removeSub forgets a subscription; it reports whether it existed.
func (wc *wsConn) removeSub(id string) (*subscription, bool) {
	wc.mu.Lock()
	defer wc.mu.Unlock()
	sub, ok := wc.subs[id]
	delete(wc.subs, id)
	return sub, ok
}

// activate starts delivery to sub if the connection still holds it (it may
// have been unsubscribed or closed since the subscribe call).
func (wc *wsConn) activate(sub *subscription) {
	wc.mu.Lock()
	defer wc.mu.Unlock()
	if !wc.closed && wc.subs[sub.id] == sub {
		wc.s.hub.add(sub)
	}
}
