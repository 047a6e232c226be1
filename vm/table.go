package vm

import "fmt"

// Flag describes how an instruction interacts with the world beyond its
// stack; the interpreter and the assembler read them from the table.
type Flag uint8

const (
	// FlagWrites marks instructions refused in a read-only (static) frame.
	FlagWrites Flag = 1 << iota
	// FlagDynamicGas marks instructions that charge more than their base
	// gas while executing (memory growth, per-word or per-byte costs).
	FlagDynamicGas
	// FlagHalts marks instructions that end the frame.
	FlagHalts
	// FlagJumps marks instructions that may set the program counter.
	FlagJumps
)

// instruction is one row of the table: everything the interpreter needs to
// run an opcode. The interpreter checks stack bounds, charges the base gas
// and advances the program counter past the immediate before exec runs, so
// exec only does the work (and charges dynamic gas).
type instruction struct {
	exec  func(f *frame) error
	name  string
	gas   uint64 // base gas, charged before exec
	pop   int    // words read from the stack (must be present)
	push  int    // words on the stack after, replacing the popped ones
	imm   uint64 // immediate bytes following the opcode
	flags Flag

	// Derived by buildTable from pop and push.
	minStack int // the stack must hold at least this many words
	maxStack int // and at most this many, so that push fits
}

// Info is the public description of an instruction.
type Info struct {
	Name      string
	Gas       uint64 // base gas
	Pop, Push int
	Immediate int
	Flags     Flag
}

// InfoOf returns the description of op; ok is false if op is no instruction.
func InfoOf(op Opcode) (info Info, ok bool) {
	in := &table[op]
	if in.name == "" {
		return Info{}, false
	}
	return Info{Name: in.name, Gas: in.gas, Pop: in.pop, Push: in.push, Immediate: int(in.imm), Flags: in.flags}, true
}

// table is THE instruction table: opcode -> name, base gas, stack in and
// out, immediate size, flags, implementation. It is fixed at compile time;
// buildTable checks it once and the VM only reads it.
var table = buildTable()

