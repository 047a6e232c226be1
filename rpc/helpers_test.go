package rpc

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// testServer is a Server over a fake, served by httptest.
type testServer struct {
	*Server
	f   *fake
	url string
}

// newTestServer starts a server over a fresh fake; mutate may adjust the
// config first.
func newTestServer(t testing.TB, mutate func(*Config)) *testServer {
	t.Helper()
	f := newFake(t)
	cfg := f.config()
	if mutate != nil {
		mutate(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.startBackground(ctx)
	hs := httptest.NewServer(s)
	t.Cleanup(func() {
		hs.Close()
		cancel()
	})
	return &testServer{Server: s, f: f, url: hs.URL}
}

// post sends body as a JSON-RPC POST and returns status and body.
func (ts *testServer) post(t testing.TB, body string, hdr ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, ts.url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// testResponse is a decoded response.
type testResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   *struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	} `json:"error"`
}

// call sends one request with params (a JSON array text) and decodes the
// response.
func (ts *testServer) call(t testing.TB, method, params string) testResponse {
	t.Helper()
	_, body := ts.post(t, `{"jsonrpc":"2.0","id":1,"method":"`+method+`","params":`+params+`}`)
	var r testResponse
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("%s: bad response %q: %v", method, body, err)
	}
	if r.JSONRPC != "2.0" || string(r.ID) != "1" {
		t.Fatalf("%s: bad envelope %s", method, body)
	}
	return r
}

// result calls and requires success, decoding the result into v (if not nil).
func (ts *testServer) result(t testing.TB, method, params string, v any) json.RawMessage {
	t.Helper()
	r := ts.call(t, method, params)
	if r.Error != nil {
		t.Fatalf("%s %s: error %d %s", method, params, r.Error.Code, r.Error.Message)
	}
	if v != nil {
		if err := json.Unmarshal(r.Result, v); err != nil {
			t.Fatalf("%s: decoding %s: %v", method, r.Result, err)
		}
	}
	return r.Result
}

// jsonEqual compares two JSON texts structurally.
func jsonEqual(t testing.TB, got, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("got is not JSON: %q", got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want is not JSON: %q", want)
	}
	return reflect.DeepEqual(g, w)
}

// replacer substitutes fixture values into expected texts: {b0}..{b3}
// block hashes, {tx1}..{tx3} transaction hashes, {sender}, {token},
// {other}, {recipient}, {revert}, {oog}, {topicA}, {topicB}, {work}.
func (ts *testServer) replacer() *strings.Replacer {
	f := ts.f
	kv := []string{
		"{sender}", f.sender.Hex(), "{token}", tokenAddr.Hex(), "{other}", otherAddr.Hex(),
		"{recipient}", recipient.Hex(), "{revert}", revertAddr.Hex(), "{oog}", oogAddr.Hex(),
		"{topicA}", topicA.Hex(), "{topicB}", topicB.Hex(), "{work}", workID.Hex(),
	}
	for i, b := range f.main {
		kv = append(kv, "{b"+string(rune('0'+i))+"}", b.Hash().Hex())
	}
	kv = append(kv, "{tx1}", f.main[1].Txs[0].Hash().Hex(), "{tx2}", f.main[2].Txs[0].Hash().Hex(), "{tx3}", f.main[2].Txs[1].Hash().Hex())
	return strings.NewReplacer(kv...)
}

// rawTx returns the 0x-hex encoding of tx.
func rawTx(tx *types.Transaction) string { return hexutil.Encode(tx.Encode()) }

// mustJSON encodes v.
func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
