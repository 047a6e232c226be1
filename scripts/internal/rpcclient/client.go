package rpcclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// ErrUnreachable: the node did not answer (not running, wrong port), or
// answered something that is not JSON-RPC.
var ErrUnreachable = errors.New("node unreachable")

// Error is a JSON-RPC error object a node answered with.
type Error struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return fmt.Sprintf("rpc error %d: %s", e.Code, e.Message) }

// DefaultMaxResponse bounds what a Client reads of one answer unless told
// otherwise: far above any answer the tools expect, so a larger one means
// the URL is not a node.
const DefaultMaxResponse = 32 << 20

// Client calls one node's JSON-RPC endpoint over HTTP.
type Client struct {
	url         string
	http        *http.Client
	maxResponse int64
	id          atomic.Uint64
}

// New returns a client of the endpoint at url ("host:port" means http),
// whose calls give up after timeout.
func New(url string, timeout time.Duration) *Client {
	return NewWithHTTP(url, &http.Client{Timeout: timeout})
}

// NewWithHTTP returns a client of the endpoint at url that sends its
// requests through hc (its own transport, say, for connections of its
// own).
func NewWithHTTP(url string, hc *http.Client) *Client {
	if !strings.Contains(url, "://") {
		url = "http://" + url
	}
	return &Client{url: url, http: hc, maxResponse: DefaultMaxResponse}
}

// URL returns the endpoint's URL.
func (c *Client) URL() string { return c.url }

// Call sends method with params and decodes the result into out (skipped
// when out is nil).
func (c *Client) Call(ctx context.Context, out any, method string, params ...any) error {
	if params == nil {
		params = []any{} // a nil slice in an interface is not nil: it would send null
	}
	raw, err := c.CallRaw(ctx, method, params)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s %s: result %.200s: %w", c.url, method, raw, err)
	}
	return nil
}

// CallRaw returns the result's JSON text. params nil sends [].
func (c *Client) CallRaw(ctx context.Context, method string, params any) (json.RawMessage, error) {
	if params == nil {
		params = []any{}
	}
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": c.id.Add(1), "method": method, "params": params})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrUnreachable, c.url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrUnreachable, c.url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxResponse))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrUnreachable, c.url, err)
	}
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *Error          `json:"error"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%w: %s: HTTP %d, not JSON-RPC: %.200q", ErrUnreachable, c.url, resp.StatusCode, data)
	}
	if r.Error != nil {
		return nil, fmt.Errorf("%s %s: %w", c.url, method, r.Error)
	}
	if r.Result == nil {
		return nil, fmt.Errorf("%w: %s: HTTP %d, response without result: %.200q", ErrUnreachable, c.url, resp.StatusCode, data)
	}
	return r.Result, nil
}

// BlockNumber returns eth_blockNumber.
func (c *Client) BlockNumber(ctx context.Context) (uint64, error) {
	var n Quantity
	err := c.Call(ctx, &n, "eth_blockNumber")
	return uint64(n), err
}
