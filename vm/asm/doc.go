// Package asm is the assembler and disassembler of Quarry's VM.
//
// # Syntax
//
// One instruction or directive per line. Comments run from ';' or '#' to
// the end of the line (not inside strings). Mnemonics are the opcode names
// of package vm, in any case.
//
//	label:                      defines a label (letters, digits, '_', '.');
//	                            a jump target still needs a JUMPDEST
//	0004:                       an offset annotation (hex, leading digit), as
//	                            Disassemble prints; checked, not obeyed
//	PUSH expr                   the smallest PUSHn for a constant value
//	                            (PUSH0 for zero), PUSH2 for a value that
//	                            depends on the layout
//	PUSH1..PUSH32 expr          an explicit width; too large is an error
//	.const NAME = expr          a constant (defined before use, no labels)
//	.section NAME               starts a section: its labels count from its
//	                            own start, so the runtime part of creation
//	                            code can jump as it will once deployed
//	.bytes 0x0102 ff            raw bytes, hex
//	.string "text"              raw bytes, Go string syntax
//	.word expr                  a 32-byte big-endian word
//	.zero N                     N zero bytes
//
// Expressions add and subtract terms: decimal or 0x-hex literals below
// 2^256, constants, @label (offset within its section), start(section),
// size(section), size() (the whole output, where constructor arguments
// begin), selector("f(uint256)") (the 4-byte ABI selector) and
// topic("E(address)") (the Keccak-256 event topic).
//
// # Pipeline
//
// Assemble reads the source once, sizing every item (which is why layout
// dependent PUSHes have a fixed width) and recording labels and sections,
// then evaluates operands and emits. Disassemble prints one instruction
// per line with its offset; bytes that are not instructions, and a final
// PUSH cut short, come out as .bytes, so Assemble(Disassemble(code)) is
// code for every code.
//
// # Errors
//
// Assemble returns an *Error with the line number and a kind matched with
// errors.Is: ErrSyntax, ErrUnknownMnemonic, ErrUnknownDirective,
// ErrUndefinedLabel, ErrDuplicateLabel, ErrUndefinedConst,
// ErrDuplicateConst, ErrImmediateTooLarge, ErrBadOffset.
package asm
