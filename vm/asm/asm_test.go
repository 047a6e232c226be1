package asm

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/vm"
)

func TestAssemble(t *testing.T) {
	t.Parallel()
	transfer := types.Keccak256([]byte("transfer(address,uint256)"))
	event := types.Keccak256([]byte("Transfer(address,address,uint256)"))
	tests := []struct {
		name string
		src  string
		want []byte
	}{
		{"empty", "", []byte{}},
		{"comments and blanks", "; a comment\n  # another\n\n", []byte{}},
		{"mnemonics any case", "add\nAdd\nADD", []byte{0x01, 0x01, 0x01}},
		{"comment after instruction", "STOP ; done", []byte{0x00}},
		{"push auto size", "PUSH 0\nPUSH 255\nPUSH 256\nPUSH 0x010000", []byte{0x5f, 0x60, 0xff, 0x61, 0x01, 0x00, 0x62, 0x01, 0x00, 0x00}},
		{"push explicit size keeps zeros", "PUSH2 0x0001\nPUSH1 0", []byte{0x61, 0x00, 0x01, 0x60, 0x00}},
		{"push32 max", "PUSH32 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", append([]byte{0x7f}, bytes.Repeat([]byte{0xff}, 32)...)},
		{"decimal literal", "PUSH 1000", []byte{0x61, 0x03, 0xe8}},
		{"constant", ".const N = 0x10\n.const M = N + 2\nPUSH M - 1", []byte{0x60, 0x11}},
		{"label forward and back", "start: JUMPDEST\nPUSH @end\nPUSH @start\nend:", []byte{0x49, 0x61, 0x00, 0x07, 0x61, 0x00, 0x00}},
		{"label width explicit", "PUSH1 @x\nx: JUMPDEST", []byte{0x60, 0x02, 0x49}},
		{"selector", `PUSH4 selector("transfer(address,uint256)")`, append([]byte{0x63}, transfer[:4]...)},
		{"topic", `PUSH32 topic("Transfer(address,address,uint256)")`, append([]byte{0x7f}, event[:]...)},
		{"string with comment chars", `.string "a;b#c"`, []byte("a;b#c")},
		{"bytes", ".bytes 0x0102 ff", []byte{1, 2, 0xff}},
		{"word", ".word 0x0102", append(make([]byte, 30), 1, 2)},
		{"zero", ".zero 3", []byte{0, 0, 0}},
		{"offset annotation", "0000: STOP\n0001: PUSH1 0x02", []byte{0x00, 0x60, 0x02}},
		{"sections", "PUSH size(rt)\nPUSH start(rt)\nPUSH size()\n.section rt\nx: JUMPDEST\nPUSH @x",
			[]byte{0x61, 0x00, 0x04, 0x61, 0x00, 0x09, 0x61, 0x00, 0x0d, 0x49, 0x61, 0x00, 0x00}},
		{"tabs", "\tPUSH\t7", []byte{0x60, 0x07}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Assemble(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Fatalf("got %x, want %x", got, tt.want)
			}
		})
	}
}

func TestAssembleErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		kind error
		line int
	}{
		{"STOP\nFOO", ErrUnknownMnemonic, 2},
		{"PUSH @nowhere", ErrUndefinedLabel, 1},
		{"a: STOP\na: STOP", ErrDuplicateLabel, 2},
		{"PUSH1 256", ErrImmediateTooLarge, 1},
		{"PUSH1 @x\n.zero 300\nx:", ErrImmediateTooLarge, 1},
		{"PUSH 0x1" + strings.Repeat("0", 64), ErrImmediateTooLarge, 1},
		{"PUSH 1" + strings.Repeat("0", 78), ErrImmediateTooLarge, 1},
		{"PUSH NOPE", ErrUndefinedConst, 1},
		{".const A = 1\n.const A = 2", ErrDuplicateConst, 2},
		{".const A = @x\nx:", ErrSyntax, 1},
		{"PUSH 1 - 2", ErrImmediateTooLarge, 1},
		{"PUSH", ErrSyntax, 1},
		{"PUSH1", ErrSyntax, 1},
		{"ADD 1", ErrSyntax, 1},
		{"PUSH 0xzz", ErrSyntax, 1},
		{"PUSH 12ab", ErrSyntax, 1},
		{`PUSH selector("f()"`, ErrSyntax, 1},
		{`PUSH selector(f)`, ErrSyntax, 1},
		{`PUSH bogus("x")`, ErrSyntax, 1},
		{".string \"open", ErrSyntax, 1},
		{".bytes 0x1", ErrSyntax, 1},
		{".wat", ErrUnknownDirective, 1},
		{"STOP\n0005: STOP", ErrBadOffset, 2},
		{"PUSH size(missing)", ErrUndefinedLabel, 1},
		{".section a\n.section a", ErrDuplicateLabel, 2},
		{".zero 1000000", ErrImmediateTooLarge, 1},
	}
	for _, tt := range tests {
		_, err := Assemble(tt.src)
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, tt.kind) || e.Line != tt.line {
			t.Errorf("%q: error %v, want %v at line %d", tt.src, err, tt.kind, tt.line)
		}
	}
}

// Every kind matches itself and nothing else.
func TestErrorKinds(t *testing.T) {
	t.Parallel()
	kinds := []error{ErrSyntax, ErrUnknownMnemonic, ErrUnknownDirective, ErrUndefinedLabel, ErrDuplicateLabel,
		ErrUndefinedConst, ErrDuplicateConst, ErrImmediateTooLarge, ErrBadOffset}
	for i, a := range kinds {
		for j, b := range kinds {
			if errors.Is(&Error{Err: a}, b) != (i == j) {
				t.Errorf("%v matches %v", a, b)
			}
		}
	}
}

func TestDisassemble(t *testing.T) {
	t.Parallel()
	code := []byte{0x60, 0x2a, 0x5f, 0x42, 0x0c, 0x61, 0x01}
	want := "0000: PUSH1 0x2a\n0002: PUSH0\n0003: MSTORE\n0004: .bytes 0x0c\n0005: .bytes 0x6101 ; PUSH2 cut short by the end of the code\n"
	if got := Disassemble(code); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// Every opcode, and every byte, survives the round trip.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	var code []byte
	for i := range 256 {
		code = append(code, byte(i))
		code = append(code, make([]byte, vm.Opcode(i).ImmediateSize())...)
	}
	for _, c := range [][]byte{code, code[:len(code)-5], {0x7f}, {0x61, 0x00}} {
		got, err := Assemble(Disassemble(c))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, c) {
			t.Fatalf("round trip changed %x into %x", c, got)
		}
	}
}
