package vm

import (
	"errors"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// Logs, calls and creation: the instructions that reach other accounts.

// makeLog returns LOGn: offset size topic0..topic(n-1).
func makeLog(n int) func(*frame) error {
	return func(f *frame) error {
		top := f.sp - 1
		off, size := &f.stack[top], &f.stack[top-1]
		o, sz, err := f.region(off, size)
		if err != nil {
			return err
		}
		if err := f.useGas(GasLogTopic*uint64(n) + GasLogByte*sz); err != nil {
			return err
		}
		log := types.Log{Address: f.address, Data: append([]byte(nil), f.mem.data[o:o+sz]...)}
		if n > 0 {
			log.Topics = make([]types.Hash, n)
			for i := range n {
				log.Topics[i] = f.stack[top-2-i].Bytes32()
			}
		}
		f.vm.logs = append(f.vm.logs, log)
		f.sp -= 2 + n
		return nil
	}
}

// callArgs are the memory regions of a call, checked and paid for.
type callArgs struct {
	inOff, inSize, outOff, outSize uint64
}

func (f *frame) callRegions(inOff, inSize, outOff, outSize *uint256.Int) (callArgs, error) {
	var a callArgs
	var err error
	if a.inOff, a.inSize, err = f.region(inOff, inSize); err != nil {
		return a, err
	}
	if a.outOff, a.outSize, err = f.region(outOff, outSize); err != nil {
		return a, err
	}
	return a, nil
}

// opCall: gas addr value inOffset inSize outOffset outSize -> success.
// A failing callee does not fault the caller: the caller gets 0, the
// callee's unused gas if it reverted, and its revert data as return data.
func opCall(f *frame) error {
	top := f.sp - 1
	s := &f.stack
	reqGas, to, value := s[top], toAddress(&s[top-1]), s[top-2]
	args, err := f.callRegions(&s[top-3], &s[top-4], &s[top-5], &s[top-6])
	if err != nil {
		return err
	}
	f.sp -= 6
	result := &s[f.sp-1]
	if !value.IsZero() {
		if f.readOnly {
			return ErrWriteProtection
		}
		extra := GasCallValue
		if !f.vm.state.Exists(to) {
			extra += GasNewAccount
		}
		if err := f.useGas(extra); err != nil {
			return err
		}
	}
	gas := callGas(f.gas, reqGas.Uint64(), reqGas.IsUint64())
	f.gas -= gas
	if !value.IsZero() {
		gas += GasCallStipend
	}
	input := f.mem.data[args.inOff : args.inOff+args.inSize]
	ret, left, err := f.vm.call(f.depth+1, f.address, to, input, gas, &value, f.readOnly)
	f.finishCall(result, args, ret, left, err)
	return nil
}

// opStaticCall: gas addr inOffset inSize outOffset outSize -> success. The
// callee and everything it calls run read-only.
func opStaticCall(f *frame) error {
	top := f.sp - 1
	s := &f.stack
	reqGas, to := s[top], toAddress(&s[top-1])
	args, err := f.callRegions(&s[top-2], &s[top-3], &s[top-4], &s[top-5])
	if err != nil {
		return err
	}
	f.sp -= 5
	result := &s[f.sp-1]
	gas := callGas(f.gas, reqGas.Uint64(), reqGas.IsUint64())
	f.gas -= gas
	input := f.mem.data[args.inOff : args.inOff+args.inSize]
	ret, left, err := f.vm.call(f.depth+1, f.address, to, input, gas, new(uint256.Int), true)
	f.finishCall(result, args, ret, left, err)
	return nil
}

// finishCall hands the callee's result back to the caller: unused gas,
// return data, output copied to memory (as much as fits), success flag.
func (f *frame) finishCall(result *uint256.Int, args callArgs, ret []byte, left uint64, err error) {
	f.gas += left
	f.returnData = ret
	if err == nil || errors.Is(err, ErrExecutionReverted) {
		copy(f.mem.data[args.outOff:args.outOff+args.outSize], ret)
	}
	setBool(result, err == nil)
}

// opCreate: value offset size -> address, or 0 on failure. The new
// contract's address comes from the creator and its nonce, which CREATE
// increments whether or not the creation succeeds.
func opCreate(f *frame) error {
	top := f.sp - 1
	s := &f.stack
	value := s[top]
	o, n, err := f.region(&s[top-1], &s[top-2])
	if err != nil {
		return err
	}
	f.sp -= 2
	result := &s[f.sp-1]
	if n > MaxInitCodeSize {
		return ErrCodeSize
	}
	gas := callGas(f.gas, f.gas, true)
	f.gas -= gas
	result.Clear()
	f.returnData = nil
	// Failures that are the creator's, not the new code's, push 0 and
	// cost nothing more, and leave the creator's nonce alone.
	nonce := f.vm.state.Nonce(f.address)
	if bal := f.vm.state.Balance(f.address); nonce == ^uint64(0) || bal.Lt(&value) || f.depth >= MaxCallDepth {
		f.gas += gas
		return nil
	}
	f.vm.state.SetNonce(f.address, nonce+1)
	addr := f.vm.createAddress(f.address, nonce)
	initCode := append([]byte(nil), f.mem.data[o:o+n]...)
	ret, left, err := f.vm.create(f.depth+1, f.address, initCode, gas, &value, addr)
	f.gas += left
	switch {
	case err == nil:
		setAddress(result, addr)
	case errors.Is(err, ErrExecutionReverted):
		f.returnData = ret
	}
	return nil
}
