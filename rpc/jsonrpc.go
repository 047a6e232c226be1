package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
)

// request is one JSON-RPC 2.0 request object. ID is nil when the member is
// absent (a notification) and "null" when it is JSON null.
type request struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

// response is one JSON-RPC 2.0 response object, before encoding
// (encode.go): Result, the handler's value, is sent on success (null if
// nil) and Error otherwise. The result stays a Go value until its encoded
// size has been charged to the response budget.
type response struct {
	ID     json.RawMessage
	Result any
	Error  *errorObject
	method string // names the method if Result fails to encode
}

var nullID = json.RawMessage("null")

// caller is what the server knows about who sent a request.
type caller struct {
	privileged bool    // may call admin_ and miner_ methods
	ws         *wsConn // nil over HTTP: no subscriptions
}

// call is one method invocation as a handler sees it.
type call struct {
	method string
	params []json.RawMessage
	from   *caller
	// after, if a handler sets it, runs once the response has been queued
	// for the client (WebSocket only): subscriptions start there, so that
	// no notification can overtake the response that names them.
	after func()
}

// handlerFunc serves one method.
type handlerFunc func(ctx context.Context, c *call) (any, error)

// method is a registered handler.
type method struct {
	fn         handlerFunc
	restricted bool // admin_ and miner_: see Config.AuthToken
}

// errorResponse builds a response carrying the error for err.
func (s *Server) errorResponse(id json.RawMessage, err error) *response {
	obj, internal := toErrorObject(err)
	if internal {
		s.log.Error("rpc internal error", "err", err)
	}
	if id == nil {
		id = nullID
	}
	return &response{ID: id, Error: obj}
}

// answer is a response, or a batch of them, encoded: its parts, written in
// order, form one message of size bytes. It holds the charge of those bytes
// to the response budget until release, which whoever writes the answer
// calls once it is written or dropped.
type answer struct {
	parts  [][]byte
	size   int
	charge charge
}

// freeAnswer is a small answer outside the budget.
func freeAnswer(out []byte) *answer { return &answer{parts: [][]byte{out}, size: len(out)} }

func (a *answer) release() { a.charge.release() }

// serveBody handles a whole message (a request or a batch) and returns the
// encoded answer, or nil when nothing must be sent (only notifications).
//
// The returned functions are the handlers' after hooks (see call.after),
// to run once the answer has been queued.
func (s *Server) serveBody(ctx context.Context, body []byte, from *caller) (ans *answer, after []func()) {
	body = bytes.TrimSpace(body)
	if err := checkDepth(body, s.cfg.MaxJSONDepth); err != nil {
		return freeAnswer(s.encodeFree(s.errorResponse(nil, err))), nil
	}
	if !json.Valid(body) {
		return freeAnswer(s.encodeFree(s.errorResponse(nil, errParse))), nil
	}
	if len(body) > 0 && body[0] == '[' {
		return s.serveBatch(ctx, body, from)
	}
	ans = &answer{charge: charge{b: s.budget}}
	out, fn := s.serveOne(ctx, body, from, &ans.charge)
	if fn != nil {
		after = append(after, fn)
	}
	if out == nil {
		return nil, after
	}
	ans.parts, ans.size = [][]byte{out}, len(out)
	return ans, after
}

var (
	errParse        = &Kind{CodeParseError, "parse error"}
	errInvalidReq   = &Kind{CodeInvalidRequest, "invalid request"}
	errEmptyBatch   = &Kind{CodeInvalidRequest, "empty batch"}
	errBatchTooBig  = &Kind{CodeInvalidRequest, "batch too large"}
	errTooDeep      = &Kind{CodeInvalidRequest, "request nested too deeply"}
	errRespTooLarge = &Kind{-32003, "response too large"}
)

// serveBatch handles a batch: each element is answered in order, except
// notifications; the answer is a JSON array, or nil if every element was
// a notification. The elements' encodings are the answer's parts, never
// joined: the batch costs the memory of its elements, charged to the
// budget as one answer.
func (s *Server) serveBatch(ctx context.Context, body []byte, from *caller) (*answer, []func()) {
	var elems []json.RawMessage
	if err := json.Unmarshal(body, &elems); err != nil {
		return freeAnswer(s.encodeFree(s.errorResponse(nil, errParse))), nil
	}
	if len(elems) == 0 {
		return freeAnswer(s.encodeFree(s.errorResponse(nil, errEmptyBatch))), nil
	}
	if len(elems) > s.cfg.MaxBatch {
		return freeAnswer(s.encodeFree(s.errorResponse(nil, Errorf(errBatchTooBig, "%d requests, limit %d", len(elems), s.cfg.MaxBatch)))), nil
	}
	var after []func()
	ans := &answer{charge: charge{b: s.budget}}
	seps := []byte("[,]")
	for _, e := range elems {
		var out []byte
		if ans.size > s.cfg.MaxBatchResponse {
			// Still honour notifications: they get nothing either way.
			id, isNotification := peekID(e)
			if isNotification {
				continue
			}
			out, _ = s.encodeCharged(ctx, s.errorResponse(id, errRespTooLarge), &ans.charge)
		} else {
			var fn func()
			out, fn = s.serveOne(ctx, e, from, &ans.charge)
			if fn != nil {
				after = append(after, fn)
			}
		}
		if out == nil {
			continue
		}
		sep := seps[1:2]
		if len(ans.parts) == 0 {
			sep = seps[0:1]
		}
		ans.parts = append(ans.parts, sep, out)
		ans.size += 1 + len(out)
	}
	if len(ans.parts) == 0 {
		return nil, after
	}
	ans.parts = append(ans.parts, seps[2:3])
	ans.size++
	return ans, after
}

