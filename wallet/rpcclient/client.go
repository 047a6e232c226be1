package rpcclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// Errors, besides *Error for what the node answered.
var (
	ErrUnreachable = errors.New("rpcclient: node unreachable")
	ErrHTTPStatus  = errors.New("rpcclient: unexpected HTTP status")
	ErrBadResponse = errors.New("rpcclient: malformed response")
	ErrBadURL      = errors.New("rpcclient: bad endpoint URL")
)

// maxResponse bounds a response body: a full block of calldata (4 MiB in
// the dev genesis) hex-encodes to twice that, and eth_getLogs is capped by
// the node. 64 MiB leaves room and keeps a broken server from exhausting
// memory.
const maxResponse = 64 << 20

// DefaultTimeout bounds one request when the caller's context has no
// deadline of its own.
const DefaultTimeout = 30 * time.Second

// Error is an error object the node answered with.
type Error struct {
	Code    int
	Message string
	Data    json.RawMessage // absent: nil
}

// Error returns the node's message as it sent it.
func (e *Error) Error() string { return e.Message }

// RevertData returns the payload of an "execution reverted" error (code
// 3 with hex data), and whether e is one.
func (e *Error) RevertData() ([]byte, bool) {
	if e.Code != 3 {
		return nil, false
	}
	var h string
	if json.Unmarshal(e.Data, &h) != nil {
		return nil, true
	}
	b, err := decodeHex(h)
	if err != nil {
		return nil, true
	}
	return b, true
}

// Client talks to one node. It is safe for concurrent use.
type Client struct {
	url    string
	hc     *http.Client
	nextID atomic.Uint64
}

// New returns a client for the http or https endpoint rawURL. A nil hc
// uses a client with DefaultTimeout.
func New(rawURL string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: %q (want http://host:port)", ErrBadURL, rawURL)
	}
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	return &Client{url: rawURL, hc: hc}, nil
}

// URL returns the endpoint.
func (c *Client) URL() string { return c.url }

type request struct {
	JSONRPC string `json:"jsonrpc"`
	ID      uint64 `json:"id"`
	Method  string `json:"method"`
	Params  []any  `json:"params"`
}

// Call invokes method with params and decodes the result into result
// (which may be nil to discard it). A JSON null result leaves result
// untouched; use a pointer field to tell it apart.
func (c *Client) Call(ctx context.Context, result any, method string, params ...any) error {
	if params == nil {
		params = []any{}
	}
	id := c.nextID.Add(1)
	body, err := json.Marshal(request{JSONRPC: "2.0", ID: id, Method: method, Params: params})
	if err != nil {
		return fmt.Errorf("rpcclient: encode %s params: %w", method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadURL, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("%w: %s: %w", ErrUnreachable, c.url, ctxErr)
		}
		return fmt.Errorf("%w: %s: %w", ErrUnreachable, c.url, unwrapURLError(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return fmt.Errorf("%w: reading %s answer: %w", ErrUnreachable, method, err)
	}
	if len(data) > maxResponse {
		return fmt.Errorf("%w: %s answer larger than %d bytes", ErrBadResponse, method, maxResponse)
	}
	raw, err := decodeResponse(data, id)
	if err != nil {
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%w: %s: %s", ErrHTTPStatus, resp.Status, firstLine(data))
		}
		return fmt.Errorf("%s: %w", method, err)
	}
	if result == nil || string(raw) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, result); err != nil {
		return fmt.Errorf("%w: %s result: %w", ErrBadResponse, method, err)
	}
	return nil
}

// unwrapURLError drops net/http's `Post "url": ` prefix, which repeats
// what the caller's message already says.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\n")
	if len(s) > 200 {
		s = s[:200]
	}
	return strings.TrimSpace(s)
}

type response struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   *struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	} `json:"error"`
}

// decodeResponse checks a response body to request id and returns its
// result, or the node's *Error.
func decodeResponse(data []byte, id uint64) (json.RawMessage, error) {
	var r response
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadResponse, err)
	}
	if r.JSONRPC != "2.0" {
		return nil, fmt.Errorf("%w: not a JSON-RPC 2.0 answer", ErrBadResponse)
	}
	if r.Error != nil {
		// An error may carry a null id (e.g. a parse error): it is still
		// the answer to our one request.
		return nil, &Error{Code: r.Error.Code, Message: r.Error.Message, Data: r.Error.Data}
	}
	var got uint64
	if err := json.Unmarshal(r.ID, &got); err != nil || got != id {
		return nil, fmt.Errorf("%w: answer id %s, want %d", ErrBadResponse, r.ID, id)
	}
	if r.Result == nil {
		return nil, fmt.Errorf("%w: neither result nor error", ErrBadResponse)
	}
	return r.Result, nil
}
