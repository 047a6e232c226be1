package rpc

import (
	"context"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/types"
)

func TestProtocol(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(c *Config) { c.MaxBatch = 3; c.MaxBodyBytes = 1 << 16; c.MaxJSONDepth = 8 })
	tests := []struct {
		name   string
		body   string
		status int
		want   string // JSON; "" means an empty body
	}{
		{"single", `{"jsonrpc":"2.0","id":7,"method":"eth_chainId"}`, 200, `{"jsonrpc":"2.0","id":7,"result":"0x539"}`},
		{"string id", `{"jsonrpc":"2.0","id":"a","method":"eth_chainId","params":[]}`, 200, `{"jsonrpc":"2.0","id":"a","result":"0x539"}`},
		{"null id", `{"jsonrpc":"2.0","id":null,"method":"eth_chainId"}`, 200, `{"jsonrpc":"2.0","id":null,"result":"0x539"}`},
		{"parse error", `{"jsonrpc":"2.0","id":1,"method":`, 200, `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}`},
		{"not an object", `42`, 200, `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"invalid request: not a JSON object"}}`},
		{"wrong version", `{"jsonrpc":"1.0","id":1,"method":"eth_chainId"}`, 200, `{"jsonrpc":"2.0","id":1,"error":{"code":-32600,"message":"invalid request: \"jsonrpc\" must be \"2.0\""}}`},
		{"object id", `{"jsonrpc":"2.0","id":{},"method":"eth_chainId"}`, 200, `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"invalid request: id must be a string, a number or null"}}`},
		{"method type", `{"jsonrpc":"2.0","id":1,"method":5}`, 200, `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"invalid request: cannot unmarshal number into Go struct field request.method of type string"}}`},
		{"missing method", `{"jsonrpc":"2.0","id":1}`, 200, `{"jsonrpc":"2.0","id":1,"error":{"code":-32600,"message":"invalid request: missing \"method\""}}`},
		{"notification", `{"jsonrpc":"2.0","method":"eth_chainId"}`, 200, ``},
		{"notification of unknown method", `{"jsonrpc":"2.0","method":"nope"}`, 200, ``},
		{"invalid request without id", `{"foo":"boo"}`, 200, `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"invalid request: \"jsonrpc\" must be \"2.0\""}}`},
		{"no method, no id", `{"jsonrpc":"2.0"}`, 200, `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"invalid request: missing \"method\""}}`},
		{"empty batch", `[]`, 200, `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"empty batch"}}`},
		{"batch mixed", `[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},{"jsonrpc":"2.0","id":2,"method":"nope"},{"jsonrpc":"2.0","method":"eth_chainId"}]`, 200,
			`[{"jsonrpc":"2.0","id":1,"result":"0x539"},{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"the method nope does not exist/is not available"}}]`},
		{"batch invalid element", `[1,{"jsonrpc":"2.0","id":2,"method":"eth_blockNumber"}]`, 200,
			`[{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"invalid request: not a JSON object"}},{"jsonrpc":"2.0","id":2,"result":"0x3"}]`},
		{"batch of notifications", `[{"jsonrpc":"2.0","method":"eth_chainId"}]`, 200, ``},
		{"batch of empty objects", `[{},{"jsonrpc":"2.0","method":"eth_chainId"}]`, 200,
			`[{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"invalid request: \"jsonrpc\" must be \"2.0\""}}]`},
		{"batch too large", `[{},{},{},{}]`, 200, `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"batch too large: 4 requests, limit 3"}}`},
		{"too deep", `{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[[[[[[[[[[1]]]]]]]]]]}`, 200, `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"request nested too deeply: more than 8 levels"}}`},
		{"brackets in strings do not count", `{"jsonrpc":"2.0","id":1,"method":"eth_chainId","x":"[[[[[[[[[[[["}`, 200, `{"jsonrpc":"2.0","id":1,"result":"0x539"}`},
		{"body too large", `{"jsonrpc":"2.0","id":1,"method":"eth_chainId","x":"` + strings.Repeat("a", 1<<16) + `"}`, 413,
			`{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"invalid request: body larger than 65536 bytes"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := ts.post(t, tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d (%s)", status, tt.status, body)
			}
			if tt.want == "" {
				if body != "" {
					t.Fatalf("body %q, want none", body)
				}
				return
			}
			if !jsonEqual(t, body, tt.want) {
				t.Fatalf("body\n %s\nwant\n %s", body, tt.want)
			}
		})
	}
}

func TestHTTPRules(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, nil)
	do := func(method, ctype, origin string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, ts.url, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}`))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	tests := []struct {
		name, method, ctype, origin string
		status                      int
	}{
		{"json", "POST", "application/json", "", 200},
		{"json with charset", "POST", "application/json; charset=utf-8", "", 200},
		{"text/plain refused", "POST", "text/plain", "", 415},
		{"no content type", "POST", "", "", 415},
		{"GET refused", "GET", "", "", 405},
		{"browser origin refused by default", "POST", "application/json", "https://evil.example", 403},
		{"preflight refused by default", "OPTIONS", "", "https://evil.example", 403},
	}
	for _, tt := range tests {
		if got := do(tt.method, tt.ctype, tt.origin).StatusCode; got != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, got, tt.status)
		}
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(c *Config) { c.CORSOrigins = []string{"https://app.example"} })
	req, _ := http.NewRequest("OPTIONS", ts.url, nil)
	req.Header.Set("Origin", "https://app.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example" ||
		!strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Content-Type") {
		t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	status, body := ts.post(t, `{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}`, "Origin", "https://app.example")
	if status != 200 || !strings.Contains(body, "0x539") {
		t.Fatalf("allowed origin: %d %s", status, body)
	}
	if status, _ := ts.post(t, `{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}`, "Origin", "https://other.example"); status != 403 {
		t.Fatalf("other origin: status %d", status)
	}
	// Wallet extensions need no configuration; a page cannot pass for one.
	for origin, want := range map[string]int{
		"chrome-extension://nkbihfbeogaeaoehlefnkodbefgpgknn":  200,
		"moz-extension://0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0": 200,
		"safari-web-extension://ABCDEF":                        200,
		"chrome-extension://":                                  403,
		"https://chrome-extension.example":                     403,
	} {
		if status, _ := ts.post(t, `{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}`, "Origin", origin); status != want {
			t.Errorf("origin %s: status %d, want %d", origin, status, want)
		}
	}
}

