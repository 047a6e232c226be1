package main

import (
	"errors"
	"testing"
)

func TestExtract(t *testing.T) {
	t.Parallel()
	doc := `{"id":"12D3","addrs":["/ip4/1","/ip4/2"],"n":12345678901234567890,"obj":{"a":null,"b":true,"c":{"d":[1,{"e":"x"}]}},"empty":[]}`
	tests := []struct {
		path string
		want string
		err  error
	}{
		{"", doc[:0] + `{"addrs":["/ip4/1","/ip4/2"],"empty":[],"id":"12D3","n":12345678901234567890,"obj":{"a":null,"b":true,"c":{"d":[1,{"e":"x"}]}}}`, nil},
		{".", `{"addrs":["/ip4/1","/ip4/2"],"empty":[],"id":"12D3","n":12345678901234567890,"obj":{"a":null,"b":true,"c":{"d":[1,{"e":"x"}]}}}`, nil},
		{"id", "12D3", nil},
		{".id", "12D3", nil},
		{"addrs.1", "/ip4/2", nil},
		{"addrs.#", "2", nil},
		{"empty.#", "0", nil},
		{"obj.#", "3", nil},
		{"n", "12345678901234567890", nil}, // no float rounding
		{"obj.a", "null", nil},
		{"obj.b", "true", nil},
		{"obj.c.d.1.e", "x", nil},
		{"obj.c.d.1", `{"e":"x"}`, nil},
		{"nope", "", errNoField},
		{"addrs.2", "", errNoField},
		{"addrs.-1", "", errNoField},
		{"addrs.x", "", errNoField},
		{"id.x", "", errNoField},
		{"id.#", "", errNoField},
		{"#.x", "", errNoField},
		{"obj.a.b", "", errNoField},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			got, err := extract([]byte(doc), tt.path)
			if !errors.Is(err, tt.err) || (err != nil) != (tt.err != nil) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "{", `{"a":1} x`, `{"a":1}{}`} {
		if _, err := extract([]byte(bad), ""); err == nil {
			t.Errorf("extract(%q) accepted", bad)
		}
	}
}

// FuzzExtract: any document and path gives a value or an error (never a
// panic, never both), and the same answer every time.
func FuzzExtract(f *testing.F) {
	f.Add([]byte(`{"id":"x","a":[1,2,{"b":null}]}`), "a.2.b")
	f.Add([]byte(`[[],[[]]]`), "1.0.#")
	f.Add([]byte(`"0x1"`), "")
	f.Add([]byte(`{"":{"":1}}`), "..")
	f.Fuzz(func(t *testing.T, doc []byte, path string) {
		out, err := extract(doc, path)
		if err != nil {
			if out != "" {
				t.Fatalf("error %v with output %q", err, out)
			}
			return
		}
		if again, err := extract(doc, path); err != nil || again != out {
			t.Fatalf("second extract: %q, %v; first %q", again, err, out)
		}
	})
}
