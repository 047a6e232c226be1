package params

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"strconv"
	"strings"
)

// This file holds the strict JSON reading that genesis.go builds on.
// encoding/json alone is too forgiving for a consensus file: it matches keys
// case-insensitively, lets a repeated key silently win, accepts null for
// anything and names fields poorly in its errors. So objects are walked
// member by member and every value is parsed by a helper that knows its
// field's name.

// member is one "key": value pair of a JSON object, in file order.
type member struct {
	key   string
	value json.RawMessage
}

// readObject decodes data as exactly one JSON object and returns its members
// in order. It fails on anything else (ErrSyntax), on a key given twice
// (ErrDuplicateField) and on data after the object (ErrSyntax). path names
// the object in errors; "" is the top level.
func readObject(data []byte, path string) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, fieldErr(path, ErrSyntax, "%v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fieldErr(path, ErrSyntax, "want a JSON object, have %s", describeToken(tok))
	}
	var members []member
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fieldErr(path, ErrSyntax, "%v", err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fieldErr(path, ErrSyntax, "want an object key, have %s", describeToken(tok))
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, fieldErr(join(path, key), ErrSyntax, "%v", err)
		}
		if seen[key] {
			return nil, fieldErr(join(path, key), ErrDuplicateField, "given more than once")
		}
		seen[key] = true
		members = append(members, member{key: key, value: value})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, fieldErr(path, ErrSyntax, "%v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fieldErr(path, ErrSyntax, "data after the JSON object")
	}
	return members, nil
}

// describeToken names a JSON token for an error message.
func describeToken(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		return "'" + t.String() + "'"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "an unexpected token"
}

// join extends a JSON path with an object key.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// parseUint reads a JSON number that is a non-negative integer of at most 64
// bits. Fractions, exponents, signs and quoted numbers are refused: JSON's
// number grammar already forbids leading zeros and '+'.
func parseUint(raw json.RawMessage, field string) (uint64, error) {
	s := string(raw)
	if s == "" || s[0] != '-' && (s[0] < '0' || s[0] > '9') {
		return 0, fieldErr(field, ErrSyntax, "want a JSON number, have %s", abbreviate(s))
	}
	if strings.ContainsAny(s, ".eE-+") {
		return 0, fieldErr(field, ErrBadValue, "%s is not a non-negative integer", abbreviate(s))
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fieldErr(field, ErrBadValue, "%s does not fit in 64 bits", abbreviate(s))
	}
	return v, nil
}

// parseString reads a JSON string (not null, not a number).
func parseString(raw json.RawMessage, field string) (string, error) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", fieldErr(field, ErrSyntax, "want a JSON string, have %s", abbreviate(string(raw)))
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fieldErr(field, ErrSyntax, "%v", err)
	}
	return s, nil
}

// parseBits reads a compact target written as a JSON string of exactly 8 hex
// digits after 0x, such as "0x1f00ffff". Whether the value is a valid target
// is Validate's business.
func parseBits(raw json.RawMessage, field string) (uint32, error) {
	s, err := parseString(raw, field)
	if err != nil {
		return 0, err
	}
	digits, ok := strings.CutPrefix(s, "0x")
	if !ok || len(digits) != 8 {
		return 0, fieldErr(field, ErrBadValue, "%q: want 0x and 8 hex digits, such as \"0x1f00ffff\"", abbreviate(s))
	}
	v, err := strconv.ParseUint(digits, 16, 32)
	if err != nil {
		return 0, fieldErr(field, ErrBadValue, "%q is not hex", abbreviate(s))
	}
	return uint32(v), nil
}

// parseAmount reads a 256-bit unsigned amount in wei written as a JSON string,
// decimal ("1000000000000000000") or 0x-hex ("0xde0b6b3a7640000"). Strings
// keep amounts above 2^53 exact, which JSON numbers in most tools do not.
func parseAmount(raw json.RawMessage, field string) (*big.Int, error) {
	s, err := parseString(raw, field)
	if err != nil {
		return nil, err
	}
	v := new(big.Int)
	if digits, ok := strings.CutPrefix(s, "0x"); ok {
		if digits == "" || len(digits) > 64 || !isHex(digits) {
			return nil, fieldErr(field, ErrBadValue, "%q: want 0x and 1 to 64 hex digits", abbreviate(s))
		}
		v.SetString(digits, 16)
	} else {
		// Decimal: digits only (big.Int.SetString would also take a sign).
		if s == "" || len(s) > 78 || strings.Trim(s, "0123456789") != "" {
			return nil, fieldErr(field, ErrBadValue, "%q: want a decimal or 0x-hex string", abbreviate(s))
		}
		v.SetString(s, 10)
	}
	if v.BitLen() > 256 {
		return nil, fieldErr(field, ErrBadValue, "%q exceeds 2^256-1", abbreviate(s))
	}
	return v, nil
}

// parseBytes reads 0x-prefixed hex with an even number of digits ("0x" is
// empty) as a byte string of at most maxLen bytes (maxLen < 0: no limit).
func parseBytes(raw json.RawMessage, field string, maxLen int) ([]byte, error) {
	s, err := parseString(raw, field)
	if err != nil {
		return nil, err
	}
	digits, ok := strings.CutPrefix(s, "0x")
	if !ok {
		return nil, fieldErr(field, ErrBadValue, "%q: want 0x-prefixed hex", abbreviate(s))
	}
	if maxLen >= 0 && len(digits) > 2*maxLen {
		return nil, fieldErr(field, ErrBadValue, "%d bytes, at most %d allowed", (len(digits)+1)/2, maxLen)
	}
	if digits == "" {
		return nil, nil // "0x": empty, kept as nil so that empty has one form
	}
	b, err := hex.DecodeString(digits)
	if err != nil {
		return nil, fieldErr(field, ErrBadValue, "%q: %v", abbreviate(s), err)
	}
	return b, nil
}

// parseWord reads a 32-byte storage slot or value: 0x and 1 to 64 hex
// digits, left-padded with zeros, so "0x1" and "0x00...01" are the same slot.
func parseWord(s, field string) ([32]byte, error) {
	var w [32]byte
	digits, ok := strings.CutPrefix(s, "0x")
	if !ok || digits == "" || len(digits) > 64 || !isHex(digits) {
		return w, fieldErr(field, ErrBadValue, "%q: want 0x and 1 to 64 hex digits", abbreviate(s))
	}
	if len(digits)%2 == 1 {
		digits = "0" + digits
	}
	b, _ := hex.DecodeString(digits) // isHex checked every digit
	copy(w[32-len(b):], b)
	return w, nil
}

// isHex reports whether s is non-empty and all hex digits.
func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// abbreviate shortens a quoted input for an error message, so a megabyte of
// garbage does not end up in a log line.
func abbreviate(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
