package types

import (
	"encoding/hex"
	"errors"
	"fmt"
)

// HashLength is the size of a Hash in bytes.
const HashLength = 32

// Hash is a 32-byte digest: a block hash (SHA-256d of the header), a
// transaction hash (Keccak-256 of its encoding) or a Merkle or state root.
type Hash [HashLength]byte

// ErrMalformed is wrapped by every decoding error in this package.
var ErrMalformed = errors.New("malformed input")

// BytesToHash returns b as a Hash, keeping the last 32 bytes if b is longer
// and left-padding with zeros if it is shorter.
func BytesToHash(b []byte) Hash {
	var h Hash
	if len(b) > HashLength {
		b = b[len(b)-HashLength:]
	}
	copy(h[HashLength-len(b):], b)
	return h
}

// Bytes returns a copy of h as a slice.
func (h Hash) Bytes() []byte { return append([]byte(nil), h[:]...) }

// IsZero reports whether h is all zeros.
func (h Hash) IsZero() bool { return h == Hash{} }

// Hex returns h as 0x-prefixed lower-case hex.
func (h Hash) Hex() string { return "0x" + hex.EncodeToString(h[:]) }

// String implements fmt.Stringer.
func (h Hash) String() string { return h.Hex() }

// MarshalText encodes h as 0x-prefixed hex (used by encoding/json).
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.Hex()), nil }

// UnmarshalText decodes exactly 32 bytes of 0x-prefixed hex.
func (h *Hash) UnmarshalText(text []byte) error {
	v, err := ParseHash(string(text))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// ParseHash parses a 0x-prefixed (or bare) hex string of exactly 64 digits.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if err := decodeFixedHex(s, h[:]); err != nil {
		return Hash{}, fmt.Errorf("hash %q: %w", s, err)
	}
	return h, nil
}

// decodeFixedHex decodes s, with or without a 0x prefix, into dst, which it
// must fill exactly.
func decodeFixedHex(s string, dst []byte) error {
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = s[2:]
	}
	if len(s) != 2*len(dst) {
		return fmt.Errorf("%w: want %d hex digits, have %d", ErrMalformed, 2*len(dst), len(s))
	}
	if _, err := hex.Decode(dst, []byte(s)); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return nil
}
