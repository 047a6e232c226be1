package asm

import (
	"strconv"
	"strings"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// An expression is a sum of terms: terms joined by + and -. A term is
//
//	123, 0x7b            a decimal or hex literal (up to 2^256-1)
//	NAME                 a constant defined with .const
//	@label               a label's offset within its section
//	selector("f(uint256)") the 4-byte ABI selector of a function signature
//	topic("E(address)")  the 32-byte Keccak-256 of an event signature
//	start(section)       a section's offset in the output
//	size(section)        a section's length; size() is the whole output's
//
// Terms that depend on the layout (labels, start, size) are "late": they
// are only known after the first pass, so a PUSH of a late expression has
// a fixed width.
type expr struct {
	terms []term
}

type termKind uint8

const (
	termValue termKind = iota // literal, selector, topic, or a constant resolved at parse time
	termLabel
	termStart
	termSize
	termTotal
)

type term struct {
	neg   bool
	kind  termKind
	value uint256.Int
	name  string
}

// late reports whether e depends on the layout.
func (e *expr) late() bool {
	for _, t := range e.terms {
		if t.kind != termValue {
			return true
		}
	}
	return false
}

// layout resolves late terms.
type layout interface {
	label(name string) (uint64, bool)
	section(name string) (start, size uint64, ok bool)
	total() uint64
}

// eval computes e; a negative result is an error.
func (e *expr) eval(l layout) (uint256.Int, error) {
	var sum uint256.Int
	for _, t := range e.terms {
		var v uint256.Int
		switch t.kind {
		case termValue:
			v = t.value
		case termLabel:
			off, ok := l.label(t.name)
			if !ok {
				return sum, fail(ErrUndefinedLabel, "@%s", t.name)
			}
			v.SetUint64(off)
		case termStart, termSize:
			start, size, ok := l.section(t.name)
			if !ok {
				return sum, fail(ErrUndefinedLabel, "no section %q", t.name)
			}
			if t.kind == termStart {
				v.SetUint64(start)
			} else {
				v.SetUint64(size)
			}
		case termTotal:
			v.SetUint64(l.total())
		}
		var overflow bool
		if t.neg {
			_, overflow = sum.SubOverflow(&sum, &v)
		} else {
			_, overflow = sum.AddOverflow(&sum, &v)
		}
		if overflow {
			return sum, fail(ErrImmediateTooLarge, "expression outside 0..2^256-1")
		}
	}
	return sum, nil
}

// exprParser reads an expression from s. consts resolves constant names
// at parse time, so constants must be defined before use.
type exprParser struct {
	s      string
	i      int
	consts map[string]uint256.Int
}

func parseExpr(s string, consts map[string]uint256.Int) (*expr, error) {
	p := &exprParser{s: s, consts: consts}
	e := &expr{}
	neg := false
	for {
		p.space()
		t, err := p.term()
		if err != nil {
			return nil, err
		}
		t.neg = neg
		e.terms = append(e.terms, t)
		p.space()
		if p.i == len(p.s) {
			return e, nil
		}
		switch p.s[p.i] {
		case '+':
			neg = false
		case '-':
			neg = true
		default:
			return nil, fail(ErrSyntax, "unexpected %q in expression", p.s[p.i:])
		}
		p.i++
	}
}

func (p *exprParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *exprParser) ident() string {
	start := p.i
	for p.i < len(p.s) && isIdentChar(p.s[p.i], p.i == start) {
		p.i++
	}
	return p.s[start:p.i]
}

func isIdentChar(c byte, first bool) bool {
	switch {
	case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		return true
	case c >= '0' && c <= '9' || c == '.':
		return !first
	}
	return false
}

func (p *exprParser) term() (term, error) {
	if p.i == len(p.s) {
		return term{}, fail(ErrSyntax, "missing operand")
	}
	c := p.s[p.i]
	switch {
	case c == '@':
		p.i++
		name := p.ident()
		if name == "" {
			return term{}, fail(ErrSyntax, "@ without a label name")
		}
		return term{kind: termLabel, name: name}, nil
	case c >= '0' && c <= '9':
		start := p.i
		for p.i < len(p.s) && isIdentChar(p.s[p.i], false) {
			p.i++
		}
		v, err := parseNumber(p.s[start:p.i])
		return term{value: v}, err
	case isIdentChar(c, true):
		name := p.ident()
		p.space()
		if p.i < len(p.s) && p.s[p.i] == '(' {
			p.i++
			return p.call(strings.ToLower(name))
		}
		v, ok := p.consts[name]
		if !ok {
			return term{}, fail(ErrUndefinedConst, "%s", name)
		}
		return term{value: v}, nil
	}
	return term{}, fail(ErrSyntax, "unexpected %q in expression", p.s[p.i:])
}

// call parses the argument and closing parenthesis of a function term.
func (p *exprParser) call(fn string) (term, error) {
	p.space()
	var t term
	switch fn {
	case "selector", "topic":
		sig, err := p.str()
		if err != nil {
			return t, err
		}
		h := types.Keccak256([]byte(sig))
		if fn == "selector" {
			t.value.SetBytes(h[:4])
		} else {
			t.value.SetBytes(h[:])
		}
	case "start", "size":
		name := p.ident()
		switch {
		case name != "":
			t.kind, t.name = termStart, name
			if fn == "size" {
				t.kind = termSize
			}
		case fn == "size":
			t.kind = termTotal
		default:
			return t, fail(ErrSyntax, "start() needs a section name")
		}
	default:
		return t, fail(ErrSyntax, "unknown function %s()", fn)
	}
	p.space()
	if p.i == len(p.s) || p.s[p.i] != ')' {
		return t, fail(ErrSyntax, "missing ) after %s(", fn)
	}
	p.i++
	return t, nil
}

// str reads a double-quoted string with Go escapes.
func (p *exprParser) str() (string, error) {
	end := stringEnd(p.s, p.i)
	if end < 0 {
		return "", fail(ErrSyntax, "expected a quoted string")
	}
	s, err := strconv.Unquote(p.s[p.i:end])
	if err != nil {
		return "", fail(ErrSyntax, "bad string %s", p.s[p.i:end])
	}
	p.i = end
	return s, nil
}

// stringEnd returns the index just past the double-quoted string that
// starts at s[i], or -1.
func stringEnd(s string, i int) int {
	if i >= len(s) || s[i] != '"' {
		return -1
	}
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// parseNumber parses a decimal or 0x-hex literal below 2^256.
func parseNumber(s string) (uint256.Int, error) {
	var v uint256.Int
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		digits := s[2:]
		if len(digits) > 64 {
			return v, fail(ErrImmediateTooLarge, "%s has more than 256 bits", s)
		}
		for _, c := range []byte(digits) {
			if !isHex(c) {
				return v, fail(ErrSyntax, "bad hex literal %s", s)
			}
		}
		b := make([]byte, 0, 32)
		if len(digits)%2 == 1 {
			digits = "0" + digits
		}
		for i := 0; i < len(digits); i += 2 {
			b = append(b, unhex(digits[i])<<4|unhex(digits[i+1]))
		}
		v.SetBytes(b)
		return v, nil
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return v, fail(ErrSyntax, "bad number %s", s)
		}
	}
	if len(s) > 78 || v.SetFromDecimal(s) != nil {
		return v, fail(ErrImmediateTooLarge, "%s has more than 256 bits", s)
	}
	return v, nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
