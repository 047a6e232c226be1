package hd

import (
	"crypto/sha256"
	"errors"
)

// base58Alphabet is Bitcoin's Base58 alphabet (no 0, O, I or l).
const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// base58Checksum is the length of the double-SHA-256 checksum Base58Check
// appends.
const base58Checksum = 4

var (
	errBase58Char     = errors.New("character outside the Base58 alphabet")
	errBase58Checksum = errors.New("Base58Check checksum mismatch")
	errBase58Short    = errors.New("too short for Base58Check")
)

// base58Encode encodes b; each leading zero byte becomes a leading '1'. The
// quadratic long division is fine for the 82-byte strings BIP-32 uses.
func base58Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	// log(256)/log(58) < 1.37, so this many digits always suffice.
	digits := make([]byte, 0, len(b)*137/100+1)
	for _, c := range b[zeros:] {
		carry := int(c)
		for i := range digits {
			carry += int(digits[i]) << 8
			digits[i] = byte(carry % 58)
			carry /= 58
		}
		for carry > 0 {
			digits = append(digits, byte(carry%58))
			carry /= 58
		}
	}
	out := make([]byte, zeros+len(digits))
	for i := range zeros {
		out[i] = base58Alphabet[0]
	}
	for i, d := range digits {
		out[len(out)-1-i] = base58Alphabet[d]
	}
	return string(out)
}

// base58Decode is the inverse of base58Encode.
func base58Decode(s string) ([]byte, error) {
	zeros := 0
	for zeros < len(s) && s[zeros] == base58Alphabet[0] {
		zeros++
	}
	// Little-endian base-256 digits of the value.
	bytes := make([]byte, 0, len(s))
	for i := zeros; i < len(s); i++ {
		v := base58Value(s[i])
		if v < 0 {
			return nil, errBase58Char
		}
		carry := v
		for j := range bytes {
			carry += int(bytes[j]) * 58
			bytes[j] = byte(carry)
			carry >>= 8
		}
		for carry > 0 {
			bytes = append(bytes, byte(carry))
			carry >>= 8
		}
	}
	out := make([]byte, zeros+len(bytes))
	for i, c := range bytes {
		out[len(out)-1-i] = c
	}
	return out, nil
}

// base58Value returns the digit value of c, or -1.
func base58Value(c byte) int {
	for i := 0; i < len(base58Alphabet); i++ {
		if base58Alphabet[i] == c {
			return i
		}
	}
	return -1
}

// base58CheckEncode appends the first four bytes of SHA-256d(payload) and
// encodes the result.
func base58CheckEncode(payload []byte) string {
	sum := doubleSHA256(payload)
	return base58Encode(append(append([]byte(nil), payload...), sum[:base58Checksum]...))
}

// base58CheckDecode decodes s and verifies and strips its checksum.
func base58CheckDecode(s string) ([]byte, error) {
	b, err := base58Decode(s)
	if err != nil {
		return nil, err
	}
	if len(b) < base58Checksum {
		return nil, errBase58Short
	}
	payload, check := b[:len(b)-base58Checksum], b[len(b)-base58Checksum:]
	sum := doubleSHA256(payload)
	if string(sum[:base58Checksum]) != string(check) {
		return nil, errBase58Checksum
	}
	return payload, nil
}

func doubleSHA256(b []byte) [32]byte {
	first := sha256.Sum256(b)
	return sha256.Sum256(first[:])
}
