package rpc

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// Response encoding. A response is sized before it is built, so that its
// bytes can be charged to the response budget (budget.go) before they
// exist, and then written once into a buffer of exactly that size. The
// output is byte for byte what encoding/json makes of the response
// structure (encode_test.go compares them), without its intermediate
// buffers: a 6 MiB answer of revert data used to cost about five times
// its size in allocations.

// jsonAppender is a value that writes its own JSON, of a length it knows
// beforehand (hexutil.Bytes: revert data, call results, code). Values of
// other types are marshaled by encoding/json. Implementations must encode
// their zero value, as encoding/json would.
type jsonAppender interface {
	JSONLen() int
	AppendJSON(dst []byte) []byte
}

var _ jsonAppender = hexutil.Bytes(nil)

// member is one value of a response (a result, or an error's data),
// prepared for sizing.
type member struct {
	v   any
	app jsonAppender // v, when it writes itself
	raw []byte       // v marshaled, otherwise; nil after drop
}

func newMember(v any) (member, error) {
	if app, ok := v.(jsonAppender); ok {
		return member{v: v, app: app}, nil
	}
	raw, err := json.Marshal(v)
	return member{v: v, raw: raw}, err
}

func (m *member) size() int {
	if m.app != nil {
		return m.app.JSONLen()
	}
	return len(m.raw)
}

func (m *member) appendTo(dst []byte) []byte {
	if m.app != nil {
		return m.app.AppendJSON(dst)
	}
	return append(dst, m.raw...)
}

// drop forgets the marshaled bytes, which restore makes again.
func (m *member) drop() { m.raw = nil }

func (m *member) restore() error {
	if m.app != nil || m.raw != nil {
		return nil
	}
	var err error
	m.raw, err = json.Marshal(m.v)
	return err
}

// encoding is a response prepared to be written.
type encoding struct {
	id      []byte
	result  member // on success
	err     *errorObject
	msgLen  int
	data    member
	hasData bool
}

// Fixed parts of a response object, in the order encoding/json writes the
// fields of response and errorObject.
const (
	jsonHead    = `{"jsonrpc":"2.0","id":`
	jsonResult  = `,"result":`
	jsonCode    = `,"error":{"code":`
	jsonMessage = `,"message":`
	jsonData    = `,"data":`
)

// prepare sizes r: it marshals members that cannot size themselves.
func prepare(r *response) (*encoding, error) {
	e := &encoding{id: idJSON(r.ID), err: r.Error}
	var err error
	if r.Error == nil {
		e.result, err = newMember(r.Result)
		return e, err
	}
	e.msgLen = jsonStringLen(r.Error.Message)
	if r.Error.Data != nil {
		e.hasData = true
		e.data, err = newMember(r.Error.Data)
	}
	return e, err
}

// size is the exact length of the encoded response.
func (e *encoding) size() int {
	n := len(jsonHead) + len(e.id) + 1
	if e.err == nil {
		return n + len(jsonResult) + e.result.size()
	}
	n += len(jsonCode) + len(strconv.Itoa(e.err.Code)) + len(jsonMessage) + e.msgLen + 1
	if e.hasData {
		n += len(jsonData) + e.data.size()
	}
	return n
}

func (e *encoding) appendTo(dst []byte) []byte {
	dst = append(dst, jsonHead...)
	dst = append(dst, e.id...)
	if e.err == nil {
		dst = append(dst, jsonResult...)
		dst = e.result.appendTo(dst)
		return append(dst, '}')
	}
	dst = append(dst, jsonCode...)
	dst = strconv.AppendInt(dst, int64(e.err.Code), 10)
	dst = append(dst, jsonMessage...)
	dst = appendJSONString(dst, e.err.Message)
	if e.hasData {
		dst = append(dst, jsonData...)
		dst = e.data.appendTo(dst)
	}
	return append(dst, '}', '}')
}

func (e *encoding) drop() {
	e.result.drop()
	e.data.drop()
}

func (e *encoding) restore() error {
	if err := e.result.restore(); err != nil {
		return err
	}
	return e.data.restore()
}

