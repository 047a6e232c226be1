package asm

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/vm"
)

// maxZero bounds .zero, so that a short source cannot demand a huge
// output: twice the largest init code is more than any program needs.
const maxZero = 2 * vm.MaxInitCodeSize

// defaultLateWidth is the immediate width of a PUSH without an explicit
// size whose value depends on the layout (a label, a section's start or
// size). Two bytes address any code up to vm.MaxInitCodeSize.
const defaultLateWidth = 2

// item is one thing that lands in the output: an instruction or data.
type item struct {
	line    int
	op      vm.Opcode
	width   int   // immediate width for PUSH, 0 otherwise
	operand *expr // PUSH operand, nil otherwise
	data    []byte
	isData  bool // raw bytes: .bytes, .string, .zero
	isWord  bool // .word: operand as 32 bytes, no opcode
}

func (it *item) size() uint64 {
	switch {
	case it.isData:
		return uint64(len(it.data))
	case it.isWord:
		return 32
	}
	return 1 + uint64(it.width)
}

type section struct {
	name        string
	start, size uint64
}

type labelDef struct {
	section int
	offset  uint64 // within the section
}

// assembler holds the state of one Assemble call.
type assembler struct {
	items    []item
	consts   map[string]uint256.Int
	labels   map[string]labelDef
	sections []section
	checks   []offsetCheck
	offset   uint64 // absolute offset of the next item
}

type offsetCheck struct {
	line   int
	offset uint64 // claimed
	actual uint64
}

// Assemble translates src into code. See the package documentation for the
// syntax. Errors are *Error values with the line number; errors.Is matches
// their kind.
func Assemble(src string) ([]byte, error) {
	a := &assembler{
		consts:   make(map[string]uint256.Int),
		labels:   make(map[string]labelDef),
		sections: []section{{name: ""}},
	}
	for i, line := range strings.Split(src, "\n") {
		if err := a.line(i+1, line); err != nil {
			return nil, atLine(err, i+1)
		}
	}
	a.closeSection()
	for _, c := range a.checks {
		if c.offset != c.actual {
			return nil, &Error{Line: c.line, Err: ErrBadOffset, Detail: fmt.Sprintf("annotated 0x%x, actual 0x%x", c.offset, c.actual)}
		}
	}
	return a.emit()
}

// atLine sets the line of an *Error that has none.
func atLine(err error, line int) error {
	if e, ok := err.(*Error); ok && e.Line == 0 {
		e.Line = line
	}
	return err
}

// stripComment cuts a ';' or '#' comment, ignoring those inside strings.
func stripComment(line string) string {
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ';', '#':
			return line[:i]
		case '"':
			end := stringEnd(line, i)
			if end < 0 {
				return line // the parser reports the unterminated string
			}
			i = end - 1
		}
	}
	return line
}

// line handles one source line: any number of "label:" or offset
// annotations, then at most one directive or instruction.
func (a *assembler) line(n int, raw string) error {
	s := strings.TrimSpace(stripComment(raw))
	for s != "" {
		j := 0
		if s[0] >= '0' && s[0] <= '9' {
			for j < len(s) && isHex(s[j]) {
				j++
			}
		} else {
			for j < len(s) && isIdentChar(s[j], j == 0) {
				j++
			}
		}
		if j == 0 || j >= len(s) || s[j] != ':' {
			break
		}
		if tok := s[:j]; tok[0] >= '0' && tok[0] <= '9' {
			off, err := strconv.ParseUint(tok, 16, 64)
			if err != nil {
				return fail(ErrSyntax, "bad offset annotation %q", tok)
			}
			a.checks = append(a.checks, offsetCheck{line: n, offset: off, actual: a.offset})
		} else if err := a.defineLabel(tok); err != nil {
			return err
		}
		s = strings.TrimSpace(s[j+1:])
	}
	if s == "" {
		return nil
	}
	word, rest, _ := strings.Cut(s, " ")
	if k := strings.IndexByte(word, '\t'); k >= 0 {
		word, rest = s[:k], s[k+1:]
	}
	rest = strings.TrimSpace(rest)
	if word[0] == '.' {
		return a.directive(n, strings.ToLower(word), rest)
	}
	return a.instruction(n, strings.ToUpper(word), rest)
}

func (a *assembler) defineLabel(name string) error {
	if _, dup := a.labels[name]; dup {
		return fail(ErrDuplicateLabel, "%s", name)
	}
	cur := len(a.sections) - 1
	a.labels[name] = labelDef{section: cur, offset: a.offset - a.sections[cur].start}
	return nil
}

func (a *assembler) closeSection() {
	cur := &a.sections[len(a.sections)-1]
	cur.size = a.offset - cur.start
}

func (a *assembler) add(it item) {
	a.items = append(a.items, it)
	a.offset += it.size()
}

