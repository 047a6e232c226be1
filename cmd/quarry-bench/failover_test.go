package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/wallet/rpcclient"
)

// deadURL is a loopback port nothing listens on.
const deadURL = "http://127.0.0.1:1"

// rpcStub answers JSON-RPC requests with reply(method), counting them.
func rpcStub(t *testing.T, reply func(method string) (result any, errMsg string)) (*rpcclient.Client, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		result, msg := reply(req.Method)
		resp := map[string]any{"jsonrpc": "2.0", "id": req.ID, "result": result}
		if msg != "" {
			delete(resp, "result")
			resp["error"] = map[string]any{"code": -32000, "message": msg}
		}
		json.NewEncoder(w).Encode(resp)
	}))
	t.Cleanup(srv.Close)
	return mustClient(t, srv.URL), &calls
}

func mustClient(t *testing.T, url string) *rpcclient.Client {
	t.Helper()
	c, err := rpcclient.New(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSendFailover: a node that does not answer gets the transaction sent
// to the next one; what that node answers decides.
func TestSendFailover(t *testing.T) {
	t.Parallel()
	tx := signedTx{raw: []byte{0xc0}, hash: types.Hash{0x7e}}
	known := func(msg string, lookup any) func(string) (any, string) {
		return func(method string) (any, string) {
			if method == "eth_getTransactionByHash" {
				return lookup, ""
			}
			return nil, msg
		}
	}
	found := map[string]any{"hash": tx.hash.Hex()}
	tests := []struct {
		name     string
		reply    func(string) (any, string)
		accepted bool
		known    bool
		kind     string
	}{
		{"accepted", func(string) (any, string) { return tx.hash.Hex(), "" }, true, false, ""},
		{"already known", known("already known", nil), true, true, ""},
		{"mined meanwhile", known("nonce too low: next nonce 3, tx nonce 2", found), true, true, ""},
		{"nonce too low, not ours", known("nonce too low: next nonce 3, tx nonce 2", nil), false, false, "nonce too low: next nonce 3, tx nonce 2"},
		{"refused", known("insufficient funds for gas * price + value", nil), false, false, "insufficient funds for gas * price + value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			live, _ := rpcStub(t, tt.reply)
			s := &sender{clients: []*rpcclient.Client{mustClient(t, deadURL), live}, conc: 1}
			node := 0
			r := s.send(context.Background(), &node, &tx)
			if r.accepted != tt.accepted || r.known != tt.known || r.kind != tt.kind {
				t.Fatalf("got %+v, want accepted %v known %v kind %q", r, tt.accepted, tt.known, tt.kind)
			}
			if node != 1 || s.failovers.Load() != 1 {
				t.Fatalf("left at node %d after %d failovers, want node 1 after 1", node, s.failovers.Load())
			}
		})
	}
	t.Run("no node answers", func(t *testing.T) {
		t.Parallel()
		s := &sender{clients: []*rpcclient.Client{mustClient(t, deadURL)}, conc: 1}
		ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
		defer cancel()
		node := 0
		r := s.send(ctx, &node, &tx)
		if r.accepted || r.kind != "no answer before the deadline" || s.failovers.Load() < 2 {
			t.Fatalf("got %+v after %d tries, want retries until the deadline", r, s.failovers.Load())
		}
	})
}

// TestNodeSet: reads move on from a node that does not answer and stay
// with the one that does; a node's error answer is not a reason to move.
func TestNodeSet(t *testing.T) {
	t.Parallel()
	live, calls := rpcStub(t, func(method string) (any, string) {
		if method == "eth_blockNumber" {
			return "0x2a", ""
		}
		return nil, "the method " + method + " does not exist/is not available"
	})
	s := newNodeSet([]*rpcclient.Client{mustClient(t, deadURL), live})
	ctx := context.Background()
	for range 3 {
		if n, err := s.BlockNumber(ctx); err != nil || n != 42 {
			t.Fatalf("BlockNumber = %d, %v", n, err)
		}
	}
	if _, i := s.current(); i != 1 || calls.Load() != 3 {
		t.Fatalf("at node %d after %d calls to the live one, want node 1 and 3", i, calls.Load())
	}
	var rerr *rpcclient.Error
	if err := s.Call(ctx, nil, "eth_nope"); !errors.As(err, &rerr) {
		t.Fatalf("error answer: %v", err)
	}
	if _, i := s.current(); i != 1 {
		t.Fatal("an error answer moved the set off a live node")
	}
	dead := newNodeSet([]*rpcclient.Client{mustClient(t, deadURL), mustClient(t, deadURL)})
	if _, err := dead.BlockNumber(ctx); !transportFailure(err) {
		t.Fatalf("no node up: %v", err)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	if newRateLimit(0) != nil {
		t.Fatal("rate 0 limits")
	}
	l := newRateLimit(50) // every 20 ms
	start := time.Now()
	for range 11 {
		if !l.wait(context.Background()) {
			t.Fatal("wait failed")
		}
	}
	if d := time.Since(start); d < 200*time.Millisecond || d > 2*time.Second {
		t.Fatalf("11 sends at 50/s took %v, want about 200 ms", d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if l.wait(ctx) {
		t.Fatal("wait after cancel")
	}
}

// TestFailoverRun: half the clients start on a node that is down; every
// transaction is accepted by the live one all the same, and each is
// recorded once in --accepted-out.
func TestFailoverRun(t *testing.T) {
	url := startDevNode(t)
	out := filepath.Join(t.TempDir(), "accepted.txt")
	code, stdout, stderr := runBench(t, "--rpc", url+","+deadURL, "--accounts", "6", "--txs", "60", "--clients", "4",
		"--rate", "400", "--timeout", "60s", "--json", "--accepted-out", out)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	var r report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("report %q: %v", stdout, err)
	}
	if r.Accepted != 60 || r.Included != 60 || r.Lost != 0 || r.Failovers < 1 {
		t.Fatalf("accepted %d included %d lost %d failovers %d; want 60, 60, 0, 1+", r.Accepted, r.Included, r.Lost, r.Failovers)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	nonces := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 4 || fields[3] != url || seen[fields[0]] {
			t.Fatalf("line %q: want a new hash, a sender, a nonce and %s", sc.Text(), url)
		}
		seen[fields[0]] = true
		n, err := strconv.Atoi(fields[2])
		if err != nil {
			t.Fatal(err)
		}
		nonces[fields[1]] = max(nonces[fields[1]], n+1)
	}
	if len(seen) != 60 || len(nonces) != 6 {
		t.Fatalf("%d lines from %d senders, want 60 from 6", len(seen), len(nonces))
	}
	for sender, n := range nonces {
		if n != 10 {
			t.Errorf("sender %s: nonces up to %d, want 0 to 9", sender, n-1)
		}
	}
}
