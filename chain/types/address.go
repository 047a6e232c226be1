package types

import (
	"encoding/hex"
	"fmt"
)

// AddressLength is the size of an Address in bytes.
const AddressLength = 20

// Address is an account address: the last 20 bytes of the Keccak-256 of an
// uncompressed secp256k1 public key (without its 0x04 prefix), or of a
// contract's creation data.
type Address [AddressLength]byte

// BytesToAddress returns b as an Address, keeping the last 20 bytes if b is
// longer and left-padding with zeros if it is shorter.
func BytesToAddress(b []byte) Address {
	var a Address
	if len(b) > AddressLength {
		b = b[len(b)-AddressLength:]
	}
	copy(a[AddressLength-len(b):], b)
	return a
}

// Bytes returns a copy of a as a slice.
func (a Address) Bytes() []byte { return append([]byte(nil), a[:]...) }

// IsZero reports whether a is the zero address.
func (a Address) IsZero() bool { return a == Address{} }

// Hex returns a in its EIP-55 mixed-case checksummed form.
func (a Address) Hex() string {
	lower := hex.EncodeToString(a[:])
	sum := Keccak256([]byte(lower))
	out := make([]byte, 2+len(lower))
	out[0], out[1] = '0', 'x'
	for i := 0; i < len(lower); i++ {
		c := lower[i]
		// EIP-55: upper-case a letter when the matching nibble of the hash of
		// the lower-case hex is 8 or more.
		nibble := sum[i/2]
		if i%2 == 0 {
			nibble >>= 4
		}
		if c >= 'a' && nibble&0x0f >= 8 {
			c -= 'a' - 'A'
		}
		out[2+i] = c
	}
	return string(out)
}

// String implements fmt.Stringer.
func (a Address) String() string { return a.Hex() }

// MarshalText encodes a in EIP-55 form (used by encoding/json).
func (a Address) MarshalText() ([]byte, error) { return []byte(a.Hex()), nil }

// UnmarshalText decodes an address with ParseAddress.
func (a *Address) UnmarshalText(text []byte) error {
	v, err := ParseAddress(string(text))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// ErrBadChecksum is returned for a mixed-case address whose case does not
// match its EIP-55 checksum.
var ErrBadChecksum = fmt.Errorf("%w: bad EIP-55 address checksum", ErrMalformed)

// ParseAddress parses 40 hex digits with or without a 0x prefix. All-lower or
// all-upper case is accepted as is; mixed case must be a valid EIP-55
// checksum, since a wrong one usually means a mistyped address.
func ParseAddress(s string) (Address, error) {
	var a Address
	if err := decodeFixedHex(s, a[:]); err != nil {
		return Address{}, fmt.Errorf("address %q: %w", s, err)
	}
	digits := s
	if len(digits) >= 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X') {
		digits = digits[2:]
	}
	hasLower, hasUpper := false, false
	for i := 0; i < len(digits); i++ {
		switch c := digits[i]; {
		case c >= 'a' && c <= 'f':
			hasLower = true
		case c >= 'A' && c <= 'F':
			hasUpper = true
		}
	}
	if hasLower && hasUpper && a.Hex()[2:] != digits {
		return Address{}, fmt.Errorf("address %q: %w", s, ErrBadChecksum)
	}
	return a, nil
}
