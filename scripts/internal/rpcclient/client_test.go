package rpcclient

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestCall covers the outcomes a caller tells apart: a result, a node's
// error, and an endpoint that is not a node.
func TestCall(t *testing.T) {
	tests := []struct {
		name        string
		answer      string // the HTTP body the endpoint answers; "" closes the server first
		wantN       uint64
		wantCode    int // a JSON-RPC error's code
		unreachable bool
	}{
		{"result", `{"jsonrpc":"2.0","id":1,"result":"0x2a"}`, 42, 0, false},
		{"rpc error", `{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"no such method"}}`, 0, -32601, false},
		{"not json-rpc", `<html>hello</html>`, 0, 0, true},
		{"no result", `{"jsonrpc":"2.0","id":1}`, 0, 0, true},
		{"bad quantity", `{"jsonrpc":"2.0","id":1,"result":"42"}`, 0, 0, false},
		{"down", "", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var req struct {
					Method string          `json:"method"`
					Params json.RawMessage `json:"params"`
				}
				if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Method != "eth_blockNumber" || string(req.Params) != "[]" {
					t.Errorf("request %+v, %v", req, err)
				}
				w.Write([]byte(tt.answer))
			}))
			url := srv.URL
			if tt.answer == "" {
				srv.Close()
			} else {
				defer srv.Close()
			}
			n, err := New(url, 5*time.Second).BlockNumber(context.Background())
			var rerr *Error
			switch {
			case tt.unreachable:
				if !errors.Is(err, ErrUnreachable) {
					t.Fatalf("err = %v, want ErrUnreachable", err)
				}
			case tt.wantCode != 0:
				if !errors.As(err, &rerr) || rerr.Code != tt.wantCode || errors.Is(err, ErrUnreachable) {
					t.Fatalf("err = %v, want the node's error %d", err, tt.wantCode)
				}
			case tt.name == "bad quantity":
				if err == nil || errors.Is(err, ErrUnreachable) {
					t.Fatalf("err = %v, want a decoding error", err)
				}
			default:
				if err != nil || n != tt.wantN {
					t.Fatalf("BlockNumber = %d, %v; want %d", n, err, tt.wantN)
				}
			}
		})
	}
}

func TestParseQuantity(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0x0", 0, true}, {"0x1a", 26, true}, {"0xffffffffffffffff", 1<<64 - 1, true},
		{"0x", 0, false}, {"1a", 0, false}, {"0x1ffffffffffffffff", 0, false}, {"0xzz", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseQuantity(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseQuantity(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
