package vm

import "errors"

// Faults end the frame that raised them: its state changes and logs are
// undone and all of its gas is consumed. ErrExecutionReverted is the one
// exception: REVERT undoes the frame's changes but hands back its unused
// gas and its return data.
//
// Every error the package returns wraps exactly one of these sentinels, so
// callers match them with errors.Is and never by message text.
var (
	// ErrOutOfGas: an instruction, memory growth or code deposit cost more
	// than the gas left in the frame.
	ErrOutOfGas = errors.New("out of gas")
	// ErrStackOverflow: an instruction would push past StackLimit words.
	ErrStackOverflow = errors.New("stack overflow")
	// ErrStackUnderflow: an instruction needs more words than the stack holds.
	ErrStackUnderflow = errors.New("stack underflow")
	// ErrInvalidJump: JUMP or JUMPI to a byte that is not a JUMPDEST
	// instruction (PUSH data never counts).
	ErrInvalidJump = errors.New("invalid jump destination")
	// ErrInvalidOpcode: INVALID or a byte that is no instruction.
	ErrInvalidOpcode = errors.New("invalid opcode")
	// ErrWriteProtection: a state change (SSTORE, LOG, CREATE, CALL with
	// value) inside a STATICCALL or StaticCall.
	ErrWriteProtection = errors.New("write protection")
	// ErrDepth: a call or create would nest deeper than MaxCallDepth frames.
	ErrDepth = errors.New("max call depth exceeded")
	// ErrInsufficientBalance: the caller cannot pay the value it sends.
	ErrInsufficientBalance = errors.New("insufficient balance for transfer")
	// ErrExecutionReverted: the code executed REVERT; its data is returned.
	ErrExecutionReverted = errors.New("execution reverted")
	// ErrCodeSize: deployed code above MaxCodeSize or init code above
	// MaxInitCodeSize.
	ErrCodeSize = errors.New("code size limit exceeded")
	// ErrMemoryLimit: an access would grow a frame's memory past MaxMemory.
	ErrMemoryLimit = errors.New("memory limit exceeded")
	// ErrReturnDataOutOfBounds: RETURNDATACOPY reads past the return data.
	ErrReturnDataOutOfBounds = errors.New("return data out of bounds")
	// ErrAddressCollision: a contract would be created where an account
	// with code or a non-zero nonce already is.
	ErrAddressCollision = errors.New("contract address collision")
)
