package rlp

import (
	"math/bits"

	"github.com/holiman/uint256"
)

// Header bytes from the RLP specification.
const (
	shortStringOffset = 0x80 // 0x80+n: string of n < 56 bytes
	longStringOffset  = 0xb7 // 0xb7+k: string whose size takes k bytes
	shortListOffset   = 0xc0 // 0xc0+n: list payload of n < 56 bytes
	longListOffset    = 0xf7 // 0xf7+k: list whose payload size takes k bytes
	maxShortSize      = 55   // largest size that fits in the header byte
)

// EmptyString and EmptyList are the encodings of "" (also the integer 0) and
// of [].
const (
	EmptyString = 0x80
	EmptyList   = 0xc0
)

// HeaderSize returns the size of a string or list header announcing size
// bytes of content.
func HeaderSize(size int) int {
	if size <= maxShortSize {
		return 1
	}
	return 1 + byteLen(uint64(size))
}

// StringSize returns the encoded size of the string b.
func StringSize(b []byte) int {
	if len(b) == 1 && b[0] < shortStringOffset {
		return 1
	}
	return HeaderSize(len(b)) + len(b)
}

// ListSize returns the encoded size of a list whose items encode to
// payloadSize bytes in total.
func ListSize(payloadSize int) int {
	return HeaderSize(payloadSize) + payloadSize
}

// Uint64Size returns the encoded size of the integer v.
func Uint64Size(v uint64) int {
	if v < shortStringOffset {
		return 1
	}
	return 1 + byteLen(v)
}

// Uint256Size returns the encoded size of the integer v.
func Uint256Size(v *uint256.Int) int {
	if v.IsUint64() {
		return Uint64Size(v.Uint64())
	}
	return 1 + (v.BitLen()+7)/8
}

// AppendString appends the encoding of the string b to dst.
func AppendString(dst, b []byte) []byte {
	if len(b) == 1 && b[0] < shortStringOffset {
		return append(dst, b[0])
	}
	dst = appendHeader(dst, shortStringOffset, longStringOffset, len(b))
	return append(dst, b...)
}

// AppendStringHeader appends the header of a string of size bytes; the caller
// appends the bytes themselves. For a one-byte string below 0x80 use
// AppendString, whose encoding has no header.
func AppendStringHeader(dst []byte, size int) []byte {
	return appendHeader(dst, shortStringOffset, longStringOffset, size)
}

// AppendListHeader appends the header of a list whose items encode to
// payloadSize bytes; the caller appends the items.
func AppendListHeader(dst []byte, payloadSize int) []byte {
	return appendHeader(dst, shortListOffset, longListOffset, payloadSize)
}

// AppendList appends a list whose items are already encoded in payload.
func AppendList(dst, payload []byte) []byte {
	dst = AppendListHeader(dst, len(payload))
	return append(dst, payload...)
}

// AppendUint64 appends the encoding of the integer v: big-endian, without
// leading zero bytes, zero as the empty string.
func AppendUint64(dst []byte, v uint64) []byte {
	switch {
	case v == 0:
		return append(dst, EmptyString)
	case v < shortStringOffset:
		return append(dst, byte(v))
	}
	n := byteLen(v)
	dst = append(dst, byte(shortStringOffset+n))
	return appendBigEndian(dst, v, n)
}

// AppendUint256 appends the encoding of the integer v.
func AppendUint256(dst []byte, v *uint256.Int) []byte {
	if v.IsUint64() {
		return AppendUint64(dst, v.Uint64())
	}
	n := (v.BitLen() + 7) / 8
	b := v.Bytes32()
	dst = append(dst, byte(shortStringOffset+n))
	return append(dst, b[32-n:]...)
}

// appendHeader appends a header for size bytes using the given short and long
// form offsets.
func appendHeader(dst []byte, short, long byte, size int) []byte {
	if size <= maxShortSize {
		return append(dst, short+byte(size))
	}
	n := byteLen(uint64(size))
	dst = append(dst, long+byte(n))
	return appendBigEndian(dst, uint64(size), n)
}

// byteLen returns the number of bytes of v without leading zeros (0 for 0).
func byteLen(v uint64) int {
	return (bits.Len64(v) + 7) / 8
}

// appendBigEndian appends the low n bytes of v, most significant first.
func appendBigEndian(dst []byte, v uint64, n int) []byte {
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, byte(v>>(8*uint(i))))
	}
	return dst
}
