package rpcclient

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

// fakeNode answers every request with reply(method, id).
func fakeNode(t *testing.T, reply func(method string, id json.RawMessage) (int, string)) *Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &req); err != nil {
			t.Errorf("bad request body %s", body)
		}
		status, out := reply(req.Method, req.ID)
		w.WriteHeader(status)
		io.WriteString(w, out)
	}))
	t.Cleanup(srv.Close)
	c, err := New(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ok(result string) func(string, json.RawMessage) (int, string) {
	return func(_ string, id json.RawMessage) (int, string) {
		return 200, `{"jsonrpc":"2.0","id":` + string(id) + `,"result":` + result + `}`
	}
}

func TestTypedCalls(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if n, err := fakeNode(t, ok(`"0x539"`)).ChainID(ctx); err != nil || n != 1337 {
		t.Fatalf("ChainID = %d, %v", n, err)
	}
	if b, err := fakeNode(t, ok(`"0xde0b6b3a7640000"`)).Balance(ctx, types.Address{1}, "latest"); err != nil || b.Uint64() != 1e18 {
		t.Fatalf("Balance = %v, %v", b, err)
	}
	if r, err := fakeNode(t, ok(`null`)).Receipt(ctx, types.Hash{1}); err != nil || r != nil {
		t.Fatalf("Receipt of unknown tx = %v, %v; want nil, nil", r, err)
	}
	if raw, err := fakeNode(t, ok(`null`)).RawObject(ctx, "eth_getBlockByNumber", "0x99", false); err != nil || raw != nil {
		t.Fatalf("RawObject null = %s, %v", raw, err)
	}
}

func TestNodeErrorIsKeptVerbatim(t *testing.T) {
	t.Parallel()
	c := fakeNode(t, func(_ string, id json.RawMessage) (int, string) {
		return 200, `{"jsonrpc":"2.0","id":` + string(id) + `,"error":{"code":-32000,"message":"nonce too low: address 0x.., tx: 0 state: 1"}}`
	})
	_, err := c.SendRawTransaction(context.Background(), []byte{1})
	var rerr *Error
	if !errors.As(err, &rerr) || rerr.Code != -32000 || rerr.Error() != "nonce too low: address 0x.., tx: 0 state: 1" {
		t.Fatalf("error = %#v", err)
	}
	if _, isRevert := rerr.RevertData(); isRevert {
		t.Fatal("nonce error reported as a revert")
	}
}

func TestRevertData(t *testing.T) {
	t.Parallel()
	c := fakeNode(t, func(_ string, id json.RawMessage) (int, string) {
		return 200, `{"jsonrpc":"2.0","id":` + string(id) + `,"error":{"code":3,"message":"execution reverted: no","data":"0x08c379a0"}}`
	})
	_, err := c.CallContract(context.Background(), CallMsg{}, "latest")
	var rerr *Error
	if !errors.As(err, &rerr) {
		t.Fatalf("error = %v", err)
	}
	data, isRevert := rerr.RevertData()
	if !isRevert || len(data) != 4 || data[0] != 0x08 {
		t.Fatalf("RevertData = %x, %v", data, isRevert)
	}
}

func TestTransportErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply func(string, json.RawMessage) (int, string)
		want  error
	}{
		{"not json", func(string, json.RawMessage) (int, string) { return 200, "hello" }, ErrBadResponse},
		{"wrong id", func(string, json.RawMessage) (int, string) { return 200, `{"jsonrpc":"2.0","id":999,"result":"0x1"}` }, ErrBadResponse},
		{"no result", func(_ string, id json.RawMessage) (int, string) {
			return 200, `{"jsonrpc":"2.0","id":` + string(id) + `}`
		}, ErrBadResponse},
		{"wrong shape", ok(`{"a":1}`), ErrBadResponse},
		{"http 404", func(string, json.RawMessage) (int, string) { return 404, "404 page not found" }, ErrHTTPStatus},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := fakeNode(t, tt.reply).ChainID(context.Background())
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestUnreachable(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	c, err := New("http://"+addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ChainID(context.Background()); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("error = %v, want ErrUnreachable", err)
	}
}

func TestBadURL(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "localhost:8545", "ftp://x", "http://", "ws://127.0.0.1:8545", "http://[::1"} {
		if _, err := New(u, nil); !errors.Is(err, ErrBadURL) {
			t.Errorf("New(%q) error = %v, want ErrBadURL", u, err)
		}
	}
}

func TestFilterQueryJSON(t *testing.T) {
	t.Parallel()
	q := FilterQuery{FromBlock: "0x1", Addresses: []types.Address{{0xaa}}, Topics: [][]types.Hash{{{1}}, nil, {{2}, {3}}}}
	b, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	json.Unmarshal(b, &back)
	topics := back["topics"].([]any)
	if back["fromBlock"] != "0x1" || back["toBlock"] != nil || len(topics) != 3 || topics[1] != nil || len(topics[2].([]any)) != 2 {
		t.Fatalf("filter JSON = %s", b)
	}
}

func TestErrorKindsAreDistinct(t *testing.T) {
	t.Parallel()
	kinds := []error{ErrUnreachable, ErrHTTPStatus, ErrBadResponse, ErrBadURL}
	for i, a := range kinds {
		for j, b := range kinds {
			if errors.Is(a, b) != (i == j) {
				t.Errorf("errors.Is(%v, %v) = %v", a, b, i != j)
			}
		}
	}
}

// FuzzDecodeResponse: any body decodes to a result, a node error or a
// typed ErrBadResponse, without panicking.
func FuzzDecodeResponse(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"result":"0x1"}`,
		`{"jsonrpc":"2.0","id":1,"error":{"code":3,"message":"execution reverted","data":"0x"}}`,
		`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}`,
		`[]`, `null`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		raw, err := decodeResponse(body, 1)
		var rerr *Error
		switch {
		case err == nil:
			if raw == nil {
				t.Fatal("nil result without error")
			}
		case errors.As(err, &rerr):
			rerr.RevertData()
		case !errors.Is(err, ErrBadResponse):
			t.Fatalf("untyped error %v", err)
		}
	})
}
