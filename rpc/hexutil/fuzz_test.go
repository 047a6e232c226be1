package hexutil

import (
	"bytes"
	"testing"
)

// FuzzDecodeQuantity checks that every quantity the decoders accept
// re-encodes to exactly the input (lower-cased): there is one spelling per
// number.
func FuzzDecodeQuantity(f *testing.F) {
	for _, s := range []string{"0x0", "0x1", "0x01", "0x", "0xffffffffffffffff", "0x10000000000000000", "0xAb", "12", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := DecodeUint64(s); err == nil {
			if got := EncodeUint64(n); got != string(bytes.ToLower([]byte(s))) {
				t.Fatalf("DecodeUint64(%q) re-encodes as %q", s, got)
			}
		}
		if n, err := DecodeU256(s); err == nil {
			if got := EncodeU256(n); got != string(bytes.ToLower([]byte(s))) {
				t.Fatalf("DecodeU256(%q) re-encodes as %q", s, got)
			}
		}
	})
}

// FuzzDecodeData checks that accepted data round-trips.
func FuzzDecodeData(f *testing.F) {
	for _, s := range []string{"0x", "0x00", "0xf0f0f", "0xABCD", "ff", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := Decode(s)
		if err != nil {
			return
		}
		if got := Encode(b); got != string(bytes.ToLower([]byte(s))) {
			t.Fatalf("Decode(%q) re-encodes as %q", s, got)
		}
	})
}
