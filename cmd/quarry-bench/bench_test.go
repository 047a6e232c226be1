package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/node"
)

// startDevNode starts an in-process mining dev node (no network, RPC on a
// free loopback port, one miner thread), stopped when the test ends, and
// returns its RPC URL.
func startDevNode(t *testing.T) string {
	t.Helper()
	g, err := node.DevGenesis(uint64(time.Now().UnixMilli()), 0)
	if err != nil {
		t.Fatal(err)
	}
	cfg := node.Config{DataDir: t.TempDir(), Genesis: g, NoSync: true, NoP2P: true, Mine: true}
	cfg.RPC.Addr = "127.0.0.1:0"
	cfg.Miner.Threads = 1
	n, err := node.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := n.Start(ctx); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		if err := n.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return "http://" + n.RPCAddr()
}

// runBench runs the command in process and returns its exit code, stdout
// and stderr.
func runBench(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), append([]string{"quarry-bench"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestSmallRuns(t *testing.T) {
	url := startDevNode(t)
	for _, mode := range []string{modeTransfer, modeToken} {
		// Sequential: both load the one node.
		t.Run(mode, func(t *testing.T) {
			code, out, errOut := runBench(t, "--rpc", url, "--accounts", "10", "--txs", "300", "--clients", "4",
				"--mode", mode, "--timeout", "60s", "--json")
			if code != exitOK {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
			}
			var r report
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("report %q: %v", out, err)
			}
			if r.Txs != 300 || r.Accepted != 300 || r.Rejected != 0 || r.Included != 300 {
				t.Errorf("txs %d accepted %d rejected %d included %d, want 300/300/0/300", r.Txs, r.Accepted, r.Rejected, r.Included)
			}
			if r.Accepted+r.Rejected != r.Txs || r.Included+r.Lost != r.Accepted {
				t.Errorf("counts do not add up: %+v", r)
			}
			if r.Lost != 0 || r.IncludedTwice != 0 || r.Failed != 0 {
				t.Errorf("lost %d, included twice %d, failed %d; want 0", r.Lost, r.IncludedTwice, r.Failed)
			}
			if r.BlocksUsed < 1 || r.LastBlock < r.FirstBlock || uint64(r.BlocksUsed) > r.LastBlock-r.FirstBlock+1 {
				t.Errorf("blocks used %d, heights %d..%d", r.BlocksUsed, r.FirstBlock, r.LastBlock)
			}
			if r.AcceptRate <= 0 || r.InclusionRate <= 0 || r.LatencyP50Ms <= 0 ||
				r.LatencyP50Ms > r.LatencyP95Ms || r.LatencyP95Ms > r.LatencyP99Ms {
				t.Errorf("rates/latencies: %+v", r)
			}
			if !strings.Contains(errOut, "sent 300/300") {
				t.Errorf("progress line missing from stderr: %q", errOut)
			}
		})
	}
}

// The cases run one at a time: urfave/cli writes to its package-level help
// flag whenever an app parses flags, a data race between parallel apps.
func TestBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"zero accounts", []string{"--accounts", "0"}, "--accounts 0"},
		{"negative txs", []string{"--txs", "-1"}, "--txs -1"},
		{"zero clients", []string{"--clients", "0"}, "--clients 0"},
		{"bad mode", []string{"--mode", "nft"}, `--mode "nft"`},
		{"bad value", []string{"--value", "lots"}, "--value"},
		{"zero gas price", []string{"--gas-price", "0"}, "--gas-price"},
		{"bad timeout", []string{"--timeout", "0s"}, "--timeout"},
		{"short key", []string{"--key", "abcd"}, "--key"},
		{"zero key", []string{"--key", strings.Repeat("0", 64)}, "--key"},
		{"key and index", []string{"--key", strings.Repeat("1", 64), "--mnemonic-index", "1"}, "not both"},
		{"index out of range", []string{"--mnemonic-index", "10"}, "--mnemonic-index 10"},
		{"bad url", []string{"--rpc", "ftp://x"}, "--rpc"},
		{"unknown flag", []string{"--speed", "9"}, "speed"},
		{"stray argument", []string{"go"}, `unexpected argument "go"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runBench(t, tt.args...)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d; stderr %q", code, exitUsage, errOut)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q does not mention %q", errOut, tt.want)
			}
		})
	}
}

func TestUnreachableNode(t *testing.T) {
	// Port 1 on loopback: nothing listens there.
	code, _, errOut := runBench(t, "--rpc", "http://127.0.0.1:1", "--timeout", "2s")
	if code != exitRun || !strings.Contains(errOut, "chain id") {
		t.Fatalf("exit %d, stderr %q; want %d and the failing step", code, errOut, exitRun)
	}
}
