package abi

import "encoding/binary"

// Encode returns the ABI encoding of vals as a tuple (the argument part of
// call data, or a constructor's arguments appended to creation code).
func Encode(vals []Value) []byte {
	headLen := 0
	for _, v := range vals {
		headLen += v.Type.headSize()
	}
	head := make([]byte, 0, headLen)
	var tail []byte
	for _, v := range vals {
		if v.Type.isStatic() {
			head = append(head, encodeValue(v)...)
			continue
		}
		head = append(head, uintWord(uint64(headLen+len(tail)))...)
		tail = append(tail, encodeValue(v)...)
	}
	return append(head, tail...)
}

// encodeValue encodes one value in place (static) or as its tail (dynamic).
func encodeValue(v Value) []byte {
	switch v.Type.Kind {
	case Bytes, String:
		out := uintWord(uint64(len(v.raw)))
		out = append(out, v.raw...)
		return append(out, make([]byte, padding(len(v.raw)))...)
	case Array:
		if v.Type.Len < 0 {
			return append(uintWord(uint64(len(v.elems))), Encode(v.elems)...)
		}
		return Encode(v.elems)
	}
	return v.word[:]
}

func padding(n int) int { return (wordSize - n%wordSize) % wordSize }

func uintWord(n uint64) []byte {
	w := make([]byte, wordSize)
	binary.BigEndian.PutUint64(w[24:], n)
	return w
}
