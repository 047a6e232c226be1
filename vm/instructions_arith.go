package vm

import (
	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// Arithmetic, comparison and bitwise instructions. Each works in place on
// the stack: the result overwrites the lowest operand's slot. The
// interpreter has already checked that the operands are there.

func opAdd(f *frame) error {
	a, b := &f.stack[f.sp-1], &f.stack[f.sp-2]
	b.Add(a, b)
	f.sp--
	return nil
}

func opSub(f *frame) error {
	a, b := &f.stack[f.sp-1], &f.stack[f.sp-2]
	b.Sub(a, b)
	f.sp--
	return nil
}

func opMul(f *frame) error {
	a, b := &f.stack[f.sp-1], &f.stack[f.sp-2]
	b.Mul(a, b)
	f.sp--
	return nil
}

func opDiv(f *frame) error {
	a, b := &f.stack[f.sp-1], &f.stack[f.sp-2]
	b.Div(a, b) // 0 when b is 0
	f.sp--
	return nil
}

func opSdiv(f *frame) error {
	a, b := &f.stack[f.sp-1], &f.stack[f.sp-2]
	b.SDiv(a, b) // 0 when b is 0; -2^255 / -1 wraps to -2^255
	f.sp--
	return nil
}

func opMod(f *frame) error {
	a, b := &f.stack[f.sp-1], &f.stack[f.sp-2]
	b.Mod(a, b)
	f.sp--
	return nil
}

func opSmod(f *frame) error {
	a, b := &f.stack[f.sp-1], &f.stack[f.sp-2]
	b.SMod(a, b)
	f.sp--
	return nil
}

func opAddmod(f *frame) error {
	a, b, n := &f.stack[f.sp-1], &f.stack[f.sp-2], &f.stack[f.sp-3]
	n.AddMod(a, b, n) // 0 when n is 0
	f.sp -= 2
	return nil
}

func opMulmod(f *frame) error {
	a, b, n := &f.stack[f.sp-1], &f.stack[f.sp-2], &f.stack[f.sp-3]
	n.MulMod(a, b, n)
	f.sp -= 2
	return nil
}

func opExp(f *frame) error {
	base, exp := &f.stack[f.sp-1], &f.stack[f.sp-2]
	if err := f.useGas(GasExpByte * uint64(exp.ByteLen())); err != nil {
		return err
	}
	exp.Exp(base, exp)
	f.sp--
	return nil
}

func opSignExtend(f *frame) error {
	b, x := &f.stack[f.sp-1], &f.stack[f.sp-2]
	x.ExtendSign(x, b)
	f.sp--
	return nil
}

// setBool stores a comparison result.
func setBool(z *uint256.Int, v bool) {
	if v {
		z.SetOne()
	} else {
		z.Clear()
	}
}

func opLt(f *frame) error {
	a, b := &f.stack[f.sp-1], &f.stack[f.sp-2]
	setBool(b, a.Lt(b))
	f.sp--
	return nil
}

func opGt(f *frame) error {
	a, b := &f.stack[f.sp-1], &f.stack[f.sp-2]
	setBool(b, a.Gt(b))
	f.sp--
	return nil
}

func opSlt(f *frame) error {
	a, b := &f.stack[f.sp-1], &f.stack[f.sp-2]
	setBool(b, a.Slt(b))
	f.sp--
	return nil
}

func opSgt(f *frame) error {
	a, b := &f.stack[f.sp-1], &f.stack[f.sp-2]
	setBool(b, a.Sgt(b))
	f.sp--
	return nil
}

func opEq(f *frame) error {
	a, b := &f.stack[f.sp-1], &f.stack[f.sp-2]
	setBool(b, a.Eq(b))
	f.sp--
	return nil
}

func opIszero(f *frame) error {
	a := &f.stack[f.sp-1]
	setBool(a, a.IsZero())
	return nil
}

func opAnd(f *frame) error {
	a, b := &f.stack[f.sp-1], &f.stack[f.sp-2]
	b.And(a, b)
	f.sp--
	return nil
}

func opOr(f *frame) error {
	a, b := &f.stack[f.sp-1], &f.stack[f.sp-2]
	b.Or(a, b)
	f.sp--
	return nil
}

func opXor(f *frame) error {
	a, b := &f.stack[f.sp-1], &f.stack[f.sp-2]
	b.Xor(a, b)
	f.sp--
	return nil
}

func opNot(f *frame) error {
	a := &f.stack[f.sp-1]
	a.Not(a)
	return nil
}

func opByte(f *frame) error {
	i, x := &f.stack[f.sp-1], &f.stack[f.sp-2]
	x.Byte(i) // 0 when i >= 32
	f.sp--
	return nil
}

// shiftAmount returns s as a shift count, 256 for anything at least 256.
func shiftAmount(s *uint256.Int) uint {
	if s.LtUint64(256) {
		return uint(s.Uint64())
	}
	return 256
}

func opShl(f *frame) error {
	s, x := &f.stack[f.sp-1], &f.stack[f.sp-2]
	if n := shiftAmount(s); n < 256 {
		x.Lsh(x, n)
	} else {
		x.Clear()
	}
	f.sp--
	return nil
}

func opShr(f *frame) error {
	s, x := &f.stack[f.sp-1], &f.stack[f.sp-2]
	if n := shiftAmount(s); n < 256 {
		x.Rsh(x, n)
	} else {
		x.Clear()
	}
	f.sp--
	return nil
}

func opSar(f *frame) error {
	s, x := &f.stack[f.sp-1], &f.stack[f.sp-2]
	n := shiftAmount(s)
	switch {
	case n < 256:
		x.SRsh(x, n)
	case x.Sign() < 0:
		x.SetAllOne()
	default:
		x.Clear()
	}
	f.sp--
	return nil
}

func opKeccak256(f *frame) error {
	off, size := &f.stack[f.sp-1], &f.stack[f.sp-2]
	o, n, err := f.region(off, size)
	if err != nil {
		return err
	}
	if err := f.useWordGas(GasKeccakWord, n); err != nil {
		return err
	}
	h := types.Keccak256(f.mem.data[o : o+n])
	size.SetBytes32(h[:])
	f.sp--
	return nil
}
