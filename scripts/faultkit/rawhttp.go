package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Raw HTTP. The attacks write requests byte by byte over their own TCP
// connections (a normal client would refuse to send most of them, and
// would not say how much of a body the server took before answering), and
// read the answer with net/http's response parser.

// endpoint is where the node's JSON-RPC listens.
type endpoint struct {
	addr string // host:port
	path string
	host string // Host header
}

func parseEndpoint(raw string) (endpoint, error) {
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return endpoint{}, err
	}
	if u.Scheme != "http" {
		return endpoint{}, fmt.Errorf("scheme %q: the attacks speak plain http", u.Scheme)
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return endpoint{addr: addr, path: path, host: u.Host}, nil
}

// rawRequest is a request as the attack puts it on the wire.
type rawRequest struct {
	method      string            // default POST
	contentType string            // default application/json; "-" for none
	headers     map[string]string // extra headers
	body        io.Reader         // nil: no body
	// length is the declared Content-Length; -1 sends the body chunked.
	length int64
}

// exchange is what came of one rawRequest.
type exchange struct {
	status int
	body   []byte
	sent   int64 // body bytes written before the answer or the end
	took   time.Duration
}

// maxExchangeBody bounds what an attack reads of an answer.
const maxExchangeBody = 64 << 20

// do sends req on a fresh connection and reads the answer, within ctx.
// The body is written concurrently with the read, so a server that
// answers before taking the whole body is seen to do so.
func (ep endpoint) do(ctx context.Context, req rawRequest) (exchange, error) {
	start := time.Now()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", ep.addr)
	if err != nil {
		return exchange{}, fmt.Errorf("%w: %v", errUnreachable, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	written := make(chan int64, 1)
	go func() { written <- writeRequest(conn, ep, req) }()

	var ex exchange
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		err = fmt.Errorf("no answer: %w", err)
	} else {
		ex.status = resp.StatusCode
		ex.body, err = io.ReadAll(io.LimitReader(resp.Body, maxExchangeBody))
		if err != nil {
			err = fmt.Errorf("reading the answer: %w", err)
		}
	}
	ex.took = time.Since(start)
	conn.Close() // ends a body write still in progress
	ex.sent = <-written
	return ex, err
}

// writeRequest writes req's head and body to w and returns the body bytes
// written (up to the first write error).
func writeRequest(w io.Writer, ep endpoint, req rawRequest) int64 {
	method := req.method
	if method == "" {
		method = http.MethodPost
	}
	var head strings.Builder
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, ep.path, ep.host)
	switch req.contentType {
	case "":
		head.WriteString("Content-Type: application/json\r\n")
	case "-":
	default:
		fmt.Fprintf(&head, "Content-Type: %s\r\n", req.contentType)
	}
	for k, v := range req.headers {
		fmt.Fprintf(&head, "%s: %s\r\n", k, v)
	}
	if req.body != nil {
		if req.length < 0 {
			head.WriteString("Transfer-Encoding: chunked\r\n")
		} else {
			head.WriteString("Content-Length: " + strconv.FormatInt(req.length, 10) + "\r\n")
		}
	}
	head.WriteString("Connection: close\r\n\r\n")
	if _, err := io.WriteString(w, head.String()); err != nil || req.body == nil {
		return 0
	}
	if req.length < 0 {
		cw := httputil.NewChunkedWriter(w)
		n, err := io.Copy(cw, req.body)
		if err == nil && cw.Close() == nil {
			_, _ = io.WriteString(w, "\r\n")
		}
		return n
	}
	n, _ := io.Copy(w, req.body)
	return n
}

// rpcReply is one JSON-RPC response object as an attack inspects it.
type rpcReply struct {
	ID     json.RawMessage `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *rpcError       `json:"error"`
}

// errNotJSONRPC: an answer that is not a JSON-RPC response.
var errNotJSONRPC = errors.New("not a JSON-RPC response")

// single decodes ex's body as one response object.
func (ex exchange) single() (*rpcReply, error) {
	var r rpcReply
	if err := json.Unmarshal(ex.body, &r); err != nil {
		return nil, fmt.Errorf("%w: HTTP %d %.120q", errNotJSONRPC, ex.status, ex.body)
	}
	return &r, nil
}

// batch decodes ex's body as an array of response objects.
func (ex exchange) batch() ([]rpcReply, error) {
	var rs []rpcReply
	if err := json.Unmarshal(ex.body, &rs); err != nil {
		return nil, fmt.Errorf("%w (batch): HTTP %d %.120q", errNotJSONRPC, ex.status, ex.body)
	}
	return rs, nil
}

// describe summarises ex for a report: status, and the error of a single
// response if there is one.
func (ex exchange) describe() string {
	s := fmt.Sprintf("HTTP %d", ex.status)
	if r, err := ex.single(); err == nil && r.Error != nil {
		s += fmt.Sprintf(", error %d %.60q", r.Error.Code, r.Error.Message)
	} else if len(ex.body) > 0 && ex.body[0] != '{' && ex.body[0] != '[' {
		s += fmt.Sprintf(" %.60q", strings.TrimSpace(string(ex.body)))
	}
	return s
}
