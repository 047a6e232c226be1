package vm

// Opcode is one byte of code naming an instruction. Quarry's numbering is
// its own; the semantics of most instructions follow the EVM's, which are
// well understood, so contract authors can carry their intuition over.
//
// Operand order: the first operand is the top of the stack. "a b SUB"
// in the comments below means a is on top, and the result is a - b.
type Opcode byte

// Halting and arithmetic.
const (
	STOP       Opcode = 0x00 // halt, returning nothing
	ADD        Opcode = 0x01 // a + b mod 2^256
	SUB        Opcode = 0x02 // a - b mod 2^256
	MUL        Opcode = 0x03 // a * b mod 2^256
	DIV        Opcode = 0x04 // a / b unsigned, 0 if b == 0
	SDIV       Opcode = 0x05 // a / b signed (two's complement), 0 if b == 0
	MOD        Opcode = 0x06 // a % b unsigned, 0 if b == 0
	SMOD       Opcode = 0x07 // a % b signed (sign of a), 0 if b == 0
	ADDMOD     Opcode = 0x08 // (a + b) % n without overflow, 0 if n == 0
	MULMOD     Opcode = 0x09 // (a * b) % n without overflow, 0 if n == 0
	EXP        Opcode = 0x0a // a ** b mod 2^256
	SIGNEXTEND Opcode = 0x0b // extend the sign of byte b (from the right) of x
)

// Comparison and bitwise logic.
const (
	LT     Opcode = 0x10 // a < b unsigned
	GT     Opcode = 0x11 // a > b unsigned
	SLT    Opcode = 0x12 // a < b signed
	SGT    Opcode = 0x13 // a > b signed
	EQ     Opcode = 0x14 // a == b
	ISZERO Opcode = 0x15 // a == 0
	AND    Opcode = 0x18
	OR     Opcode = 0x19
	XOR    Opcode = 0x1a
	NOT    Opcode = 0x1b
	BYTE   Opcode = 0x1c // byte i of x, 0 = most significant
	SHL    Opcode = 0x1d // x << s (s on top)
	SHR    Opcode = 0x1e // x >> s logical
	SAR    Opcode = 0x1f // x >> s arithmetic
)

// Hashing.
const (
	KECCAK256 Opcode = 0x20 // Keccak-256 of memory[offset:offset+size]
)

// Environment: the current call.
const (
	ADDRESS        Opcode = 0x28 // address of the running contract
	BALANCE        Opcode = 0x29 // balance of an address
	SELFBALANCE    Opcode = 0x2a // balance of the running contract
	ORIGIN         Opcode = 0x2b // transaction signer
	CALLER         Opcode = 0x2c // immediate caller
	CALLVALUE      Opcode = 0x2d // wei sent with this call
	GASPRICE       Opcode = 0x2e // transaction gas price
	GAS            Opcode = 0x2f // gas left after this instruction
	CALLDATALOAD   Opcode = 0x30 // 32 bytes of call data, zero-padded
	CALLDATASIZE   Opcode = 0x31
	CALLDATACOPY   Opcode = 0x32 // memOffset dataOffset size
	CODESIZE       Opcode = 0x33
	CODECOPY       Opcode = 0x34 // memOffset codeOffset size
	RETURNDATASIZE Opcode = 0x35
	RETURNDATACOPY Opcode = 0x36 // memOffset dataOffset size; faults past the end
	EXTCODESIZE    Opcode = 0x37 // code size of an address
)

// Environment: the block.
const (
	NUMBER    Opcode = 0x38
	TIMESTAMP Opcode = 0x39 // unix seconds
	COINBASE  Opcode = 0x3a
	CHAINID   Opcode = 0x3b
	GASLIMIT  Opcode = 0x3c
)

// Stack, memory, storage and control flow.
const (
	POP      Opcode = 0x40
	MLOAD    Opcode = 0x41 // offset
	MSTORE   Opcode = 0x42 // offset value
	MSTORE8  Opcode = 0x43 // offset value (low byte)
	MSIZE    Opcode = 0x44 // memory size in bytes, a multiple of 32
	SLOAD    Opcode = 0x45 // key
	SSTORE   Opcode = 0x46 // key value
	JUMP     Opcode = 0x47 // dest
	JUMPI    Opcode = 0x48 // dest cond: jump if cond != 0
	JUMPDEST Opcode = 0x49 // marks a valid jump target
	PC       Opcode = 0x4a // offset of this instruction
)

// Logs: offset size topic0 .. topicN-1.
const (
	LOG0 Opcode = 0x50 + iota
	LOG1
	LOG2
	LOG3
	LOG4
)

// Immediates and stack manipulation. PUSHn is followed by n bytes, big
// endian; bytes missing at the end of the code read as zero.
const (
	PUSH0  Opcode = 0x5f
	PUSH1  Opcode = 0x60
	PUSH32 Opcode = 0x7f
	DUP1   Opcode = 0x80 // DUPn copies the n-th word to the top
	DUP16  Opcode = 0x8f
	SWAP1  Opcode = 0x90 // SWAPn exchanges the top and the (n+1)-th word
	SWAP16 Opcode = 0x9f
)

// Calls and halting with data.
const (
	CREATE     Opcode = 0xf0 // value offset size -> address or 0
	CALL       Opcode = 0xf1 // gas addr value inOffset inSize outOffset outSize -> success
	STATICCALL Opcode = 0xf2 // gas addr inOffset inSize outOffset outSize -> success
	RETURN     Opcode = 0xf3 // offset size
	REVERT     Opcode = 0xfd // offset size
	INVALID    Opcode = 0xfe // always faults
)

// String returns the mnemonic, or "0x.." for bytes that are no instruction.
func (op Opcode) String() string {
	if name := table[op].name; name != "" {
		return name
	}
	const digits = "0123456789abcdef"
	return "0x" + string([]byte{digits[op>>4], digits[op&0xf]})
}

// Defined reports whether op is an instruction.
func (op Opcode) Defined() bool { return table[op].name != "" }

// ImmediateSize returns how many bytes of immediate data follow op in code
// (n for PUSHn, 0 for everything else).
func (op Opcode) ImmediateSize() int { return int(table[op].imm) }

// IsPush reports whether op is PUSH0..PUSH32.
func (op Opcode) IsPush() bool { return op >= PUSH0 && op <= PUSH32 }

// OpcodeByName returns the opcode whose mnemonic is name (upper case).
func OpcodeByName(name string) (Opcode, bool) {
	for i := range table {
		if table[i].name == name && name != "" {
			return Opcode(i), true
		}
	}
	return 0, false
}
