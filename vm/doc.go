// Package vm is Quarry's contract virtual machine: a gas-metered stack
// machine of its own design whose instruction semantics follow the EVM's
// where those are well understood (256-bit words, ABI-friendly call data,
// Keccak-256, logs with topics), so that contracts can speak the Ethereum
// ABI and ethers.js can call them and decode their events.
//
// # Machine
//
// A frame (one call or creation) has a stack of at most StackLimit
// 256-bit words, a byte-addressed memory that grows in 32-byte words up to
// MaxMemory, the call data, the return data of its last call, and the
// storage of its contract (32-byte keys and values). Code is a byte
// string; PUSHn instructions carry n immediate bytes. JUMP and JUMPI may
// only land on a JUMPDEST instruction, found by one pass over the code
// that skips PUSH data (jumpdest.go). Reading past the end of the code is
// STOP. Division by zero gives zero; nothing is undefined.
//
// Instructions and their costs are in one table (table.go, gas.go):
// name, base gas, stack words in and out, immediate size, flags. The
// interpreter loop (interpreter.go) checks stack bounds, charges base gas
// and advances the program counter; the instruction functions
// (instructions_*.go) do the work and charge what depends on operands:
//
//	memory growth   3*words + words^2/512 in total, charged on growth
//	EXP             50 per byte of exponent
//	KECCAK256       6 per word hashed; *COPY 3 per word copied
//	SSTORE          20000 to create a slot, 5000 to change or clear one,
//	                800 to rewrite the same value; refused (out of gas)
//	                with 2300 gas or less left; no refunds
//	LOGn            375 + 375 per topic + 8 per byte
//	CALL            700 + 9000 with value (+25000 to a new account)
//	CREATE          32000, then 200 per byte of deployed code
//
// A call forwards at most all but 1/64 of the caller's remaining gas
// (EIP-150), plus a free 2300 stipend when it sends value. Frames nest up
// to MaxCallDepth. Deployed code is at most MaxCodeSize bytes (EIP-170),
// creation code at most MaxInitCodeSize (EIP-3860).
//
// TIMESTAMP is the block time in unix seconds (the header keeps
// milliseconds; Context.Time is header time / 1000), as Solidity authors
// and ethers.js expect.
//
// # Pipeline
//
// The chain makes a VM per transaction with New(Config{State, Context}),
// then calls Call, Create or StaticCall (eth_call), and reads Logs. The
// chain itself charges intrinsic gas, bumps the sender's nonce, buys gas
// and pays fees; the VM only executes. State is the VM's view of the world
// (state.go): a small interface the chain's state implements; MemState is
// an in-memory implementation with an undo journal for tests.
//
// # Errors
//
// A fault (ErrOutOfGas, ErrStackOverflow, ErrStackUnderflow,
// ErrInvalidJump, ErrInvalidOpcode, ErrWriteProtection, ErrMemoryLimit,
// ErrReturnDataOutOfBounds, ErrCodeSize...) undoes the frame's state
// changes and logs and consumes all its gas; the error is a *FaultError
// giving the program counter and opcode. REVERT gives
// ErrExecutionReverted: changes undone, unused gas and the revert data
// returned. Inside the machine a failed CALL or CREATE pushes 0 and the
// caller continues. ErrDepth and ErrInsufficientBalance leave the gas
// untouched. Match errors with errors.Is.
package vm
