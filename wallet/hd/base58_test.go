package hd

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

func TestBase58(t *testing.T) {
	t.Parallel()
	// Encodings that follow from the definition: leading zero bytes map to
	// leading '1's, and 57 and 58 are the last one-digit and first two-digit
	// values.
	tests := []struct{ hex, enc string }{
		{"", ""},
		{"00", "1"},
		{"0000", "11"},
		{"39", "z"},
		{"3a", "21"},
		{"0039", "1z"},
		{"ff", "5Q"},
		{"0100", "5R"},
	}
	for _, tt := range tests {
		b, _ := hex.DecodeString(tt.hex)
		if got := base58Encode(b); got != tt.enc {
			t.Errorf("encode(%s) = %q, want %q", tt.hex, got, tt.enc)
		}
		dec, err := base58Decode(tt.enc)
		if err != nil || !bytes.Equal(dec, b) {
			t.Errorf("decode(%q) = %x, %v; want %s", tt.enc, dec, err, tt.hex)
		}
	}
	for _, bad := range []string{"0", "O", "I", "l", "1+", "é"} {
		if _, err := base58Decode(bad); !errors.Is(err, errBase58Char) {
			t.Errorf("decode(%q): err = %v", bad, err)
		}
	}
	if _, err := base58CheckDecode("111"); !errors.Is(err, errBase58Short) {
		t.Errorf("short check string: err = %v", err)
	}
}
