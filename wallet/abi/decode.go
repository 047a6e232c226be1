package abi

import (
	"encoding/binary"
	"fmt"
	"math/big"
)

// maxDecodedValues bounds the values one Decode may produce. Offsets may
// point several elements at the same data, so without it a short input
// with nested dynamic arrays could ask for exponentially many values.
const maxDecodedValues = 1 << 20

// Decode decodes data as a tuple of ts: a call's return data, or the
// arguments after a selector. Trailing bytes after what the types need are
// allowed, as Ethereum clients allow them. Bytes and string values share
// memory with data.
func Decode(ts []Type, data []byte) ([]Value, error) {
	d := decoder{budget: maxDecodedValues}
	return d.tuple(ts, data)
}

type decoder struct {
	budget int
}

// tuple decodes ts from data, whose start is where the tuple's offsets
// count from.
func (d *decoder) tuple(ts []Type, data []byte) ([]Value, error) {
	out := make([]Value, len(ts))
	pos := 0
	for i, t := range ts {
		size := t.headSize()
		if len(data)-pos < size {
			return nil, fmt.Errorf("%w: %d bytes, value %d (%s) needs %d more", ErrDecode, len(data), i, t, size-(len(data)-pos))
		}
		var err error
		if t.isStatic() {
			out[i], err = d.value(t, data[pos:pos+size])
		} else {
			var off int
			if off, err = readLength(data[pos:], len(data)); err == nil {
				out[i], err = d.value(t, data[off:])
			}
		}
		if err != nil {
			return nil, err
		}
		pos += size
	}
	return out, nil
}

// value decodes one value of t starting at data[0] (its place for a static
// type, its tail for a dynamic one).
func (d *decoder) value(t Type, data []byte) (Value, error) {
	if d.budget--; d.budget < 0 {
		return Value{}, fmt.Errorf("%w: more than %d values", ErrDecode, maxDecodedValues)
	}
	v := Value{Type: t}
	switch t.Kind {
	case Bytes, String:
		n, err := readLength(data, len(data)-wordSize)
		if err != nil {
			return Value{}, err
		}
		v.raw = data[wordSize : wordSize+n]
		return v, nil
	case Array:
		n, body := t.Len, data
		if n < 0 {
			// A dynamic array's length: each element needs at least one
			// head slot after it, which bounds n by the data.
			var err error
			if n, err = readLength(data, (len(data)-wordSize)/max(t.Elem.headSize(), 1)); err != nil {
				return Value{}, err
			}
			body = data[wordSize:]
		}
		if n > d.budget {
			return Value{}, fmt.Errorf("%w: more than %d values", ErrDecode, maxDecodedValues)
		}
		elems := make([]Type, n)
		for i := range elems {
			elems[i] = *t.Elem
		}
		vals, err := d.tuple(elems, body)
		if err != nil {
			return Value{}, err
		}
		v.elems = vals
		return v, nil
	}
	if len(data) < wordSize {
		return Value{}, fmt.Errorf("%w: short word for %s", ErrDecode, t)
	}
	copy(v.word[:], data[:wordSize])
	if err := checkWord(t, v.word); err != nil {
		return Value{}, err
	}
	return v, nil
}

// checkWord rejects words that are not the canonical encoding of t.
func checkWord(t Type, w [wordSize]byte) error {
	bad := func() error { return fmt.Errorf("%w: 0x%x is not a valid %s", ErrDecode, w, t) }
	switch t.Kind {
	case Uint:
		if new(big.Int).SetBytes(w[:]).BitLen() > t.Size {
			return bad()
		}
	case Int:
		x := new(big.Int).SetBytes(w[:])
		if w[0]&0x80 != 0 {
			x.Sub(x, twoTo256)
		}
		hi := new(big.Int).Lsh(big.NewInt(1), uint(t.Size-1))
		if x.Cmp(hi) >= 0 || x.Cmp(new(big.Int).Neg(hi)) < 0 {
			return bad()
		}
	case Address:
		if !zero(w[:12]) {
			return bad()
		}
	case Bool:
		if !zero(w[:31]) || w[31] > 1 {
			return bad()
		}
	case FixedBytes:
		if !zero(w[t.Size:]) {
			return bad()
		}
	}
	return nil
}

// readLength reads the word at data[0] as an offset or length that must
// not exceed limit.
func readLength(data []byte, limit int) (int, error) {
	if len(data) < wordSize {
		return 0, fmt.Errorf("%w: missing offset or length word", ErrDecode)
	}
	if !zero(data[:24]) {
		return 0, fmt.Errorf("%w: offset or length 0x%x out of range", ErrDecode, data[:wordSize])
	}
	n := binary.BigEndian.Uint64(data[24:wordSize])
	if limit < 0 || n > uint64(limit) {
		return 0, fmt.Errorf("%w: offset or length %d beyond the data", ErrDecode, n)
	}
	return int(n), nil
}

func zero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
