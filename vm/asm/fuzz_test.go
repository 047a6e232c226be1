package asm

import (
	"bytes"
	"testing"
)

// FuzzAssembler feeds any text to the assembler: it must return code or
// an *Error, never panic, and code it returns must survive a disassembly
// round trip.
func FuzzAssembler(f *testing.F) {
	for _, s := range []string{
		"", "STOP", "PUSH 1\nPUSH 2\nADD", "x: JUMPDEST\nPUSH @x\nJUMP",
		".const A = 5\nPUSH A + 0x10 - 1", `PUSH4 selector("transfer(address,uint256)")`,
		`PUSH topic("E()")` + "\n.string \"a\\\"b\"", ".section rt\nPUSH size(rt)\nPUSH start(rt)\nPUSH size()",
		".bytes 0x0102\n.word 7\n.zero 3", "0000: PUSH1 0x01", "PUSH1 @",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		code, err := Assemble(src)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %v is not an *Error", err)
			}
			return
		}
		again, err := Assemble(Disassemble(code))
		if err != nil || !bytes.Equal(again, code) {
			t.Fatalf("round trip of %x: %x, %v", code, again, err)
		}
	})
}

// FuzzDisassemble checks Assemble(Disassemble(code)) == code for any bytes.
func FuzzDisassemble(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0x60, 0x01, 0x60})
	f.Add([]byte{0x7f, 0xff})
	f.Add([]byte{0x0c, 0x49, 0x5f, 0xfe})
	f.Fuzz(func(t *testing.T, code []byte) {
		again, err := Assemble(Disassemble(code))
		if err != nil || !bytes.Equal(again, code) {
			t.Fatalf("round trip of %x: %x, %v", code, again, err)
		}
	})
}
