package vm

// Gas costs and limits. All are consensus rules: changing one forks the
// chain. Costs are in gas units; they follow the EVM's published schedule
// (Istanbul-era, without warm/cold access lists and without refunds) so that
// fee estimates from Ethereum tooling are in the right range.
const (
	GasZero     uint64 = 0  // STOP, RETURN, REVERT before memory growth
	GasJumpdest uint64 = 1  // a marker costs almost nothing
	GasBase     uint64 = 2  // reading the environment, POP, PC, MSIZE, GAS
	GasVeryLow  uint64 = 3  // ADD, SUB, comparisons, bitwise, PUSH, DUP, SWAP, memory word access
	GasLow      uint64 = 5  // MUL, DIV, MOD and their signed forms, SIGNEXTEND, SELFBALANCE
	GasMid      uint64 = 8  // ADDMOD, MULMOD, JUMP
	GasHigh     uint64 = 10 // JUMPI, EXP (plus GasExpByte)

	GasExpByte     uint64 = 50  // per byte of EXP's exponent: big exponents take more squarings
	GasKeccak      uint64 = 30  // KECCAK256 base
	GasKeccakWord  uint64 = 6   // per 32-byte word hashed
	GasCopyWord    uint64 = 3   // per 32-byte word copied by *COPY
	GasBalance     uint64 = 400 // BALANCE reads another account from the state
	GasExtCodeSize uint64 = 700 // EXTCODESIZE reads another account's code
	GasSload       uint64 = 800 // SLOAD: a state read

	GasSstoreSet   uint64 = 20000 // SSTORE zero -> non-zero: grows the state
	GasSstoreReset uint64 = 5000  // SSTORE of another non-zero value, or to zero
	GasSstoreNoop  uint64 = 800   // SSTORE of the value already there: a read

	GasLog      uint64 = 375 // LOGn base
	GasLogTopic uint64 = 375 // per topic
	GasLogByte  uint64 = 8   // per byte of log data

	GasCall        uint64 = 700   // CALL, STATICCALL base
	GasCallValue   uint64 = 9000  // CALL with non-zero value
	GasNewAccount  uint64 = 25000 // CALL with value to an account that does not exist yet
	GasCallStipend uint64 = 2300  // given free to the callee of a CALL with value (paid for by GasCallValue): enough to log, not to write storage
	GasCreate      uint64 = 32000 // CREATE
	GasCodeDeposit uint64 = 200   // per byte of code a creation stores

	GasMemoryWord        uint64 = 3   // linear part of memory cost per 32-byte word
	GasMemoryQuadDivisor uint64 = 512 // quadratic part: words^2 / 512
)

// Limits.
const (
	// StackLimit is the number of 256-bit words a frame's stack holds.
	StackLimit = 1024
	// MaxCallDepth is the number of frames (the top-level call counts as
	// one) that may be nested by CALL, STATICCALL and CREATE.
	MaxCallDepth = 1024
	// MaxMemory bounds a frame's memory in bytes (32 MiB). Reaching it
	// would cost about 2.1e9 gas under the formula below, far above any
	// sane block gas limit; the cap stops a misconfigured limit from
	// turning into a huge allocation.
	MaxMemory = 32 << 20
	// MaxCodeSize is the largest deployed code (EIP-170), in bytes.
	MaxCodeSize = 24576
	// MaxInitCodeSize is the largest creation code (EIP-3860), in bytes.
	MaxInitCodeSize = 2 * MaxCodeSize
)

// memoryGas is the total cost of a memory of words 32-byte words:
//
//	3*words + words*words/512
//
// linear for small memories, quadratic for large ones, as in the EVM.
// Growing memory costs memoryGas(new) - memoryGas(old). words is at most
// MaxMemory/32, so nothing overflows.
func memoryGas(words uint64) uint64 {
	return GasMemoryWord*words + words*words/GasMemoryQuadDivisor
}

// toWords returns the number of 32-byte words needed for size bytes.
func toWords(size uint64) uint64 { return (size + 31) / 32 }

// callGas applies EIP-150's rule: a call may forward at most all but one
// 64th of the gas left, so every level of nesting keeps a reserve and the
// depth a given amount of gas can reach is bounded.
func callGas(available uint64, requested uint64, requestedFits bool) uint64 {
	limit := available - available/64
	if requestedFits && requested < limit {
		return requested
	}
	return limit
}