func TestAccessRules(t *testing.T) {
	t.Parallel()
	const req = `{"jsonrpc":"2.0","id":1,"method":"%s"}`
	tests := []struct {
		name    string
		addr    string
		token   string
		bearer  string
		cors    []string
		origin  string
		allowed bool
	}{
		{"loopback, no token", "127.0.0.1:0", "", "", nil, "", true},
		{"loopback ipv6", "[::1]:0", "", "", nil, "", true},
		{"public, no token", "0.0.0.0:8545", "", "", nil, "", false},
		{"public, token not presented", "0.0.0.0:8545", "s3cret", "", nil, "", false},
		{"public, wrong token", "0.0.0.0:8545", "s3cret", "Bearer nope", nil, "", false},
		{"public, token presented", "0.0.0.0:8545", "s3cret", "Bearer s3cret", nil, "", true},
		{"loopback, token set but not presented", "127.0.0.1:0", "s3cret", "", nil, "", false},
		{"loopback, any web page allowed by *", "127.0.0.1:0", "", "", []string{"*"}, "https://evil.example", false},
		{"loopback, page listed by name", "127.0.0.1:0", "", "", []string{"*", "https://console.example"}, "https://console.example", true},
		{"loopback, wallet extension", "127.0.0.1:0", "", "", nil, "chrome-extension://nkbihfbeogaeaoehlefnkodbefgpgknn", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := newTestServer(t, func(c *Config) { c.Addr, c.AuthToken, c.CORSOrigins = tt.addr, tt.token, tt.cors })
			for _, m := range []string{"admin_peers", "miner_stop"} {
				var hdr []string
				if tt.bearer != "" {
					hdr = []string{"Authorization", tt.bearer}
				}
				if tt.origin != "" {
					hdr = append(hdr, "Origin", tt.origin)
				}
				_, body := ts.post(t, strings.Replace(req, "%s", m, 1), hdr...)
				var r testResponse
				if err := json.Unmarshal([]byte(body), &r); err != nil {
					t.Fatal(err)
				}
				if tt.allowed != (r.Error == nil) {
					t.Fatalf("%s: allowed=%v, response %s", m, tt.allowed, body)
				}
				if !tt.allowed && (r.Error.Code != -32000 || !strings.HasPrefix(r.Error.Message, "method not allowed")) {
					t.Fatalf("%s: refusal %+v", m, r.Error)
				}
			}
			// Other namespaces are unaffected.
			if _, body := ts.post(t, strings.Replace(req, "%s", "eth_chainId", 1)); !strings.Contains(body, `"result":"0x539"`) {
				t.Fatalf("eth_chainId: %s", body)
			}
		})
	}
}

