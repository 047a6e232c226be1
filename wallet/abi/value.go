package abi

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/quarry-chain/quarry/chain/types"
)

// wordSize is the ABI's slot size in bytes.
const wordSize = 32

// maxNumberText bounds an integer argument's text: 2^256 has 78 decimal
// digits and 64 hex digits, so anything longer is out of range anyway.
const maxNumberText = 100

// Value is a typed ABI value, built by ParseValue or Decode.
type Value struct {
	Type Type
	// word holds Uint, Int (two's complement), Address, Bool and
	// FixedBytes values in their 32-byte encoding.
	word [wordSize]byte
	// raw holds Bytes and String contents.
	raw []byte
	// elems holds Array elements.
	elems []Value
}

// Word returns the 32-byte encoding of a static elementary value.
func (v Value) Word() [32]byte { return v.word }

// Raw returns the contents of a bytes or string value.
func (v Value) Raw() []byte { return v.raw }

// Elems returns the elements of an array value.
func (v Value) Elems() []Value { return v.elems }

// Big returns an integer value as a big.Int (signed for Int).
func (v Value) Big() *big.Int {
	x := new(big.Int).SetBytes(v.word[:])
	if v.Type.Kind == Int && v.word[0]&0x80 != 0 {
		x.Sub(x, twoTo256)
	}
	return x
}

var twoTo256 = new(big.Int).Lsh(big.NewInt(1), 256)

// ParseValues parses one argument per type.
func ParseValues(ts []Type, args []string) ([]Value, error) {
	if len(args) != len(ts) {
		return nil, fmt.Errorf("%w: got %d, want %d (%s)", ErrArgCount, len(args), len(ts), typeList(ts))
	}
	out := make([]Value, len(ts))
	for i, t := range ts {
		v, err := ParseValue(t, args[i])
		if err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+1, err)
		}
		out[i] = v
	}
	return out, nil
}

// ParseValue parses s as a value of type t (see the package documentation
// for the syntax of each type).
func ParseValue(t Type, s string) (Value, error) {
	v := Value{Type: t}
	switch t.Kind {
	case Uint, Int:
		x, err := parseInteger(t, s)
		if err != nil {
			return Value{}, err
		}
		if x.Sign() < 0 {
			x = new(big.Int).Add(x, twoTo256)
		}
		x.FillBytes(v.word[:])
	case Address:
		a, err := types.ParseAddress(strings.TrimSpace(s))
		if err != nil {
			return Value{}, fmt.Errorf("%w: address %q: %w", ErrValue, s, err)
		}
		copy(v.word[12:], a[:])
	case Bool:
		switch strings.TrimSpace(s) {
		case "true":
			v.word[31] = 1
		case "false":
		default:
			return Value{}, fmt.Errorf("%w: bool %q, want true or false", ErrValue, s)
		}
	case FixedBytes:
		b, err := parseHex(s)
		if err != nil || len(b) != t.Size {
			return Value{}, fmt.Errorf("%w: %s %q, want 0x and %d hex digits", ErrValue, t, s, 2*t.Size)
		}
		copy(v.word[:], b)
	case Bytes:
		b, err := parseHex(s)
		if err != nil {
			return Value{}, fmt.Errorf("%w: bytes %q, want 0x and an even number of hex digits", ErrValue, s)
		}
		v.raw = b
	case String:
		v.raw = []byte(s)
	case Array:
		items, err := splitList(s)
		if err != nil {
			return Value{}, fmt.Errorf("%w: %s %q: %w", ErrValue, t, s, err)
		}
		if t.Len >= 0 && len(items) != t.Len {
			return Value{}, fmt.Errorf("%w: %s needs %d elements, got %d", ErrValue, t, t.Len, len(items))
		}
		v.elems = make([]Value, len(items))
		for i, item := range items {
			e, err := ParseValue(*t.Elem, item)
			if err != nil {
				return Value{}, fmt.Errorf("element %d: %w", i, err)
			}
			v.elems[i] = e
		}
	default:
		return Value{}, fmt.Errorf("%w: invalid type", ErrType)
	}
	return v, nil
}

