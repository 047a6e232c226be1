package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestParseEndpoint(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in               string
		addr, path, host string
		err              bool
	}{
		{"http://127.0.0.1:8545", "127.0.0.1:8545", "/", "127.0.0.1:8545", false},
		{"127.0.0.1:8545/rpc", "127.0.0.1:8545", "/rpc", "127.0.0.1:8545", false},
		{"http://localhost", "localhost:80", "/", "localhost", false},
		{"https://node:443", "", "", "", true},
	} {
		ep, err := parseEndpoint(tt.in)
		if (err != nil) != tt.err || (err == nil && (ep.addr != tt.addr || ep.path != tt.path || ep.host != tt.host)) {
			t.Errorf("%s: %+v %v", tt.in, ep, err)
		}
	}
}

// TestWriteRequest: what the attacks put on the wire is a request net/http
// parses, with the body intact, declared or chunked.
func TestWriteRequest(t *testing.T) {
	t.Parallel()
	ep := endpoint{addr: "127.0.0.1:1", path: "/rpc", host: "node"}
	body := `{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}`
	for _, tt := range []struct {
		name string
		req  rawRequest
	}{
		{"declared", rawRequest{body: strings.NewReader(body), length: int64(len(body))}},
		{"chunked", rawRequest{body: strings.NewReader(body), length: -1}},
		{"big param", rawRequest{body: bigParamBody(int64(len(body)) + 100), length: int64(len(body)) + 100}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			n := writeRequest(&buf, ep, tt.req)
			r, err := http.ReadRequest(bufio.NewReader(&buf))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r.Body)
			if err != nil {
				t.Fatal(err)
			}
			if r.Method != http.MethodPost || r.URL.Path != "/rpc" || r.Host != "node" || r.Header.Get("Content-Type") != "application/json" {
				t.Fatalf("request %s %s host %s type %q", r.Method, r.URL, r.Host, r.Header.Get("Content-Type"))
			}
			if int64(len(got)) != n || (tt.name != "big param" && string(got) != body) {
				t.Fatalf("body %d bytes (%d written): %.80q", len(got), n, got)
			}
		})
	}
}

func TestFillReader(t *testing.T) {
	t.Parallel()
	b, err := io.ReadAll(bigParamBody(200))
	if err != nil || len(b) != 200 || !strings.HasSuffix(string(b), `00"]}`) {
		t.Fatalf("%d bytes %q %v", len(b), b, err)
	}
}