// peekID returns a request's id and whether it is a notification, for a
// request that will not be run.
func peekID(raw json.RawMessage) (json.RawMessage, bool) {
	var r request
	if json.Unmarshal(raw, &r) != nil || !validID(r.ID) {
		return nil, false
	}
	return r.ID, r.ID == nil
}

// validID reports whether id is absent, null, a string or a number.
func validID(id json.RawMessage) bool {
	if id == nil {
		return true
	}
	switch id[0] {
	case 'n', '"', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return true
	}
	return false
}

// serveOne handles one request object and returns its encoded response,
// charged to c, or nil for a notification. Config.RequestTimeout bounds
// the method and the wait for room in the response budget together.
func (s *Server) serveOne(ctx context.Context, raw json.RawMessage, from *caller, c *charge) ([]byte, func()) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.RequestTimeout)
	defer cancel()
	resp, after := s.handle(ctx, raw, from)
	if resp == nil {
		return nil, after
	}
	out, ok := s.encodeCharged(ctx, resp, c)
	if !ok {
		// The client gets an error, not the answer the hook follows.
		after = nil
	}
	return out, after
}

// handle runs one request object and returns its response, or nil for a
// notification.
func (s *Server) handle(ctx context.Context, raw json.RawMessage, from *caller) (*response, func()) {
	if len(raw) == 0 || raw[0] != '{' {
		return s.errorResponse(nil, Errorf(errInvalidReq, "not a JSON object")), nil
	}
	var req request
	if err := json.Unmarshal(raw, &req); err != nil {
		return s.errorResponse(nil, Errorf(errInvalidReq, "%v", jsonErrorText(err))), nil
	}
	if !validID(req.ID) {
		return s.errorResponse(nil, Errorf(errInvalidReq, "id must be a string, a number or null")), nil
	}
	// Only a valid request without an id is a notification; an invalid
	// one gets its error with a null id (JSON-RPC 2.0, section 5: {"foo":
	// "boo"} is answered), or the client would never learn of it.
	notification := req.ID == nil && req.JSONRPC == "2.0" && req.Method != ""
	var resp *response
	var after func()
	switch {
	case req.JSONRPC != "2.0":
		resp = s.errorResponse(req.ID, Errorf(errInvalidReq, `"jsonrpc" must be "2.0"`))
	case req.Method == "":
		resp = s.errorResponse(req.ID, Errorf(errInvalidReq, `missing "method"`))
	default:
		resp, after = s.dispatch(ctx, &req, from)
	}
	if notification {
		return nil, after
	}
	return resp, after
}

// dispatch runs req's method and builds its response.
func (s *Server) dispatch(ctx context.Context, req *request, from *caller) (*response, func()) {
	m, ok := s.methods[req.Method]
	if !ok {
		return s.errorResponse(req.ID, &Kind{CodeMethodNotFound, "the method " + req.Method + " does not exist/is not available"}), nil
	}
	if m.restricted && !from.privileged {
		return s.errorResponse(req.ID, Errorf(errMethodNotAllowed, "%s needs a loopback listener or the configured auth token (Authorization: Bearer)", req.Method)), nil
	}
	params, err := splitParams(req.Params)
	if err != nil {
		return s.errorResponse(req.ID, err), nil
	}
	c := &call{method: req.Method, params: params, from: from}
	result, err := s.run(ctx, m.fn, c)
	if err != nil {
		return s.errorResponse(req.ID, err), nil
	}
	id := req.ID
	if id == nil {
		id = nullID
	}
	return &response{ID: id, Result: result, method: req.Method}, c.after
}

// run calls fn until ctx's deadline (the request timeout, see serveOne). A
// handler that does not return in time is abandoned (its context is
// cancelled, so well-behaved backends stop soon after) and the client gets
// a timeout error; a panic becomes an internal error rather than taking the
// node down.
func (s *Server) run(ctx context.Context, fn handlerFunc, c *call) (any, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		v   any
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: fmt.Errorf("panic in %s: %v\n%s", c.method, p, debug.Stack())}
			}
		}()
		v, err := fn(ctx, c)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		if r.err != nil && errors.Is(r.err, context.DeadlineExceeded) {
			return nil, errTimeout
		}
		return r.v, r.err
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, errTimeout
		}
		return nil, fmt.Errorf("request cancelled: %w", ctx.Err())
	}
}

// splitParams accepts absent or null params (no arguments) or an array.
// Ethereum methods are positional; named (object) params are refused.
func splitParams(raw json.RawMessage) ([]json.RawMessage, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] != '[' {
		return nil, invalidParams("params must be an array, got %s", jsonKind(raw))
	}
	var ps []json.RawMessage
	if err := json.Unmarshal(raw, &ps); err != nil {
		return nil, invalidParams("%s", jsonErrorText(err))
	}
	return ps, nil
}

// checkDepth refuses JSON nested deeper than max arrays/objects. It scans
// bytes only (strings are skipped), so it is linear and cannot recurse.
func checkDepth(b []byte, max int) error {
	depth := 0
	inString, escaped := false, false
	for _, c := range b {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			depth++
			if depth > max {
				return Errorf(errTooDeep, "more than %d levels", max)
			}
		case ']', '}':
			depth--
		}
	}
	return nil
}

// jsonErrorText shortens encoding/json errors for clients.
func jsonErrorText(err error) string {
	return strings.TrimPrefix(err.Error(), "json: ")
}

// jsonKind names the JSON type of raw for error messages.
func jsonKind(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}
