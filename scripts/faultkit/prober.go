package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/quarry-chain/quarry/scripts/internal/rpcclient"
)

// The well-behaved client. While the attacks run it calls eth_blockNumber
// over HTTP every probeEvery (on a kept-alive connection, as a wallet
// would) and holds a WebSocket newHeads subscription, so the report can say
// whether other clients were affected: failed calls, latency against a
// baseline measured before the attacks, and heads still delivered.

// probeEvery is the well-behaved client's call interval.
const probeEvery = 100 * time.Millisecond

// prober is the well-behaved client.
type prober struct {
	c  *rpcClient
	ep endpoint

	mu       sync.Mutex
	lat      []time.Duration
	failures int
	firstErr string

	heads atomic.Int64
	wsErr atomic.Pointer[string]
}

func newProber(url string, ep endpoint) *prober {
	// Its own kept-alive connection, not one the attacks' clients share.
	hc := &http.Client{Timeout: 10 * time.Second, Transport: http.DefaultTransport.(*http.Transport).Clone()}
	return &prober{c: rpcclient.NewWithHTTP(url, hc), ep: ep}
}

// runHTTP calls eth_blockNumber every probeEvery until ctx ends.
func (p *prober) runHTTP(ctx context.Context) {
	t := time.NewTicker(probeEvery)
	defer t.Stop()
	for {
		start := time.Now()
		_, err := p.c.BlockNumber(ctx)
		if ctx.Err() != nil {
			return
		}
		p.record(time.Since(start), err)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (p *prober) record(d time.Duration, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.failures++
		if p.firstErr == "" {
			p.firstErr = err.Error()
		}
		return
	}
	p.lat = append(p.lat, d)
}

// runWS subscribes to newHeads and counts the notifications until ctx
// ends; a connection that fails before then is recorded.
func (p *prober) runWS(ctx context.Context) {
	fail := func(err error) {
		if ctx.Err() == nil {
			s := err.Error()
			p.wsErr.Store(&s)
		}
	}
	c, err := dialWS(ctx, p.ep)
	if err != nil {
		fail(err)
		return
	}
	defer c.CloseNow()
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]}`)); err != nil {
		fail(err)
		return
	}
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			fail(err)
			return
		}
		var m struct {
			Method string `json:"method"`
		}
		if json.Unmarshal(data, &m) == nil && m.Method == "eth_subscription" {
			p.heads.Add(1)
		}
	}
}

// probeStats summarises the HTTP calls since the last reset.
type probeStats struct {
	calls, failures int
	p50, p95, max   time.Duration
	firstErr        string
}

func (s probeStats) String() string {
	return fmt.Sprintf("%d calls, %d failed, p50 %v p95 %v max %v",
		s.calls, s.failures, s.p50.Round(time.Millisecond), s.p95.Round(time.Millisecond), s.max.Round(time.Millisecond))
}

// take returns the stats since the last take and starts afresh.
func (p *prober) take() probeStats {
	p.mu.Lock()
	lat, failures, firstErr := p.lat, p.failures, p.firstErr
	p.lat, p.failures, p.firstErr = nil, 0, ""
	p.mu.Unlock()
	s := probeStats{calls: len(lat) + failures, failures: failures, firstErr: firstErr}
	if len(lat) == 0 {
		return s
	}
	slices.Sort(lat)
	s.p50, s.p95, s.max = lat[len(lat)/2], lat[len(lat)*95/100], lat[len(lat)-1]
	return s
}