func buildTable() [256]instruction {
	const (
		w = FlagWrites
		d = FlagDynamicGas
		h = FlagHalts
		j = FlagJumps
	)
	type row struct {
		op Opcode
		instruction
	}
	rows := []row{
		{STOP, instruction{opStop, "STOP", GasZero, 0, 0, 0, h, 0, 0}},
		{ADD, instruction{opAdd, "ADD", GasVeryLow, 2, 1, 0, 0, 0, 0}},
		{SUB, instruction{opSub, "SUB", GasVeryLow, 2, 1, 0, 0, 0, 0}},
		{MUL, instruction{opMul, "MUL", GasLow, 2, 1, 0, 0, 0, 0}},
		{DIV, instruction{opDiv, "DIV", GasLow, 2, 1, 0, 0, 0, 0}},
		{SDIV, instruction{opSdiv, "SDIV", GasLow, 2, 1, 0, 0, 0, 0}},
		{MOD, instruction{opMod, "MOD", GasLow, 2, 1, 0, 0, 0, 0}},
		{SMOD, instruction{opSmod, "SMOD", GasLow, 2, 1, 0, 0, 0, 0}},
		{ADDMOD, instruction{opAddmod, "ADDMOD", GasMid, 3, 1, 0, 0, 0, 0}},
		{MULMOD, instruction{opMulmod, "MULMOD", GasMid, 3, 1, 0, 0, 0, 0}},
		{EXP, instruction{opExp, "EXP", GasHigh, 2, 1, 0, d, 0, 0}},
		{SIGNEXTEND, instruction{opSignExtend, "SIGNEXTEND", GasLow, 2, 1, 0, 0, 0, 0}},

		{LT, instruction{opLt, "LT", GasVeryLow, 2, 1, 0, 0, 0, 0}},
		{GT, instruction{opGt, "GT", GasVeryLow, 2, 1, 0, 0, 0, 0}},
		{SLT, instruction{opSlt, "SLT", GasVeryLow, 2, 1, 0, 0, 0, 0}},
		{SGT, instruction{opSgt, "SGT", GasVeryLow, 2, 1, 0, 0, 0, 0}},
		{EQ, instruction{opEq, "EQ", GasVeryLow, 2, 1, 0, 0, 0, 0}},
		{ISZERO, instruction{opIszero, "ISZERO", GasVeryLow, 1, 1, 0, 0, 0, 0}},
		{AND, instruction{opAnd, "AND", GasVeryLow, 2, 1, 0, 0, 0, 0}},
		{OR, instruction{opOr, "OR", GasVeryLow, 2, 1, 0, 0, 0, 0}},
		{XOR, instruction{opXor, "XOR", GasVeryLow, 2, 1, 0, 0, 0, 0}},
		{NOT, instruction{opNot, "NOT", GasVeryLow, 1, 1, 0, 0, 0, 0}},
		{BYTE, instruction{opByte, "BYTE", GasVeryLow, 2, 1, 0, 0, 0, 0}},
		{SHL, instruction{opShl, "SHL", GasVeryLow, 2, 1, 0, 0, 0, 0}},
		{SHR, instruction{opShr, "SHR", GasVeryLow, 2, 1, 0, 0, 0, 0}},
		{SAR, instruction{opSar, "SAR", GasVeryLow, 2, 1, 0, 0, 0, 0}},

		{KECCAK256, instruction{opKeccak256, "KECCAK256", GasKeccak, 2, 1, 0, d, 0, 0}},

		{ADDRESS, instruction{opAddress, "ADDRESS", GasBase, 0, 1, 0, 0, 0, 0}},
		{BALANCE, instruction{opBalance, "BALANCE", GasBalance, 1, 1, 0, 0, 0, 0}},
		{SELFBALANCE, instruction{opSelfBalance, "SELFBALANCE", GasLow, 0, 1, 0, 0, 0, 0}},
		{ORIGIN, instruction{opOrigin, "ORIGIN", GasBase, 0, 1, 0, 0, 0, 0}},
		{CALLER, instruction{opCaller, "CALLER", GasBase, 0, 1, 0, 0, 0, 0}},
		{CALLVALUE, instruction{opCallValue, "CALLVALUE", GasBase, 0, 1, 0, 0, 0, 0}},
		{GASPRICE, instruction{opGasPrice, "GASPRICE", GasBase, 0, 1, 0, 0, 0, 0}},
		{GAS, instruction{opGas, "GAS", GasBase, 0, 1, 0, 0, 0, 0}},
		{CALLDATALOAD, instruction{opCallDataLoad, "CALLDATALOAD", GasVeryLow, 1, 1, 0, 0, 0, 0}},
		{CALLDATASIZE, instruction{opCallDataSize, "CALLDATASIZE", GasBase, 0, 1, 0, 0, 0, 0}},
		{CALLDATACOPY, instruction{opCallDataCopy, "CALLDATACOPY", GasVeryLow, 3, 0, 0, d, 0, 0}},
		{CODESIZE, instruction{opCodeSize, "CODESIZE", GasBase, 0, 1, 0, 0, 0, 0}},
		{CODECOPY, instruction{opCodeCopy, "CODECOPY", GasVeryLow, 3, 0, 0, d, 0, 0}},
		{RETURNDATASIZE, instruction{opReturnDataSize, "RETURNDATASIZE", GasBase, 0, 1, 0, 0, 0, 0}},
		{RETURNDATACOPY, instruction{opReturnDataCopy, "RETURNDATACOPY", GasVeryLow, 3, 0, 0, d, 0, 0}},
		{EXTCODESIZE, instruction{opExtCodeSize, "EXTCODESIZE", GasExtCodeSize, 1, 1, 0, 0, 0, 0}},

		{NUMBER, instruction{opNumber, "NUMBER", GasBase, 0, 1, 0, 0, 0, 0}},
		{TIMESTAMP, instruction{opTimestamp, "TIMESTAMP", GasBase, 0, 1, 0, 0, 0, 0}},
		{COINBASE, instruction{opCoinbase, "COINBASE", GasBase, 0, 1, 0, 0, 0, 0}},
		{CHAINID, instruction{opChainID, "CHAINID", GasBase, 0, 1, 0, 0, 0, 0}},
		{GASLIMIT, instruction{opGasLimit, "GASLIMIT", GasBase, 0, 1, 0, 0, 0, 0}},

		{POP, instruction{opPop, "POP", GasBase, 1, 0, 0, 0, 0, 0}},
		{MLOAD, instruction{opMload, "MLOAD", GasVeryLow, 1, 1, 0, d, 0, 0}},
		{MSTORE, instruction{opMstore, "MSTORE", GasVeryLow, 2, 0, 0, d, 0, 0}},
		{MSTORE8, instruction{opMstore8, "MSTORE8", GasVeryLow, 2, 0, 0, d, 0, 0}},
		{MSIZE, instruction{opMsize, "MSIZE", GasBase, 0, 1, 0, 0, 0, 0}},
		{SLOAD, instruction{opSload, "SLOAD", GasSload, 1, 1, 0, 0, 0, 0}},
		{SSTORE, instruction{opSstore, "SSTORE", GasZero, 2, 0, 0, w | d, 0, 0}},
		{JUMP, instruction{opJump, "JUMP", GasMid, 1, 0, 0, j, 0, 0}},
		{JUMPI, instruction{opJumpi, "JUMPI", GasHigh, 2, 0, 0, j, 0, 0}},
		{JUMPDEST, instruction{opJumpdest, "JUMPDEST", GasJumpdest, 0, 0, 0, 0, 0, 0}},
		{PC, instruction{opPC, "PC", GasBase, 0, 1, 0, 0, 0, 0}},

		{CREATE, instruction{opCreate, "CREATE", GasCreate, 3, 1, 0, w | d, 0, 0}},
		{CALL, instruction{opCall, "CALL", GasCall, 7, 1, 0, d, 0, 0}},
		{STATICCALL, instruction{opStaticCall, "STATICCALL", GasCall, 6, 1, 0, d, 0, 0}},
		{RETURN, instruction{opReturn, "RETURN", GasZero, 2, 0, 0, h | d, 0, 0}},
		{REVERT, instruction{opRevert, "REVERT", GasZero, 2, 0, 0, h | d, 0, 0}},
		{INVALID, instruction{opInvalid, "INVALID", GasZero, 0, 0, 0, h, 0, 0}},

		{PUSH0, instruction{opPush0, "PUSH0", GasBase, 0, 1, 0, 0, 0, 0}},
	}
	for n := 0; n < 5; n++ {
		rows = append(rows, row{LOG0 + Opcode(n), instruction{makeLog(n), fmt.Sprintf("LOG%d", n), GasLog, 2 + n, 0, 0, w | d, 0, 0}})
	}
	for n := 1; n <= 32; n++ {
		exec := makePush(uint64(n))
		if n == 1 {
			exec = opPush1
		}
		rows = append(rows, row{PUSH1 + Opcode(n-1), instruction{exec, fmt.Sprintf("PUSH%d", n), GasVeryLow, 0, 1, uint64(n), 0, 0, 0}})
	}
	for n := 1; n <= 16; n++ {
		rows = append(rows,
			row{DUP1 + Opcode(n-1), instruction{makeDup(n), fmt.Sprintf("DUP%d", n), GasVeryLow, n, n + 1, 0, 0, 0, 0}},
			row{SWAP1 + Opcode(n-1), instruction{makeSwap(n), fmt.Sprintf("SWAP%d", n), GasVeryLow, n + 1, n + 1, 0, 0, 0, 0}})
	}

	var t [256]instruction
	for i := range t {
		// Bytes that are no instruction fault without touching anything.
		t[i] = instruction{exec: opUndefined, maxStack: StackLimit}
	}
	names := make(map[string]bool, len(rows))
	for _, r := range rows {
		if names[r.name] {
			panic(fmt.Sprintf("vm: mnemonic %s used twice", r.name))
		}
		names[r.name] = true
		if r.op.IsPush() != (r.name[:min(4, len(r.name))] == "PUSH") || (r.imm != 0) != (r.op > PUSH0 && r.op <= PUSH32) {
			panic(fmt.Sprintf("vm: immediate size of opcode 0x%02x disagrees with its range", byte(r.op)))
		}
		if t[r.op].name != "" {
			panic(fmt.Sprintf("vm: opcode 0x%02x defined twice (%s, %s)", byte(r.op), t[r.op].name, r.name))
		}
		in := r.instruction
		if in.name == "" || in.exec == nil || in.pop < 0 || in.push < 0 || in.pop > StackLimit || in.push > StackLimit {
			panic(fmt.Sprintf("vm: bad table row for opcode 0x%02x", byte(r.op)))
		}
		in.minStack = in.pop
		in.maxStack = StackLimit
		if in.push > in.pop {
			in.maxStack = StackLimit - (in.push - in.pop)
		}
		t[r.op] = in
	}
	return t
}
