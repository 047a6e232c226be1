package vm

import "github.com/holiman/uint256"

// memory is a frame's byte-addressed scratch space. It only grows, always
// to a multiple of 32 bytes, and growth is paid for before it happens
// (memoryGas), so its size is bounded by the gas a frame has and by
// MaxMemory.
type memory struct {
	data []byte
}

// region validates an (offset, size) pair taken from the stack, charges
// the gas to grow memory to cover it, grows it, and returns the pair as
// integers. A zero size is always valid and touches nothing, whatever the
// offset, as in the EVM.
func (f *frame) region(offset, size *uint256.Int) (uint64, uint64, error) {
	if size.IsZero() {
		return 0, 0, nil
	}
	if !offset.IsUint64() || !size.IsUint64() {
		return 0, 0, ErrMemoryLimit
	}
	off, n := offset.Uint64(), size.Uint64()
	if off > MaxMemory || n > MaxMemory || off+n > MaxMemory {
		return 0, 0, ErrMemoryLimit
	}
	if err := f.growMemory(off + n); err != nil {
		return 0, 0, err
	}
	return off, n, nil
}

// regionFixed is region for a constant, non-zero size (MLOAD, MSTORE...).
func (f *frame) regionFixed(offset *uint256.Int, n uint64) (uint64, error) {
	if !offset.IsUint64() || offset.Uint64() > MaxMemory-n {
		return 0, ErrMemoryLimit
	}
	off := offset.Uint64()
	if err := f.growMemory(off + n); err != nil {
		return 0, err
	}
	return off, nil
}

// growMemory charges for and performs growth to cover end bytes
// (end <= MaxMemory).
func (f *frame) growMemory(end uint64) error {
	have := uint64(len(f.mem.data))
	if end <= have {
		return nil
	}
	words := toWords(end)
	cost := memoryGas(words) - memoryGas(have/32)
	if f.gas < cost {
		return ErrOutOfGas
	}
	f.gas -= cost
	newLen := int(words * 32)
	if newLen <= cap(f.mem.data) {
		old := len(f.mem.data)
		f.mem.data = f.mem.data[:newLen]
		clear(f.mem.data[old:])
		return nil
	}
	grown := make([]byte, newLen, max(newLen, 2*cap(f.mem.data)))
	copy(grown, f.mem.data)
	f.mem.data = grown
	return nil
}

// useWordGas charges perWord for each 32-byte word of n bytes
// (n <= MaxMemory).
func (f *frame) useWordGas(perWord, n uint64) error {
	cost := perWord * toWords(n)
	if f.gas < cost {
		return ErrOutOfGas
	}
	f.gas -= cost
	return nil
}

// useGas charges cost.
func (f *frame) useGas(cost uint64) error {
	if f.gas < cost {
		return ErrOutOfGas
	}
	f.gas -= cost
	return nil
}

// copyPadded copies src[off:off+len(dst)] into dst, filling with zeros
// what lies past the end of src; off may be anything.
func copyPadded(dst, src []byte, off *uint256.Int) {
	n := 0
	if off.IsUint64() && off.Uint64() < uint64(len(src)) {
		n = copy(dst, src[off.Uint64():])
	}
	clear(dst[n:])
}
