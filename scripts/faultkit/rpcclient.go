package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// errUnreachable: the node did not answer, or answered something that is
// not JSON-RPC.
var errUnreachable = errors.New("node unreachable")

// rpcError is a JSON-RPC error object a node answered with.
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("rpc error %d: %s", e.Code, e.Message) }

// Codes of the JSON-RPC errors the attacks expect (JSON-RPC 2.0 and the
// node's own, see rpc/errors.go).
const (
	codeParseError     = -32700
	codeInvalidRequest = -32600
	codeMethodNotFound = -32601
	codeInvalidParams  = -32602
	codeServer         = -32000
	codeRespTooLarge   = -32003
	codeReverted       = 3
)

// maxResponseBytes bounds what the client reads of one answer to a normal
// call; the hostile cases read raw bodies with their own bounds.
const maxResponseBytes = 32 << 20

// rpcClient calls one node's JSON-RPC endpoint over HTTP.
type rpcClient struct {
	url  string
	http *http.Client
	id   atomic.Uint64
}

func newRPCClient(url string, timeout time.Duration) *rpcClient {
	if !strings.Contains(url, "://") {
		url = "http://" + url
	}
	return &rpcClient{url: url, http: &http.Client{Timeout: timeout}}
}

// call sends method with params and decodes the result into out (skipped
// when out is nil).
func (c *rpcClient) call(ctx context.Context, out any, method string, params ...any) error {
	if params == nil {
		params = []any{}
	}
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": c.id.Add(1), "method": method, "params": params})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: %s: %v", errUnreachable, c.url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", errUnreachable, c.url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return fmt.Errorf("%w: %s: %v", errUnreachable, c.url, err)
	}
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *rpcError       `json:"error"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("%w: %s: HTTP %d, not JSON-RPC: %.200q", errUnreachable, c.url, resp.StatusCode, data)
	}
	if r.Error != nil {
		return fmt.Errorf("%s: %w", method, r.Error)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(r.Result, out); err != nil {
		return fmt.Errorf("%s: result %.200s: %w", method, r.Result, err)
	}
	return nil
}

// blockNumber returns eth_blockNumber.
func (c *rpcClient) blockNumber(ctx context.Context) (uint64, error) {
	var n quantity
	err := c.call(ctx, &n, "eth_blockNumber")
	return uint64(n), err
}

// quantity is a JSON-RPC hex quantity ("0x1a").
type quantity uint64

func (q *quantity) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	digits, ok := strings.CutPrefix(s, "0x")
	if !ok || digits == "" || len(digits) > 16 {
		return fmt.Errorf("bad quantity %q", s)
	}
	n, err := strconv.ParseUint(digits, 16, 64)
	if err != nil {
		return fmt.Errorf("bad quantity %q: %w", s, err)
	}
	*q = quantity(n)
	return nil
}
