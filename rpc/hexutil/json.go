package hexutil

import (
	"math/big"
	"slices"

	"github.com/holiman/uint256"
)

// Uint64 is a uint64 that encodes to and decodes from a JSON quantity.
type Uint64 uint64

// MarshalText implements encoding.TextMarshaler.
func (n Uint64) MarshalText() ([]byte, error) { return AppendUint64(nil, uint64(n)), nil }

// UnmarshalJSON implements json.Unmarshaler; only a JSON string is accepted.
func (n *Uint64) UnmarshalJSON(b []byte) error {
	s, err := jsonString(b)
	if err != nil {
		return err
	}
	v, err := DecodeUint64(s)
	if err != nil {
		return err
	}
	*n = Uint64(v)
	return nil
}

// U256 is a 256-bit unsigned integer that encodes to and decodes from a
// JSON quantity.
type U256 uint256.Int

// MarshalText implements encoding.TextMarshaler.
func (n U256) MarshalText() ([]byte, error) {
	v := uint256.Int(n)
	return []byte(EncodeU256(&v)), nil
}

// UnmarshalJSON implements json.Unmarshaler; only a JSON string is accepted.
func (n *U256) UnmarshalJSON(b []byte) error {
	s, err := jsonString(b)
	if err != nil {
		return err
	}
	v, err := DecodeU256(s)
	if err != nil {
		return err
	}
	*n = U256(*v)
	return nil
}

// Int returns n as a *uint256.Int (a copy).
func (n *U256) Int() *uint256.Int {
	v := uint256.Int(*n)
	return &v
}

// Big is a non-negative big.Int encoded as a JSON quantity. It only
// encodes; values from clients are decoded as U256.
type Big big.Int

// MarshalText implements encoding.TextMarshaler.
func (n *Big) MarshalText() ([]byte, error) { return []byte(EncodeBig((*big.Int)(n))), nil }

// Bytes is a byte slice that encodes to and decodes from JSON data.
type Bytes []byte

// MarshalText implements encoding.TextMarshaler. The text is built once,
// at its exact size: encoding/json copies it anyway, so going through a
// string (two more copies) only cost memory. A MarshalJSON would not
// help: encoding/json re-scans its output, which for megabytes of hex is
// twice as slow as quoting text, for the same allocations.
func (b Bytes) MarshalText() ([]byte, error) {
	return AppendEncode(make([]byte, 0, 2+2*len(b)), b), nil
}

// JSONLen is the length of b's JSON encoding: quotes, prefix and digits.
// Callers that write JSON themselves (the RPC server's responses) size a
// buffer, or a memory budget, with it before encoding.
func (b Bytes) JSONLen() int { return 2 + 2 + 2*len(b) }

// AppendJSON appends b's JSON encoding, a quoted data string, to dst:
// exactly what encoding/json writes for b, without its intermediate copies.
func (b Bytes) AppendJSON(dst []byte) []byte {
	dst = slices.Grow(dst, b.JSONLen())
	dst = append(dst, '"')
	dst = AppendEncode(dst, b)
	return append(dst, '"')
}

// UnmarshalJSON implements json.Unmarshaler; only a JSON string is accepted.
func (b *Bytes) UnmarshalJSON(data []byte) error {
	s, err := jsonString(data)
	if err != nil {
		return err
	}
	v, err := Decode(s)
	if err != nil {
		return err
	}
	*b = v
	return nil
}

// jsonString returns the content of a JSON string that holds only hex
// characters and the prefix, so no escape can appear in a valid value.
// Anything else, including null and numbers, is ErrNotString; a string with
// escapes or other characters is ErrSyntax.
func jsonString(b []byte) (string, error) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", ErrNotString
	}
	s := b[1 : len(b)-1]
	for _, c := range s {
		if c == '\\' || c == '"' || c < 0x20 {
			return "", ErrSyntax
		}
	}
	return string(s), nil
}
