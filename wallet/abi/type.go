package abi

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is the class of an ABI type.
type Kind uint8

// Kinds of type.
const (
	Uint Kind = iota + 1
	Int
	Address
	Bool
	FixedBytes // bytes1..bytes32
	Bytes
	String
	Array // Elem[Len], or Elem[] when Len < 0
)

// Limits on parsed types. They bound the work and memory any one type
// string can ask for; real contracts stay far below them.
const (
	// maxTypeDepth is the deepest array nesting accepted.
	maxTypeDepth = 8
	// maxFixedLen is the largest k in T[k].
	maxFixedLen = 1 << 16
	// maxStaticSize is the largest head a static type may occupy, in bytes
	// (1 MiB): it bounds T[k][k]... products.
	maxStaticSize = 1 << 20
	// maxSignature bounds the length of a signature or type list.
	maxSignature = 4096
)

// Type is an ABI type.
type Type struct {
	Kind Kind
	// Size is the width in bits of Uint and Int, in bytes of FixedBytes.
	Size int
	// Elem and Len describe an Array; Len < 0 for a dynamic array T[].
	Elem *Type
	Len  int
}

// ParseType parses a canonical type name such as "uint256", "bytes32" or
// "address[2][]". "uint" and "int" are read as uint256 and int256.
func ParseType(s string) (Type, error) {
	if len(s) > maxSignature {
		return Type{}, fmt.Errorf("%w: longer than %d characters", ErrType, maxSignature)
	}
	t, err := parseType(strings.TrimSpace(s), 0)
	if err != nil {
		return Type{}, err
	}
	if t.isStatic() && t.headSize() > maxStaticSize {
		return Type{}, fmt.Errorf("%w: %s occupies more than %d bytes", ErrType, s, maxStaticSize)
	}
	return t, nil
}

func parseType(s string, depth int) (Type, error) {
	if strings.HasSuffix(s, "]") {
		open := strings.LastIndexByte(s, '[')
		if open < 0 {
			return Type{}, fmt.Errorf("%w: %q", ErrType, s)
		}
		if depth >= maxTypeDepth {
			return Type{}, fmt.Errorf("%w: arrays nested deeper than %d", ErrType, maxTypeDepth)
		}
		elem, err := parseType(s[:open], depth+1)
		if err != nil {
			return Type{}, err
		}
		n := -1
		if inner := s[open+1 : len(s)-1]; inner != "" {
			k, err := strconv.Atoi(inner)
			if err != nil || k <= 0 || k > maxFixedLen || inner[0] == '0' || inner[0] == '+' {
				return Type{}, fmt.Errorf("%w: array length %q in %q", ErrType, inner, s)
			}
			n = k
		}
		t := Type{Kind: Array, Elem: &elem, Len: n}
		if t.isStatic() && t.headSize() > maxStaticSize {
			return Type{}, fmt.Errorf("%w: %s occupies more than %d bytes", ErrType, s, maxStaticSize)
		}
		return t, nil
	}
	switch s {
	case "address":
		return Type{Kind: Address}, nil
	case "bool":
		return Type{Kind: Bool}, nil
	case "bytes":
		return Type{Kind: Bytes}, nil
	case "string":
		return Type{Kind: String}, nil
	case "uint":
		return Type{Kind: Uint, Size: 256}, nil
	case "int":
		return Type{Kind: Int, Size: 256}, nil
	}
	for _, p := range []struct {
		prefix   string
		kind     Kind
		min, max int
		step     int
	}{{"uint", Uint, 8, 256, 8}, {"int", Int, 8, 256, 8}, {"bytes", FixedBytes, 1, 32, 1}} {
		rest, ok := strings.CutPrefix(s, p.prefix)
		if !ok || rest == "" {
			continue
		}
		n, err := strconv.Atoi(rest)
		if err != nil || rest[0] == '0' || rest[0] == '+' || n < p.min || n > p.max || n%p.step != 0 {
			return Type{}, fmt.Errorf("%w: %q", ErrType, s)
		}
		return Type{Kind: p.kind, Size: n}, nil
	}
	return Type{}, fmt.Errorf("%w: %q", ErrType, s)
}

// String returns the canonical name of t, as it appears in a signature.
func (t Type) String() string {
	switch t.Kind {
	case Uint:
		return "uint" + strconv.Itoa(t.Size)
	case Int:
		return "int" + strconv.Itoa(t.Size)
	case Address:
		return "address"
	case Bool:
		return "bool"
	case FixedBytes:
		return "bytes" + strconv.Itoa(t.Size)
	case Bytes:
		return "bytes"
	case String:
		return "string"
	case Array:
		if t.Len < 0 {
			return t.Elem.String() + "[]"
		}
		return t.Elem.String() + "[" + strconv.Itoa(t.Len) + "]"
	}
	return "invalid"
}

// isStatic reports whether t is encoded in place (no offset and tail).
func (t Type) isStatic() bool {
	switch t.Kind {
	case Bytes, String:
		return false
	case Array:
		return t.Len >= 0 && t.Elem.isStatic()
	}
	return true
}

// headSize is the number of bytes t occupies in its enclosing head: 32 for
// a dynamic type (its offset), its whole encoding for a static one. Parsing
// keeps it below maxStaticSize, so it cannot overflow.
func (t Type) headSize() int {
	if t.Kind == Array && t.isStatic() {
		return t.Len * t.Elem.headSize()
	}
	return wordSize
}

// ParseTypes parses a comma-separated type list, optionally in parentheses:
// "uint256,bool" or "(uint256,bool)". An empty list is valid.
func ParseTypes(s string) ([]Type, error) {
	if len(s) > maxSignature {
		return nil, fmt.Errorf("%w: longer than %d characters", ErrType, maxSignature)
	}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "(") {
		if !strings.HasSuffix(s, ")") {
			return nil, fmt.Errorf("%w: unbalanced parentheses in %q", ErrType, s)
		}
		s = s[1 : len(s)-1]
	}
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	out := make([]Type, len(parts))
	for i, p := range parts {
		t, err := ParseType(p)
		if err != nil {
			return nil, err
		}
		out[i] = t
	}
	return out, nil
}
