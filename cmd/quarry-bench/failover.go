package main

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/quarry-chain/quarry/wallet/rpcclient"
)

// Waits between rounds of attempts when no node answers: the first is
// short (a node restarting after a crash takes about a second), later
// ones longer, so that a testnet that is down is not hammered.
const (
	retryFirst = 100 * time.Millisecond
	retryMax   = time.Second
)

// transportFailure reports whether err means the node did not answer
// (down, restarting, killed mid-request), as opposed to an answer of the
// node. Only then may the same request go to another node.
func transportFailure(err error) bool {
	var rerr *rpcclient.Error
	return err != nil && !errors.As(err, &rerr)
}

// backoff sleeps before round r (from 1) of attempts over all nodes, and
// reports false if ctx ended first.
func backoff(ctx context.Context, r int) bool {
	d := min(retryFirst<<min(r-1, 4), retryMax)
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// nodeSet reads from one node at a time and moves on to the next when it
// stops answering. Readers that follow the chain (the watcher) tolerate
// the switch: they check that each block extends the one before.
type nodeSet struct {
	clients []*rpcclient.Client

	mu  sync.Mutex
	cur int
}

func newNodeSet(clients []*rpcclient.Client) *nodeSet { return &nodeSet{clients: clients} }

// current returns the node to ask now and its index.
func (s *nodeSet) current() (*rpcclient.Client, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clients[s.cur], s.cur
}

// failed moves on from node i (unless another caller already did).
func (s *nodeSet) failed(i int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == i {
		s.cur = (i + 1) % len(s.clients)
	}
}

// Call calls method on the current node, and on the next ones while they
// cannot be reached, trying each node once. It returns the last error
// when none answers.
func (s *nodeSet) Call(ctx context.Context, out any, method string, params ...any) error {
	return s.retry(func(c *rpcclient.Client) error { return c.Call(ctx, out, method, params...) })
}

// BlockNumber is eth_blockNumber from whichever node answers.
func (s *nodeSet) BlockNumber(ctx context.Context) (uint64, error) {
	var n uint64
	err := s.retry(func(c *rpcclient.Client) error {
		var err error
		n, err = c.BlockNumber(ctx)
		return err
	})
	return n, err
}

// retry runs fn on the current node, and on the next ones while they
// cannot be reached, trying each node once; it returns fn's last error.
func (s *nodeSet) retry(fn func(*rpcclient.Client) error) error {
	var err error
	for range s.clients {
		c, i := s.current()
		if err = fn(c); !transportFailure(err) {
			return err
		}
		s.failed(i)
	}
	return err
}
