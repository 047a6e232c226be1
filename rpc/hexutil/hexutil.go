package hexutil

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"

	"github.com/holiman/uint256"
)

// ErrInvalidHex is wrapped by every decoding error of this package.
var ErrInvalidHex = errors.New("invalid hex")

// Specific decoding errors; each wraps ErrInvalidHex.
var (
	ErrEmptyString   = fmt.Errorf("%w: empty string", ErrInvalidHex)
	ErrMissingPrefix = fmt.Errorf("%w: missing 0x prefix", ErrInvalidHex)
	ErrEmptyNumber   = fmt.Errorf("%w: quantity \"0x\" has no digits", ErrInvalidHex)
	ErrLeadingZero   = fmt.Errorf("%w: quantity has leading zero digits", ErrInvalidHex)
	ErrSyntax        = fmt.Errorf("%w: non-hex character", ErrInvalidHex)
	ErrOddLength     = fmt.Errorf("%w: data has an odd number of hex digits", ErrInvalidHex)
	ErrUint64Range   = fmt.Errorf("%w: quantity does not fit in 64 bits", ErrInvalidHex)
	ErrUint256Range  = fmt.Errorf("%w: quantity does not fit in 256 bits", ErrInvalidHex)
	ErrNotString     = fmt.Errorf("%w: JSON value is not a string", ErrInvalidHex)
)

// EncodeUint64 returns n as a quantity.
func EncodeUint64(n uint64) string {
	return string(AppendUint64(make([]byte, 0, 18), n))
}

// AppendUint64 appends n as a quantity to b.
func AppendUint64(b []byte, n uint64) []byte {
	return strconv.AppendUint(append(b, '0', 'x'), n, 16)
}

// EncodeU256 returns n as a quantity.
func EncodeU256(n *uint256.Int) string {
	if n.IsUint64() {
		return EncodeUint64(n.Uint64())
	}
	return n.Hex() // uint256's Hex is 0x-prefixed without leading zeros
}

// EncodeBig returns a non-negative n as a quantity; a negative n encodes as
// its absolute value, which callers must not rely on.
func EncodeBig(n *big.Int) string {
	if n.Sign() == 0 {
		return "0x0"
	}
	return "0x" + new(big.Int).Abs(n).Text(16)
}

// Encode returns b as data.
func Encode(b []byte) string {
	out := make([]byte, 2+2*len(b))
	out[0], out[1] = '0', 'x'
	hex.Encode(out[2:], b)
	return string(out)
}

// AppendEncode appends b as data to dst. It grows dst once, to the exact
// size, so that large data (megabytes of revert data or code) is written
// where it will be sent rather than built apart and copied.
func AppendEncode(dst, b []byte) []byte {
	n := len(dst)
	dst = slices.Grow(dst, 2+2*len(b))[:n+2+2*len(b)]
	dst[n], dst[n+1] = '0', 'x'
	hex.Encode(dst[n+2:], b)
	return dst
}

// has0x reports whether s starts with "0x" or "0X".
func has0x(s string) bool { return len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') }

// quantityDigits checks the syntax common to all quantities and returns the
// digits after the prefix.
func quantityDigits(s string) (string, error) {
	switch {
	case s == "":
		return "", ErrEmptyString
	case !has0x(s):
		return "", ErrMissingPrefix
	}
	d := s[2:]
	switch {
	case d == "":
		return "", ErrEmptyNumber
	case len(d) > 1 && d[0] == '0':
		return "", ErrLeadingZero
	}
	for i := 0; i < len(d); i++ {
		if nibble(d[i]) < 0 {
			return "", ErrSyntax
		}
	}
	return d, nil
}

// nibble returns the value of hex digit c, or -1.
func nibble(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// DecodeUint64 decodes a quantity of at most 64 bits.
func DecodeUint64(s string) (uint64, error) {
	d, err := quantityDigits(s)
	if err != nil {
		return 0, err
	}
	if len(d) > 16 {
		return 0, ErrUint64Range
	}
	var n uint64
	for i := 0; i < len(d); i++ {
		n = n<<4 | uint64(nibble(d[i]))
	}
	return n, nil
}

// DecodeU256 decodes a quantity of at most 256 bits.
func DecodeU256(s string) (*uint256.Int, error) {
	d, err := quantityDigits(s)
	if err != nil {
		return nil, err
	}
	if len(d) > 64 {
		return nil, ErrUint256Range
	}
	// Left-pad to whole bytes and decode big-endian.
	var buf [32]byte
	src := d
	if len(src)%2 == 1 {
		src = "0" + src
	}
	n := len(src) / 2
	if _, err := hex.Decode(buf[32-n:], []byte(src)); err != nil {
		return nil, ErrSyntax
	}
	return new(uint256.Int).SetBytes32(buf[:]), nil
}

// Decode decodes data: "0x" followed by an even number of hex digits.
func Decode(s string) ([]byte, error) {
	switch {
	case s == "":
		return nil, ErrEmptyString
	case !has0x(s):
		return nil, ErrMissingPrefix
	}
	d := s[2:]
	if len(d)%2 == 1 {
		return nil, ErrOddLength
	}
	out := make([]byte, len(d)/2)
	if _, err := hex.Decode(out, []byte(d)); err != nil {
		return nil, ErrSyntax
	}
	return out, nil
}

// DecodeFixed decodes data that must be exactly len(dst) bytes into dst.
func DecodeFixed(s string, dst []byte) error {
	b, err := Decode(s)
	if err != nil {
		return err
	}
	if len(b) != len(dst) {
		return fmt.Errorf("%w: want %d bytes, have %d", ErrInvalidHex, len(dst), len(b))
	}
	copy(dst, b)
	return nil
}
