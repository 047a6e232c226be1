package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/node"
	"github.com/quarry-chain/quarry/p2p"
)

// testNode is a real node (chain, pool, miner, p2p, RPC) in this process,
// on loopback, as the node package's multi-node tests run them.
type testNode struct {
	n   *node.Node
	url string // JSON-RPC
	p2p string // p2p multiaddr with /p2p/<id>
}

// startTestNode starts a node of a fresh dev chain that mines with one
// thread (about a block a second), with edit applied to its config, and
// stops it when the test ends.
func startTestNode(t *testing.T, edit func(*node.Config)) *testNode {
	t.Helper()
	cfg := node.Config{
		DataDir: t.TempDir(),
		Genesis: params.DevGenesis(uint64(time.Now().UnixMilli())),
		NoSync:  true,
		Logger:  testLogger(),
		Mine:    true,
	}
	cfg.RPC.Addr = "127.0.0.1:0"
	cfg.Miner.Threads = 1
	cfg.Miner.Coinbase = types.Address{0xfa, 0x17}
	cfg.P2P = p2p.Config{
		ListenAddrs:      []string{"/ip4/127.0.0.1/tcp/0"},
		HandshakeTimeout: 5 * time.Second,
		RequestTimeout:   5 * time.Second,
		StatusInterval:   time.Second,
	}
	if edit != nil {
		edit(&cfg)
	}
	n, err := node.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := n.Start(ctx); err != nil {
		cancel()
		n.Stop()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		if err := n.Stop(); err != nil {
			t.Errorf("stop node: %v", err)
		}
	})
	self := n.P2P().Self()
	return &testNode{n: n, url: "http://" + n.RPCAddr(), p2p: fmt.Sprintf("%s/p2p/%s", self.Addrs[0], self.ID)}
}

// testLogger logs the node at debug level to stderr with QUARRY_TEST_DEBUG
// set, else nowhere.
func testLogger() *slog.Logger {
	if os.Getenv("QUARRY_TEST_DEBUG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// waitHeight waits until the node's chain is at least h blocks high.
func (tn *testNode) waitHeight(t *testing.T, h uint64, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for tn.n.Chain().Best().Height < h {
		if time.Now().After(deadline) {
			t.Fatalf("height %d after %v, want %d", tn.n.Chain().Best().Height, within, h)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
