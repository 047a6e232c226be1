package vm

import (
	"errors"
	"strconv"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// errHalt is how STOP and RETURN end a frame from inside exec; run turns
// it into a nil error. It never leaves the package.
var errHalt = errors.New("halt")

// frame is one activation of code: a call or a creation. Its stack is a
// fixed array, so instructions work on words in place without allocating.
type frame struct {
	stack [StackLimit]uint256.Int
	sp    int    // number of words on the stack
	pc    uint64 // offset of the next instruction
	gas   uint64 // gas left

	code  []byte
	dests jumpdests
	mem   memory

	vm       *VM
	address  types.Address // the running contract
	caller   types.Address
	value    uint256.Int
	input    []byte
	depth    int // 1 for the top-level frame
	readOnly bool

	returnData []byte // output of the last call this frame made
	out        []byte // this frame's output, set by RETURN and REVERT
}

// run executes the frame's code until it halts or faults. It returns nil
// for STOP, RETURN and running off the end of the code,
// ErrExecutionReverted for REVERT, and a fault otherwise.
//
// The loop does only what every instruction needs: fetch, stack bounds,
// base gas, write protection, advancing the program counter. Everything
// else is in the instruction's exec function.
func (f *frame) run() error {
	tbl := f.vm.table
	code := f.code
	for {
		pc := f.pc
		var op byte // reading past the end of the code is STOP (0x00)
		if pc < uint64(len(code)) {
			op = code[pc]
		}
		in := &tbl[op]
		switch {
		case f.sp < in.minStack:
			return f.fault(ErrStackUnderflow, op, pc)
		case f.sp > in.maxStack:
			return f.fault(ErrStackOverflow, op, pc)
		case f.gas < in.gas:
			return f.fault(ErrOutOfGas, op, pc)
		}
		f.gas -= in.gas
		if f.readOnly && in.flags&FlagWrites != 0 {
			return f.fault(ErrWriteProtection, op, pc)
		}
		f.pc = pc + 1 + in.imm
		if err := in.exec(f); err != nil {
			switch err {
			case errHalt:
				return nil
			case ErrExecutionReverted:
				return err
			}
			return f.fault(err, op, pc)
		}
	}
}

// fault records where err happened.
func (f *frame) fault(err error, op byte, pc uint64) error {
	return &FaultError{Err: err, PC: pc, Op: Opcode(op), Depth: f.depth}
}

// FaultError is a fault with its location: the sentinel (ErrOutOfGas,
// ErrInvalidJump...) is Err, so errors.Is sees through it.
type FaultError struct {
	Err   error
	PC    uint64 // offset of the faulting instruction
	Op    Opcode
	Depth int // frame depth, 1 for the top-level call
}

func (e *FaultError) Error() string {
	return e.Err.Error() + " at pc " + strconv.FormatUint(e.PC, 10) + " (" + e.Op.String() + ", depth " + strconv.Itoa(e.Depth) + ")"
}

// Unwrap returns the sentinel.
func (e *FaultError) Unwrap() error { return e.Err }
