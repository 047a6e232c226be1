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
)

// errUnreachable: the node did not answer (not running, wrong port, or an
// answer that is not JSON-RPC).
var errUnreachable = errors.New("node unreachable")

// rpcError is a JSON-RPC error object a node answered with.
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("rpc error %d: %s", e.Code, e.Message) }

// maxResponseBytes bounds one response; a testnet's answers are small, so
// a larger one means the URL is not a node.
const maxResponseBytes = 32 << 20

// client calls one node's JSON-RPC endpoint.
type client struct {
	url  string
	http *http.Client
	id   atomic.Uint64
}

func newClient(url string) *client {
	if !strings.Contains(url, "://") {
		url = "http://" + url
	}
	return &client{url: url, http: &http.Client{Timeout: callTimeout}}
}

// call sends method with params (any JSON-encodable slice, nil for none)
// and decodes the result into out (skipped when out is nil).
func (c *client) call(ctx context.Context, out any, method string, params ...any) error {
	raw, err := c.callRaw(ctx, method, params)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s %s: result %s: %w", c.url, method, raw, err)
	}
	return nil
}

// callRaw returns the result's JSON text. params nil sends [].
func (c *client) callRaw(ctx context.Context, method string, params any) (json.RawMessage, error) {
	if params == nil {
		params = []any{}
	}
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": c.id.Add(1), "method": method, "params": params})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", errUnreachable, c.url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", errUnreachable, c.url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", errUnreachable, c.url, err)
	}
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *rpcError       `json:"error"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%w: %s: HTTP %d, not JSON-RPC: %.200q", errUnreachable, c.url, resp.StatusCode, data)
	}
	if r.Error != nil {
		return nil, fmt.Errorf("%s %s: %w", c.url, method, r.Error)
	}
	if r.Result == nil {
		return nil, fmt.Errorf("%w: %s: HTTP %d, response without result: %.200q", errUnreachable, c.url, resp.StatusCode, data)
	}
	return r.Result, nil
}

// quantity is a JSON-RPC hex quantity ("0x1a").
type quantity uint64

func (q *quantity) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	n, err := parseQuantity(s)
	*q = quantity(n)
	return err
}

func parseQuantity(s string) (uint64, error) {
	digits, ok := strings.CutPrefix(s, "0x")
	if !ok || digits == "" || len(digits) > 16 {
		return 0, fmt.Errorf("bad quantity %q", s)
	}
	return strconv.ParseUint(digits, 16, 64)
}

// blockNumber returns eth_blockNumber.
func (c *client) blockNumber(ctx context.Context) (uint64, error) {
	var n quantity
	err := c.call(ctx, &n, "eth_blockNumber")
	return uint64(n), err
}

// blockRef is the part of a block the checks need.
type blockRef struct {
	Number    quantity `json:"number"`
	Hash      string   `json:"hash"`
	StateRoot string   `json:"stateRoot"`
}

// blockAt returns the active chain's block at height n, or the head for
// n < 0.
func (c *client) blockAt(ctx context.Context, n int64) (*blockRef, error) {
	tag := "latest"
	if n >= 0 {
		tag = "0x" + strconv.FormatUint(uint64(n), 16)
	}
	var b *blockRef
	if err := c.call(ctx, &b, "eth_getBlockByNumber", tag, false); err != nil {
		return nil, err
	}
	if b == nil {
		return nil, fmt.Errorf("%s: no block %s", c.url, tag)
	}
	return b, nil
}

// peerCount returns the number of entries of admin_peers.
func (c *client) peerCount(ctx context.Context) (int, error) {
	var peers []json.RawMessage
	err := c.call(ctx, &peers, "admin_peers")
	return len(peers), err
}
