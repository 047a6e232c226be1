package vm

import "github.com/quarry-chain/quarry/chain/types"

// Stack, memory, storage, control flow and halting instructions.

func opPop(f *frame) error { f.sp--; return nil }

func opPush0(f *frame) error { f.push().Clear(); return nil }

// opPush1 is PUSH1, the most common instruction, without the general
// case's padding logic.
func opPush1(f *frame) error {
	z := f.push()
	if i := f.pc - 1; i < uint64(len(f.code)) {
		z.SetUint64(uint64(f.code[i]))
	} else {
		z.Clear()
	}
	return nil
}

// makePush returns PUSHn. The interpreter has moved pc past the
// immediate; bytes missing at the end of the code read as zeros (so the
// value is shifted left, as if the code were padded).
func makePush(n uint64) func(*frame) error {
	return func(f *frame) error {
		start, end := f.pc-n, f.pc
		z := f.push()
		if end <= uint64(len(f.code)) {
			z.SetBytes(f.code[start:end])
			return nil
		}
		var buf [32]byte
		if start < uint64(len(f.code)) {
			copy(buf[:], f.code[start:])
		}
		z.SetBytes(buf[:n])
		return nil
	}
}

// makeDup returns DUPn: copy the n-th word from the top onto the top.
func makeDup(n int) func(*frame) error {
	return func(f *frame) error {
		f.stack[f.sp] = f.stack[f.sp-n]
		f.sp++
		return nil
	}
}

// makeSwap returns SWAPn: exchange the top and the (n+1)-th word.
func makeSwap(n int) func(*frame) error {
	return func(f *frame) error {
		top := f.sp - 1
		f.stack[top], f.stack[top-n] = f.stack[top-n], f.stack[top]
		return nil
	}
}

func opMload(f *frame) error {
	off := &f.stack[f.sp-1]
	o, err := f.regionFixed(off, 32)
	if err != nil {
		return err
	}
	off.SetBytes32(f.mem.data[o : o+32])
	return nil
}

func opMstore(f *frame) error {
	off, val := &f.stack[f.sp-1], &f.stack[f.sp-2]
	f.sp -= 2
	o, err := f.regionFixed(off, 32)
	if err != nil {
		return err
	}
	val.PutUint256(f.mem.data[o : o+32])
	return nil
}

func opMstore8(f *frame) error {
	off, val := &f.stack[f.sp-1], &f.stack[f.sp-2]
	f.sp -= 2
	o, err := f.regionFixed(off, 1)
	if err != nil {
		return err
	}
	f.mem.data[o] = byte(val.Uint64())
	return nil
}

func opMsize(f *frame) error { f.push().SetUint64(uint64(len(f.mem.data))); return nil }

func opSload(f *frame) error {
	key := &f.stack[f.sp-1]
	v := f.vm.state.Storage(f.address, types.Hash(key.Bytes32()))
	key.SetBytes32(v[:])
	return nil
}

// opSstore charges by what the write does to the state: creating a slot
// costs most, changing or clearing one less, rewriting the same value as
// little as reading it. Below the call stipend it refuses to run, so that
// code receiving a value transfer's stipend cannot write storage (the
// re-entrancy guard of EIP-2200).
func opSstore(f *frame) error {
	key, val := &f.stack[f.sp-1], &f.stack[f.sp-2]
	f.sp -= 2
	if f.gas <= GasCallStipend {
		return ErrOutOfGas
	}
	k, nv := types.Hash(key.Bytes32()), types.Hash(val.Bytes32())
	cur := f.vm.state.Storage(f.address, k)
	cost := GasSstoreReset
	switch {
	case cur == nv:
		cost = GasSstoreNoop
	case cur.IsZero():
		cost = GasSstoreSet
	}
	if err := f.useGas(cost); err != nil {
		return err
	}
	if cur != nv {
		f.vm.state.SetStorage(f.address, k, nv)
	}
	return nil
}

func opJump(f *frame) error {
	dest := &f.stack[f.sp-1]
	f.sp--
	if !dest.IsUint64() || !f.dests.valid(dest.Uint64()) {
		return ErrInvalidJump
	}
	f.pc = dest.Uint64()
	return nil
}

func opJumpi(f *frame) error {
	dest, cond := &f.stack[f.sp-1], &f.stack[f.sp-2]
	f.sp -= 2
	if cond.IsZero() {
		return nil
	}
	if !dest.IsUint64() || !f.dests.valid(dest.Uint64()) {
		return ErrInvalidJump
	}
	f.pc = dest.Uint64()
	return nil
}

func opJumpdest(*frame) error { return nil }

// opPC pushes the offset of the PC instruction itself (pc has moved on by
// one).
func opPC(f *frame) error { f.push().SetUint64(f.pc - 1); return nil }

func opStop(*frame) error { return errHalt }

// output copies memory[offset:offset+size] out as the frame's output. It
// is a copy because the frame's memory is reused by later frames.
func (f *frame) output() error {
	off, size := &f.stack[f.sp-1], &f.stack[f.sp-2]
	f.sp -= 2
	o, n, err := f.region(off, size)
	if err != nil {
		return err
	}
	f.out = append([]byte(nil), f.mem.data[o:o+n]...)
	return nil
}

func opReturn(f *frame) error {
	if err := f.output(); err != nil {
		return err
	}
	return errHalt
}

func opRevert(f *frame) error {
	if err := f.output(); err != nil {
		return err
	}
	return ErrExecutionReverted
}

func opInvalid(*frame) error   { return ErrInvalidOpcode }
func opUndefined(*frame) error { return ErrInvalidOpcode }
