package vm

import (
	"errors"
	"fmt"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// Config is what a VM needs.
type Config struct {
	State   State
	Context Context
	// CreateAddress derives the address of a contract made by the CREATE
	// instruction from its creator and the creator's nonce before the
	// creation. Nil means types.ContractAddress, Ethereum's
	// keccak(rlp([creator, nonce]))[12:]; tests may substitute their own.
	CreateAddress func(creator types.Address, nonce uint64) types.Address
}

// VM runs code for one transaction (or one eth_call). It is not safe for
// concurrent use; make one per transaction.
type VM struct {
	state         State
	ctx           Context
	createAddress func(types.Address, uint64) types.Address
	table         *[256]instruction

	logs []types.Log

	// frames is a free list, so that nested calls reuse stacks and
	// memories instead of allocating 32 KiB each.
	frames []*frame
	// dests caches the jump destination analysis of deployed code by
	// address. Deployed code never changes within a transaction (there is
	// no self-destruct, and creation refuses addresses that have code).
	dests map[types.Address]jumpdests
}

// New returns a VM over cfg.State in cfg.Context.
func New(cfg Config) *VM {
	createAddress := cfg.CreateAddress
	if createAddress == nil {
		createAddress = types.ContractAddress
	}
	return &VM{
		state:         cfg.State,
		ctx:           cfg.Context,
		createAddress: createAddress,
		table:         &table,
		dests:         make(map[types.Address]jumpdests),
	}
}

// Logs returns the logs emitted so far by frames that did not fail, in
// order of emission.
func (v *VM) Logs() []types.Log { return v.logs }

// Call runs the code at to with input, sending value from caller. It
// returns the output, the gas left and an error: nil on success,
// ErrExecutionReverted (output = revert data, unused gas returned) on
// REVERT, or a fault (gas left 0). On any error the call's state changes
// and logs are undone. A call to an account without code just transfers.
//
// The caller is responsible for the transaction around it: intrinsic gas,
// the sender's nonce, buying gas and paying fees.
func (v *VM) Call(caller, to types.Address, input []byte, gas uint64, value *uint256.Int) (ret []byte, gasLeft uint64, err error) {
	if value == nil {
		value = new(uint256.Int)
	}
	return v.call(1, caller, to, input, gas, value, false)
}

// StaticCall runs the code at to without allowing state changes
// (SSTORE, LOG, CREATE and value transfers fault with ErrWriteProtection).
// It serves eth_call and eth_estimateGas's read-only cases.
func (v *VM) StaticCall(caller, to types.Address, input []byte, gas uint64) (ret []byte, gasLeft uint64, err error) {
	return v.call(1, caller, to, input, gas, new(uint256.Int), true)
}

// Create runs initCode as a new contract at addr (which the caller derives
// from the sender and its nonce), sending it value, and stores the bytes
// it RETURNs as the contract's code, paying GasCodeDeposit per byte. The
// account at addr gets nonce 1. As in Ethereum, initCode may carry
// constructor arguments after the code proper; the code reads them with
// CODESIZE and CODECOPY. ret is the deployed code, or the revert data.
func (v *VM) Create(caller types.Address, initCode []byte, gas uint64, value *uint256.Int, addr types.Address) (ret []byte, gasLeft uint64, err error) {
	if value == nil {
		value = new(uint256.Int)
	}
	return v.create(1, caller, initCode, gas, value, addr)
}

func (v *VM) call(depth int, caller, to types.Address, input []byte, gas uint64, value *uint256.Int, readOnly bool) ([]byte, uint64, error) {
	if depth > MaxCallDepth {
		return nil, gas, ErrDepth
	}
	snap, nlogs := v.state.Snapshot(), len(v.logs)
	if !value.IsZero() {
		if err := v.transfer(caller, to, value); err != nil {
			return nil, gas, err
		}
	}
	code := v.state.Code(to)
	if len(code) == 0 {
		return nil, gas, nil
	}
	dests, ok := v.dests[to]
	if !ok {
		dests = analyse(code)
		v.dests[to] = dests
	}
	f := v.frame(depth, to, caller, value, input, code, dests, gas, readOnly)
	err := f.run()
	ret, left := f.out, f.gas
	v.release(f)
	return v.finish(snap, nlogs, ret, left, err)
}

func (v *VM) create(depth int, caller types.Address, initCode []byte, gas uint64, value *uint256.Int, addr types.Address) ([]byte, uint64, error) {
	if depth > MaxCallDepth {
		return nil, gas, ErrDepth
	}
	if len(initCode) > MaxInitCodeSize {
		return nil, 0, fmt.Errorf("%w: init code of %d bytes, limit %d", ErrCodeSize, len(initCode), MaxInitCodeSize)
	}
	if bal := v.state.Balance(caller); bal.Lt(value) {
		return nil, gas, ErrInsufficientBalance
	}
	if v.state.Nonce(addr) != 0 || len(v.state.Code(addr)) != 0 {
		return nil, 0, fmt.Errorf("%w: %s", ErrAddressCollision, addr)
	}
	snap, nlogs := v.state.Snapshot(), len(v.logs)
	v.state.SetNonce(addr, 1)
	if !value.IsZero() {
		if err := v.transfer(caller, addr, value); err != nil {
			v.state.RevertToSnapshot(snap)
			return nil, gas, err
		}
	}
	f := v.frame(depth, addr, caller, value, nil, initCode, analyse(initCode), gas, false)
	err := f.run()
	ret, left := f.out, f.gas
	v.release(f)
	if err == nil {
		switch {
		case len(ret) > MaxCodeSize:
			err = fmt.Errorf("%w: code of %d bytes, limit %d", ErrCodeSize, len(ret), MaxCodeSize)
		case left < GasCodeDeposit*uint64(len(ret)):
			err = fmt.Errorf("%w: code deposit of %d bytes", ErrOutOfGas, len(ret))
		default:
			left -= GasCodeDeposit * uint64(len(ret))
			v.state.SetCode(addr, ret)
			delete(v.dests, addr)
		}
	}
	return v.finish(snap, nlogs, ret, left, err)
}

// finish undoes a failed frame: state and logs always, gas unless it
// reverted, output unless it reverted.
func (v *VM) finish(snap, nlogs int, ret []byte, left uint64, err error) ([]byte, uint64, error) {
	if err == nil {
		return ret, left, nil
	}
	v.state.RevertToSnapshot(snap)
	clear(v.logs[nlogs:])
	v.logs = v.logs[:nlogs]
	if errors.Is(err, ErrExecutionReverted) {
		return ret, left, err
	}
	return nil, 0, err
}

func (v *VM) transfer(from, to types.Address, value *uint256.Int) error {
	if bal := v.state.Balance(from); bal.Lt(value) {
		return ErrInsufficientBalance
	}
	if err := v.state.Transfer(from, to, value); err != nil {
		return fmt.Errorf("%w: %w", ErrInsufficientBalance, err)
	}
	return nil
}

// frame takes a frame from the free list and sets it up.
func (v *VM) frame(depth int, address, caller types.Address, value *uint256.Int, input, code []byte, dests jumpdests, gas uint64, readOnly bool) *frame {
	var f *frame
	if n := len(v.frames); n > 0 {
		f = v.frames[n-1]
		v.frames = v.frames[:n-1]
	} else {
		f = new(frame)
	}
	f.sp, f.pc, f.gas = 0, 0, gas
	f.code, f.dests = code, dests
	f.mem.data = f.mem.data[:0]
	f.vm = v
	f.address, f.caller, f.value = address, caller, *value
	f.input = input
	f.depth, f.readOnly = depth, readOnly
	f.returnData, f.out = nil, nil
	return f
}

// maxKeptMemory bounds the memory a released frame keeps for reuse, so a
// frame that once grew large does not pin it for the rest of the
// transaction.
const maxKeptMemory = 64 << 10

// release returns f to the free list.
func (v *VM) release(f *frame) {
	if cap(f.mem.data) > maxKeptMemory {
		f.mem.data = nil
	}
	f.code, f.input, f.returnData, f.out, f.dests = nil, nil, nil, nil, nil
	v.frames = append(v.frames, f)
}
