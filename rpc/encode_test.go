package rpc

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// legacyResponse is the response structure as encoding/json encoded it
// before encode.go: the reference the new encoder must match byte for byte.
type legacyResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *errorObject    `json:"error,omitempty"`
}

// legacyHex is hexutil.Bytes as it was encoded: encoding/json quoting a
// string built apart.
type legacyHex []byte

func (b legacyHex) MarshalText() ([]byte, error) {
	return []byte("0x" + hex.EncodeToString(b)), nil
}

// legacyValue maps the self-encoding types to their legacy encoding.
func legacyValue(v any) any {
	if b, ok := v.(hexutil.Bytes); ok {
		return legacyHex(b)
	}
	return v
}

// legacyEncode encodes r the old way.
func legacyEncode(t *testing.T, r *response) []byte {
	t.Helper()
	l := legacyResponse{JSONRPC: "2.0", ID: r.ID}
	if r.Error != nil {
		e := *r.Error
		e.Data = legacyValue(e.Data)
		l.Error = &e
	} else {
		res, err := json.Marshal(legacyValue(r.Result))
		if err != nil {
			t.Fatal(err)
		}
		l.Result = res
	}
	out, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEncodeMatchesEncodingJSON: for a table of results, errors and ids
// the sized encoder writes exactly what json.Marshal of the old response
// structure wrote, and exactly as many bytes as it sized.
func TestEncodeMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	big3 := bytes.Repeat([]byte{0x00, 0xff, 0x3c}, 1<<18)
	header := newRPCHeader(&types.Header{Height: 7, Bits: testBits}, types.Bloom{})
	results := map[string]any{
		"nil":          nil,
		"string":       "0x1",
		"html string":  "<a&b>",
		"number":       42,
		"bool":         true,
		"bytes nil":    hexutil.Bytes(nil),
		"bytes empty":  hexutil.Bytes{},
		"bytes":        hexutil.Bytes{0xde, 0xad},
		"bytes 768KiB": hexutil.Bytes(big3),
		"quantity":     hexutil.Uint64(0x400),
		"big":          (*hexutil.Big)(big.NewInt(1 << 40)),
		"header":       header,
		"slice":        []any{hexutil.Bytes{1}, "x", nil},
		"map":          map[string]any{"b": 1, "a": []int{}},
		"raw":          json.RawMessage(`{"z" : [1, 2]}`),
	}
	errs := map[string]error{
		"kind":              ErrNonceTooLow,
		"detail":            Errorf(ErrInsufficientFunds, "have 1 want 2"),
		"escapes":           Errorf(ErrNotFound, "quote \" backslash \\ tab \t nl \n cr \r bs \b ff \f nul \x00 us \x1f"),
		"html":              Errorf(ErrNotFound, "<script>&</script>"),
		"unicode":           Errorf(ErrNotFound, "é ü 日本 \u2028 \u2029 \U0001F600"),
		"invalid utf8":      Errorf(ErrNotFound, "bad \xff\xfe \xe2\x80 end"),
		"revert raw":        &RevertError{Data: big3},
		"revert empty":      &RevertError{Data: []byte{}},
		"revert reason":     &RevertError{Data: revertData("no <luck> & \"quotes\"")},
		"revert big reason": &RevertError{Data: revertData(strings.Repeat("why\n", 1<<16))},
		"internal":          errors.New("disk on fire"),
		"budget":            Errorf(ErrResponseBudget, "detail"),
		"param":             &paramError{1, "block", errors.New("bad")},
	}
	ids := []string{`1`, `-7`, `1.5e3`, `"abc"`, `"<&>"`, `"\u2028 é"`, `null`, `"a b"`, `"\"q\""`, `"ä\\n"`}

	s := newTestServer(t, nil).Server
	var cases []*response
	for _, id := range ids {
		for _, v := range results {
			cases = append(cases, &response{ID: json.RawMessage(id), Result: v})
		}
		for _, err := range errs {
			cases = append(cases, s.errorResponse(json.RawMessage(id), err))
		}
	}
	for _, r := range cases {
		want := legacyEncode(t, r)
		e, err := prepare(r)
		if err != nil {
			t.Fatal(err)
		}
		got := e.appendTo(nil)
		if !bytes.Equal(got, want) {
			t.Fatalf("id %s: encoded\n%.300s\nwant\n%.300s", r.ID, got, want)
		}
		if e.size() != len(got) {
			t.Fatalf("id %s: sized %d, wrote %d: %.200s", r.ID, e.size(), len(got), got)
		}
		if free := s.encodeFree(r); !bytes.Equal(free, want) {
			t.Fatalf("encodeFree differs: %.200s", free)
		}
		c := charge{b: newRespBudget(1 << 20)}
		if out, ok := s.encodeCharged(context.Background(), r, &c); !ok || !bytes.Equal(out, want) || c.n != int64(len(out)) {
			t.Fatalf("encodeCharged: ok=%v charge %d for %d bytes: %.200s", ok, c.n, len(out), out)
		}
	}
}

// TestAppendJSONString compares the string encoder with encoding/json.
func TestAppendJSONString(t *testing.T) {
	t.Parallel()
	var all strings.Builder
	for r := rune(0); r < 0x3000; r++ {
		all.WriteRune(r)
	}
	tests := []string{"", "plain", "\"\\/", "\b\f\n\r\t\x00\x01\x1f\x7f", "<>&", "\u2028\u2029", "\xff", "\xe2\x80", "\xe2\x80\xa8x",
		"\xed\xa0\x80", "日本語", "\U0010FFFF", all.String(), strings.Repeat("a<", 1000)}
	for _, s := range tests {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString([]byte("x"), s); !bytes.Equal(got[1:], want) || got[0] != 'x' {
			t.Errorf("%.40q: got %.80s, want %.80s", s, got, want)
		}
		if n := jsonStringLen(s); n != len(want) {
			t.Errorf("%.40q: length %d, want %d", s, n, len(want))
		}
	}
}

// FuzzAppendJSONString: any string encodes as encoding/json encodes it.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "a", "\"\\", "<>&", "\u2028", "\xff\xfe", "\x00\x1f", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) || jsonStringLen(s) != len(want) {
			t.Fatalf("%q: got %s (len %d), want %s", s, got, jsonStringLen(s), want)
		}
	})
}
