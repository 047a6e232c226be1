package asm

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/quarry-chain/quarry/vm"
)

// Disassemble prints code one instruction per line, each prefixed with its
// offset as an annotation ("0004: PUSH1 0x2a") that Assemble checks.
// Bytes that are no instruction, and a PUSH cut short by the end of the
// code, are printed as .bytes, so Assemble(Disassemble(code)) == code for
// every code.
func Disassemble(code []byte) string {
	// The offset is printed in hex, zero-padded so that it starts with a
	// digit (which is what tells it apart from a label).
	width := max(4, len(fmt.Sprintf("%x", len(code)))+1)
	var b strings.Builder
	for pc := 0; pc < len(code); {
		op := vm.Opcode(code[pc])
		fmt.Fprintf(&b, "%0*x: ", width, pc)
		n := op.ImmediateSize()
		switch {
		case !op.Defined():
			fmt.Fprintf(&b, ".bytes 0x%02x\n", code[pc])
			pc++
		case pc+n >= len(code) && n > 0:
			fmt.Fprintf(&b, ".bytes 0x%s ; %s cut short by the end of the code\n", hex.EncodeToString(code[pc:]), op)
			pc = len(code)
		case n > 0:
			fmt.Fprintf(&b, "%s 0x%s\n", op, hex.EncodeToString(code[pc+1:pc+1+n]))
			pc += 1 + n
		default:
			fmt.Fprintf(&b, "%s\n", op)
			pc++
		}
	}
	return b.String()
}
