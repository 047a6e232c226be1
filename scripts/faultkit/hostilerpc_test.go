package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/node"
	"github.com/quarry-chain/quarry/rpc"
)

// testRPCConfig is a hostile-RPC run sized for tests, against a node whose
// request timeout is requestTimeout (so its read and write timeouts are ten
// seconds more).
func testRPCConfig(url string, requestTimeout, wsWriteTimeout time.Duration) *rpcConfig {
	return &rpcConfig{
		url: url, duration: 25 * time.Second,
		maxBody: rpc.DefaultMaxBodyBytes, maxBatch: rpc.DefaultMaxBatch, maxBatchResponse: rpc.DefaultMaxBatchResponse,
		headerTimeout: 10 * time.Second, readTimeout: requestTimeout + 10*time.Second, writeTimeout: requestTimeout + 10*time.Second,
		wsWriteTimeout: wsWriteTimeout,
		slowConns:      20, noReadConns: 2, wsConns: 1,
		maxLatency: 5 * time.Second,
	}
}

// TestHostileRPCCases runs every case against a real mining node whose
// timeouts are short enough for the slow cases to see them act: each case
// gets its clean outcome, the limits are seen to act (not merely not
// reached), and the well-behaved client is unaffected.
func TestHostileRPCCases(t *testing.T) {
	t.Parallel()
	tn := startTestNode(t, func(c *node.Config) {
		c.RPC.RequestTimeout = time.Second
		c.RPC.WSWriteTimeout = 2 * time.Second
	})
	tn.waitHeight(t, 1, time.Minute)
	cfg := testRPCConfig(tn.url, time.Second, 2*time.Second)
	// Long enough for the node's header, read and write timeouts (10 s,
	// 11 s and 11 s) to act, plus slowSlack, however long the quick cases
	// took.
	cfg.slowBudget = 17 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	reports, sum, err := runHostileRPC(ctx, cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != len(caseNames(cfg)) {
		t.Fatalf("%d reports for %d cases", len(reports), len(caseNames(cfg)))
	}
	// What the slow cases must have seen happen, not just survived.
	seen := map[string]string{
		"endless-body":       "MiB sent",
		"slowloris-headers":  "20 of 20 ended by the server",
		"slowloris-body":     "20 of 20 ended by the server",
		"noread-ws":          "1 of 1 dropped|big answers held back",
		"big-response-batch": "cut)",
	}
	for _, r := range reports {
		if r.verdict != verdictPass {
			t.Errorf("%s: %s: got %s; want %s", r.name, r.verdict, r.got, r.want)
		}
		if want, ok := seen[r.name]; ok && !slices.ContainsFunc(strings.Split(want, "|"), func(w string) bool { return strings.Contains(r.got, w) }) {
			t.Errorf("%s: got %q, want it to say %q", r.name, r.got, want)
		}
		if strings.Contains(r.got, "not reached") {
			t.Errorf("%s: the limit was not seen to act: %s", r.name, r.got)
		}
	}
	if sum.verdict != verdictPass {
		t.Errorf("well-behaved client: %s", sum.why)
	}
	if sum.attack.calls < 50 || sum.heads == 0 {
		t.Errorf("well-behaved client made %d calls and saw %d heads", sum.attack.calls, sum.heads)
	}
	if tn.n.Chain().Best().Height < sum.startHeight+2 {
		t.Errorf("the node stopped mining: height %d, started at %d", tn.n.Chain().Best().Height, sum.startHeight)
	}
}

// lenientServer answers every request with one success and enforces no
// limit: a server without the protections the cases check.
func lenientServer(t *testing.T) string {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"jsonrpc":"2.0","id":1,"result":"0x1"}`)
	}))
	t.Cleanup(s.Close)
	return s.URL
}

// TestHostileRPCDetectsMissingProtection: against a server that answers
// anything with a success, the cases fail, and the command exits 1 naming
// them.
func TestHostileRPCDetectsMissingProtection(t *testing.T) {
	t.Parallel()
	url := lenientServer(t)
	cfg := testRPCConfig(url, time.Second, time.Second)
	ep, err := parseEndpoint(url)
	if err != nil {
		t.Fatal(err)
	}
	a := &rpcAttack{ep: ep, cfg: cfg}
	cases := map[string]rpcCase{}
	for _, c := range quickCases(cfg) {
		cases[c.name] = c
	}
	for _, name := range []string{"malformed-json", "not-an-object", "unknown-method", "wrong-content-type",
		"get-request", "huge-body", "endless-body", "empty-batch", "huge-batch", "full-batch", "garbage-batch",
		"notification-batch", "deep-nesting", "deep-params", "huge-raw-tx", "big-response-batch"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if r := runCase(ctx, a, cases[name]); r.verdict != verdictFail {
				t.Fatalf("%s against a lenient server: %s (%s)", name, r.verdict, r.got)
			}
		})
	}
}

// TestHostileRPCCommandExit: the command fails (exit 1, naming the case)
// against the lenient server, and refuses bad usage (exit 2).
func TestHostileRPCCommandExit(t *testing.T) {
	t.Parallel()
	url := lenientServer(t)
	for _, tt := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"-rpc", url, "-duration", "1s", "-cases", "malformed-json,bad-id"}, exitFailed, "expectations not met: malformed-json, bad-id"},
		{[]string{"-duration", "1s"}, exitUsage, "-rpc is required"},
		{[]string{"-rpc", url, "-cases", "nope"}, exitUsage, `no case "nope"`},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"hostile-rpc"}, tt.args...), &env{stdout: &stdout, stderr: &stderr, now: time.Now})
		if code != tt.code || !strings.Contains(stderr.String(), tt.err) {
			t.Fatalf("%v: exit %d, stderr %q; want %d containing %q", tt.args, code, stderr.String(), tt.code, tt.err)
		}
	}
}

// TestSlowHeadersDetectsNoTimeout: a server that accepts connections and
// never reads or closes them fails the slowloris case once the budget
// outlasts the header timeout.
func TestSlowHeadersDetectsNoTimeout(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range held {
			c.Close()
		}
	})
	cfg := testRPCConfig("http://"+ln.Addr().String(), time.Second, time.Second)
	cfg.headerTimeout, cfg.slowConns = 500*time.Millisecond, 3
	ep, _ := parseEndpoint(cfg.url)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond+slowSlack+time.Second)
	defer cancel()
	o := caseSlowHeaders(ctx, &rpcAttack{ep: ep, cfg: cfg})
	if o.pass || !strings.Contains(o.got, "0 of 3 ended") {
		t.Fatalf("a server without a header timeout: pass %v, %s", o.pass, o.got)
	}
}
