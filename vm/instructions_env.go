package vm

import (
	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// Instructions that read the call, the transaction and the block.

// push returns the slot above the top of the stack and grows the stack by
// one; the interpreter has checked there is room.
func (f *frame) push() *uint256.Int {
	z := &f.stack[f.sp]
	f.sp++
	return z
}

func setAddress(z *uint256.Int, a types.Address) { z.SetBytes20(a[:]) }

func toAddress(z *uint256.Int) types.Address { return types.Address(z.Bytes20()) }

func opAddress(f *frame) error { setAddress(f.push(), f.address); return nil }
func opOrigin(f *frame) error  { setAddress(f.push(), f.vm.ctx.Origin); return nil }
func opCaller(f *frame) error  { setAddress(f.push(), f.caller); return nil }
func opCallValue(f *frame) error {
	*f.push() = f.value
	return nil
}
func opGasPrice(f *frame) error {
	*f.push() = f.vm.ctx.GasPrice
	return nil
}
func opGas(f *frame) error { f.push().SetUint64(f.gas); return nil }

func opBalance(f *frame) error {
	a := &f.stack[f.sp-1]
	*a = f.vm.state.Balance(toAddress(a))
	return nil
}

func opSelfBalance(f *frame) error {
	*f.push() = f.vm.state.Balance(f.address)
	return nil
}

func opExtCodeSize(f *frame) error {
	a := &f.stack[f.sp-1]
	a.SetUint64(uint64(len(f.vm.state.Code(toAddress(a)))))
	return nil
}

func opNumber(f *frame) error    { f.push().SetUint64(f.vm.ctx.Number); return nil }
func opTimestamp(f *frame) error { f.push().SetUint64(f.vm.ctx.Time); return nil }
func opCoinbase(f *frame) error  { setAddress(f.push(), f.vm.ctx.Coinbase); return nil }
func opChainID(f *frame) error   { f.push().SetUint64(f.vm.ctx.ChainID); return nil }
func opGasLimit(f *frame) error  { f.push().SetUint64(f.vm.ctx.GasLimit); return nil }

func opCallDataLoad(f *frame) error {
	off := &f.stack[f.sp-1]
	var word [32]byte
	copyPadded(word[:], f.input, off)
	off.SetBytes32(word[:])
	return nil
}

func opCallDataSize(f *frame) error { f.push().SetUint64(uint64(len(f.input))); return nil }

func opCodeSize(f *frame) error { f.push().SetUint64(uint64(len(f.code))); return nil }

// copyToMemory implements CALLDATACOPY and CODECOPY: memOffset srcOffset
// size, reading zeros past the end of src.
func (f *frame) copyToMemory(src []byte) error {
	memOff, srcOff, size := &f.stack[f.sp-1], &f.stack[f.sp-2], &f.stack[f.sp-3]
	f.sp -= 3
	o, n, err := f.region(memOff, size)
	if err != nil {
		return err
	}
	if err := f.useWordGas(GasCopyWord, n); err != nil {
		return err
	}
	if n > 0 {
		copyPadded(f.mem.data[o:o+n], src, srcOff)
	}
	return nil
}

func opCallDataCopy(f *frame) error { return f.copyToMemory(f.input) }
func opCodeCopy(f *frame) error     { return f.copyToMemory(f.code) }

func opReturnDataSize(f *frame) error {
	f.push().SetUint64(uint64(len(f.returnData)))
	return nil
}

// opReturnDataCopy faults rather than pads when reading past the end: the
// return data's size is known, so reading past it is a bug in the code.
func opReturnDataCopy(f *frame) error {
	memOff, dataOff, size := &f.stack[f.sp-1], &f.stack[f.sp-2], &f.stack[f.sp-3]
	f.sp -= 3
	if !dataOff.IsUint64() || !size.IsUint64() {
		return ErrReturnDataOutOfBounds
	}
	start, n := dataOff.Uint64(), size.Uint64()
	if end := start + n; end < start || end > uint64(len(f.returnData)) {
		return ErrReturnDataOutOfBounds
	}
	o, n, err := f.region(memOff, size)
	if err != nil {
		return err
	}
	if err := f.useWordGas(GasCopyWord, n); err != nil {
		return err
	}
	copy(f.mem.data[o:o+n], f.returnData[start:])
	return nil
}