// parseInteger reads a decimal or 0x-hex integer and checks it fits t.
func parseInteger(t Type, s string) (*big.Int, error) {
	in := strings.TrimSpace(s)
	if len(in) > maxNumberText {
		return nil, fmt.Errorf("%w: %s %q is too long", ErrValue, t, s)
	}
	neg := false
	if rest, ok := strings.CutPrefix(in, "-"); ok {
		neg, in = true, rest
	}
	base := 10
	if rest, ok := strings.CutPrefix(strings.ToLower(in), "0x"); ok {
		base, in = 16, rest
	}
	x, ok := new(big.Int).SetString(in, base)
	if !ok || in == "" || strings.ContainsAny(in, "+-_") {
		return nil, fmt.Errorf("%w: %s %q is not a decimal or 0x-hex integer", ErrValue, t, s)
	}
	if neg {
		x.Neg(x)
	}
	lo, hi := new(big.Int), new(big.Int).Lsh(big.NewInt(1), uint(t.Size)) // [lo, hi)
	if t.Kind == Int {
		hi.Rsh(hi, 1)
		lo.Neg(hi)
	}
	if x.Cmp(lo) < 0 || x.Cmp(hi) >= 0 {
		return nil, fmt.Errorf("%w: %s out of range for %s", ErrValue, s, t)
	}
	return x, nil
}

func parseHex(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	rest, ok := strings.CutPrefix(s, "0x")
	if !ok {
		rest, ok = strings.CutPrefix(s, "0X")
	}
	if !ok {
		return nil, fmt.Errorf("missing 0x prefix")
	}
	return hex.DecodeString(rest)
}

// splitList splits "[a,b,[c,d],"e,f"]" into its top-level items, keeping
// nested brackets together and unquoting double-quoted items.
func splitList(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") || len(s) < 2 {
		return nil, fmt.Errorf("want [a,b,...]")
	}
	inner := strings.TrimSpace(s[1 : len(s)-1])
	if inner == "" {
		return nil, nil
	}
	items, err := SplitTopLevel(inner)
	if err != nil {
		return nil, err
	}
	for i, it := range items {
		it = strings.TrimSpace(it)
		if strings.HasPrefix(it, `"`) {
			u, err := strconv.Unquote(it)
			if err != nil {
				return nil, fmt.Errorf("item %d: bad quoted string", i)
			}
			it = u
		}
		items[i] = it
	}
	return items, nil
}

// SplitTopLevel splits s at commas that are outside brackets and double
// quotes: "1,[2,3],\"a,b\"" gives "1", "[2,3]", "\"a,b\"".
func SplitTopLevel(s string) ([]string, error) {
	var out []string
	depth, start, quoted := 0, 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '[':
			depth++
		case c == ']':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("unbalanced ]")
			}
		case c == ',' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	if depth != 0 || quoted {
		return nil, fmt.Errorf("unbalanced brackets or quotes")
	}
	return append(out, s[start:]), nil
}

// String formats v for people: integers in decimal, addresses in EIP-55
// form, bytes in 0x hex, strings as they are (quoted inside arrays).
func (v Value) String() string {
	switch v.Type.Kind {
	case Uint, Int:
		return v.Big().String()
	case Address:
		return types.BytesToAddress(v.word[12:]).Hex()
	case Bool:
		return strconv.FormatBool(v.word[31] == 1)
	case FixedBytes:
		return "0x" + hex.EncodeToString(v.word[:v.Type.Size])
	case Bytes:
		return "0x" + hex.EncodeToString(v.raw)
	case String:
		return string(v.raw)
	case Array:
		parts := make([]string, len(v.elems))
		for i, e := range v.elems {
			parts[i] = e.String()
			if e.Type.Kind == String {
				parts[i] = strconv.Quote(parts[i])
			}
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return ""
}

// MarshalJSON encodes v for scripts: integers as decimal strings (they
// overflow JavaScript numbers), bools as JSON bools, arrays as JSON
// arrays, everything else as its String form.
func (v Value) MarshalJSON() ([]byte, error) {
	switch v.Type.Kind {
	case Bool:
		return json.Marshal(v.word[31] == 1)
	case Array:
		if v.elems == nil {
			return []byte("[]"), nil
		}
		return json.Marshal(v.elems)
	}
	return json.Marshal(v.String())
}