func TestDisabledBackends(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s, err := New(Config{Chain: f})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"eth_getBalance", "eth_call", "eth_sendRawTransaction", "txpool_status", "miner_start", "admin_peers", "quarry_chainTips", "quarry_getWork"} {
		if _, ok := s.methods[m]; ok {
			t.Errorf("%s registered without its backend", m)
		}
	}
	for _, m := range []string{"eth_chainId", "eth_getBlockByNumber", "eth_getLogs", "eth_mining", "net_version", "web3_sha3", "quarry_difficulty"} {
		if _, ok := s.methods[m]; !ok {
			t.Errorf("%s not registered", m)
		}
	}
	if _, err := New(Config{}); err != ErrNoChain {
		t.Errorf("New without chain: %v", err)
	}
}

// slowChain blocks Head until released, to exercise the request timeout.
type slowChain struct {
	*fake
	release chan struct{}
}

func (s slowChain) HeaderByNumber(ctx context.Context, n uint64) (*types.Header, error) {
	<-s.release
	return s.fake.HeaderByNumber(ctx, n)
}

func TestRequestTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	defer close(release)
	ts := newTestServer(t, func(c *Config) {
		c.Chain = slowChain{c.Chain.(*fake), release}
		c.RequestTimeout = 50 * time.Millisecond
	})
	r := ts.call(t, "eth_getBalance", `["`+ts.f.sender.Hex()+`","0x1"]`)
	if r.Error == nil || r.Error.Code != -32002 || r.Error.Message != "request timed out" {
		t.Fatalf("timeout: %+v", r.Error)
	}
}

// panicChain panics in a handler's backend call.
type panicChain struct{ *fake }

func (panicChain) TotalWork(context.Context, types.Hash) (*big.Int, error) { panic("boom") }

func TestPanicIsInternalError(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(c *Config) { c.Chain = panicChain{c.Chain.(*fake)} })
	r := ts.call(t, "eth_getBlockByNumber", `["0x1",false]`)
	if r.Error == nil || r.Error.Code != -32603 || r.Error.Message != "internal error" {
		t.Fatalf("panic: %+v", r.Error)
	}
}

func TestStartStop(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	cfg := f.config()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	url := "http://" + s.Addr().String()
	resp, err := http.Post(url, "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if err := s.Start(context.Background()); err == nil {
		t.Fatal("second Start succeeded")
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Post(url, "application/json", strings.NewReader(`{}`)); err == nil {
		t.Fatal("server still answering after Stop")
	}
}