func (a *assembler) directive(n int, word, rest string) error {
	switch word {
	case ".const":
		name, value, ok := strings.Cut(rest, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" || !isIdent(name) {
			return fail(ErrSyntax, "want .const NAME = value")
		}
		if _, dup := a.consts[name]; dup {
			return fail(ErrDuplicateConst, "%s", name)
		}
		e, err := parseExpr(strings.TrimSpace(value), a.consts)
		if err != nil {
			return err
		}
		if e.late() {
			return fail(ErrSyntax, "constant %s may not depend on labels or sections", name)
		}
		v, err := e.eval(nil)
		if err != nil {
			return err
		}
		a.consts[name] = v
	case ".section":
		if !isIdent(rest) {
			return fail(ErrSyntax, "want .section NAME")
		}
		for _, s := range a.sections {
			if s.name == rest {
				return fail(ErrDuplicateLabel, "section %s", rest)
			}
		}
		a.closeSection()
		a.sections = append(a.sections, section{name: rest, start: a.offset})
	case ".bytes":
		var data []byte
		for _, f := range strings.Fields(rest) {
			digits := strings.TrimPrefix(strings.TrimPrefix(f, "0x"), "0X")
			b, err := hex.DecodeString(digits)
			if err != nil || digits == "" {
				return fail(ErrSyntax, ".bytes wants hex strings, got %q", f)
			}
			data = append(data, b...)
		}
		a.add(item{line: n, isData: true, data: data})
	case ".word":
		e, err := parseExpr(rest, a.consts)
		if err != nil {
			return err
		}
		a.add(item{line: n, isWord: true, width: 32, operand: e})
	case ".zero":
		e, err := parseExpr(rest, a.consts)
		if err != nil {
			return err
		}
		if e.late() {
			return fail(ErrSyntax, ".zero may not depend on labels or sections")
		}
		v, err := e.eval(nil)
		if err != nil {
			return err
		}
		if !v.IsUint64() || v.Uint64() > maxZero {
			return fail(ErrImmediateTooLarge, ".zero of more than %d bytes", maxZero)
		}
		a.add(item{line: n, isData: true, data: make([]byte, v.Uint64())})
	case ".string":
		end := stringEnd(rest, 0)
		if end != len(rest) {
			return fail(ErrSyntax, ".string wants one quoted string")
		}
		s, err := strconv.Unquote(rest)
		if err != nil {
			return fail(ErrSyntax, "bad string %s", rest)
		}
		a.add(item{line: n, isData: true, data: []byte(s)})
	default:
		return fail(ErrUnknownDirective, "%s", word)
	}
	return nil
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentChar(s[i], i == 0) {
			return false
		}
	}
	return true
}

func (a *assembler) instruction(n int, word, rest string) error {
	if word == "PUSH" {
		e, err := parseExpr(rest, a.consts)
		if err != nil {
			return err
		}
		width := defaultLateWidth
		if !e.late() {
			v, err := e.eval(nil)
			if err != nil {
				return err
			}
			width = v.ByteLen() // 0 for zero: PUSH0
		}
		a.add(item{line: n, op: vm.PUSH0 + vm.Opcode(width), width: width, operand: e})
		return nil
	}
	op, ok := vm.OpcodeByName(word)
	if !ok {
		return fail(ErrUnknownMnemonic, "%s", word)
	}
	it := item{line: n, op: op, width: op.ImmediateSize()}
	switch {
	case it.width > 0:
		if rest == "" {
			return fail(ErrSyntax, "%s needs an operand", word)
		}
		e, err := parseExpr(rest, a.consts)
		if err != nil {
			return err
		}
		it.operand = e
	case rest != "":
		return fail(ErrSyntax, "%s takes no operand", word)
	}
	a.add(it)
	return nil
}

// The assembler is the layout once the first pass is done.
func (a *assembler) label(name string) (uint64, bool) {
	l, ok := a.labels[name]
	return l.offset, ok
}

func (a *assembler) section(name string) (uint64, uint64, bool) {
	for _, s := range a.sections {
		if s.name == name && name != "" {
			return s.start, s.size, true
		}
	}
	return 0, 0, false
}

func (a *assembler) total() uint64 { return a.offset }

// emit is the second pass: every size is known, so operands can be
// evaluated.
func (a *assembler) emit() ([]byte, error) {
	out := make([]byte, 0, a.offset)
	for i := range a.items {
		it := &a.items[i]
		if it.isData {
			out = append(out, it.data...)
			continue
		}
		if !it.isWord {
			out = append(out, byte(it.op))
		}
		if it.width == 0 {
			continue
		}
		v, err := it.operand.eval(a)
		if err != nil {
			return nil, atLine(err, it.line)
		}
		if v.ByteLen() > it.width {
			return nil, &Error{Line: it.line, Err: ErrImmediateTooLarge,
				Detail: fmt.Sprintf("%s needs %d bytes, %s holds %d", v.Hex(), v.ByteLen(), it.mnemonic(), it.width)}
		}
		b := v.Bytes32()
		out = append(out, b[32-it.width:]...)
	}
	return out, nil
}

func (it *item) mnemonic() string {
	if it.isWord {
		return ".word"
	}
	return it.op.String()
}