// encodeCharged encodes r and charges its bytes to c (one charge per
// answer: a batch's elements all go to the batch's) before building them,
// waiting for room until ctx ends. A response that cannot be charged in
// time is replaced by an ErrResponseBudget error, small and not charged;
// ok is false then.
func (s *Server) encodeCharged(ctx context.Context, r *response, c *charge) (out []byte, ok bool) {
	e, err := prepare(r)
	if err != nil {
		return s.encodeFree(s.errorResponse(r.ID, fmt.Errorf("encoding %s result: %w", r.method, err))), false
	}
	n := int64(e.size())
	if !c.b.tryAcquire(n, c.n) {
		// Bytes marshaled already are not kept while waiting, where the
		// budget does not see them: marshaling again is cheaper than
		// memory nobody counts. Self-sizing members cost nothing here.
		e.drop()
		if err := c.b.acquire(ctx, n, c.n); err != nil {
			return s.encodeFree(s.errorResponse(r.ID, Errorf(ErrResponseBudget,
				"responses in flight fill the server's %d-byte budget; retry later", c.b.limit))), false
		}
		if err := e.restore(); err != nil {
			c.b.release(n)
			return s.encodeFree(s.errorResponse(r.ID, fmt.Errorf("encoding %s result: %w", r.method, err))), false
		}
	}
	out = e.appendTo(make([]byte, 0, e.size()))
	// Marshaling again could in principle give another size; the bytes
	// exist, so they are counted as they are.
	switch d := int64(len(out)) - n; {
	case d > 0:
		c.b.force(d)
	case d < 0:
		c.b.release(-d)
	}
	c.n += int64(len(out))
	return out, true
}

// encodeFree encodes a response outside the budget: small ones only
// (errors without large data).
func (s *Server) encodeFree(r *response) []byte {
	e, err := prepare(r)
	if err != nil {
		s.log.Error("rpc: encoding response", "err", err)
		return []byte(`{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"internal error"}}`)
	}
	return e.appendTo(make([]byte, 0, e.size()))
}

// idJSON returns a request id as encoding/json writes a json.RawMessage
// (compact, HTML-escaped): ordinary ids as they came.
func idJSON(id json.RawMessage) []byte {
	if id == nil {
		return nullID
	}
	for _, c := range id {
		if c <= ' ' || c >= utf8.RuneSelf || c == '<' || c == '>' || c == '&' {
			b, err := json.Marshal(id)
			if err != nil {
				return nullID
			}
			return b
		}
	}
	return id
}

// jsonEsc is how one character of a JSON string is written: n bytes of b,
// or, when n is 0, the character's own bytes.
type jsonEsc struct {
	b [6]byte
	n int
}

// jsonEscape reports how encoding/json writes the character at s[i] (with
// HTML escaping, its default) and the character's length in s: quotes,
// backslashes and control characters escaped, <, > and & as \u003c...,
// invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped for JavaScript.
func jsonEscape(s string, i int) (jsonEsc, int) {
	const digits = "0123456789abcdef"
	uEsc := func(r rune) jsonEsc {
		return jsonEsc{[6]byte{'\\', 'u', digits[r>>12&0xf], digits[r>>8&0xf], digits[r>>4&0xf], digits[r&0xf]}, 6}
	}
	c := s[i]
	if c < utf8.RuneSelf {
		switch c {
		case '"', '\\':
			return jsonEsc{[6]byte{'\\', c}, 2}, 1
		case '\b':
			return jsonEsc{[6]byte{'\\', 'b'}, 2}, 1
		case '\f':
			return jsonEsc{[6]byte{'\\', 'f'}, 2}, 1
		case '\n':
			return jsonEsc{[6]byte{'\\', 'n'}, 2}, 1
		case '\r':
			return jsonEsc{[6]byte{'\\', 'r'}, 2}, 1
		case '\t':
			return jsonEsc{[6]byte{'\\', 't'}, 2}, 1
		case '<', '>', '&':
			return uEsc(rune(c)), 1
		}
		if c < ' ' {
			return uEsc(rune(c)), 1
		}
		return jsonEsc{}, 1
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	switch {
	case r == utf8.RuneError && size == 1:
		return uEsc(utf8.RuneError), 1
	case r == '\u2028' || r == '\u2029':
		return uEsc(r), size
	}
	return jsonEsc{}, size
}

// jsonPlain reports whether encoding/json writes the byte c as it is: the
// common case, checked before jsonEscape.
func jsonPlain(c byte) bool {
	return c >= ' ' && c < utf8.RuneSelf && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
}

// jsonStringLen is the length of s encoded as a JSON string, quotes
// included.
func jsonStringLen(s string) int {
	n := 2
	for i := 0; i < len(s); {
		if jsonPlain(s[i]) {
			i++
			n++
			continue
		}
		esc, size := jsonEscape(s, i)
		if esc.n == 0 {
			n += size
		} else {
			n += esc.n
		}
		i += size
	}
	return n
}

// appendJSONString appends s as a JSON string, as encoding/json does.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if jsonPlain(s[i]) {
			i++
			continue
		}
		esc, size := jsonEscape(s, i)
		if esc.n != 0 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, esc.b[:esc.n]...)
			start = i + size
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
