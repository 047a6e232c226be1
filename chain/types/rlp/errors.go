package rlp

import "errors"

// Decoding errors. Each is a distinct value; errors returned by this package
// wrap exactly one of them.
var (
	// ErrUnexpectedEnd: the input ends inside an item header, or is empty
	// where an item was expected.
	ErrUnexpectedEnd = errors.New("rlp: unexpected end of input")
	// ErrValueTooLarge: an item's declared size runs past the end of its
	// input (or does not fit in memory at all).
	ErrValueTooLarge = errors.New("rlp: value size exceeds available input")
	// ErrNonCanonicalSize: an item's size is not in its shortest form (a
	// single byte below 0x80 in a string header, a long form for a size under
	// 56, or a size with leading zero bytes).
	ErrNonCanonicalSize = errors.New("rlp: non-canonical size")
	// ErrNonCanonicalInteger: an integer has leading zero bytes.
	ErrNonCanonicalInteger = errors.New("rlp: non-canonical integer (leading zero bytes)")
	// ErrExpectedString: a list was found where a string was expected.
	ErrExpectedString = errors.New("rlp: expected string")
	// ErrExpectedList: a string was found where a list was expected.
	ErrExpectedList = errors.New("rlp: expected list")
	// ErrTrailingBytes: input remains after the item(s) that were asked for.
	ErrTrailingBytes = errors.New("rlp: trailing bytes after value")
	// ErrUint64Overflow: an integer does not fit in 64 bits.
	ErrUint64Overflow = errors.New("rlp: integer overflows uint64")
	// ErrUint256Overflow: an integer does not fit in 256 bits.
	ErrUint256Overflow = errors.New("rlp: integer overflows uint256")
	// ErrWrongSize: a fixed-size string (an address, a hash) has another
	// length.
	ErrWrongSize = errors.New("rlp: string has the wrong size")
)
