// Package rlp is a small, strict codec for Ethereum's Recursive Length Prefix
// encoding, the byte format of transactions, receipts and block bodies.
//
// RLP knows two kinds of item: a string (a byte sequence) and a list (a
// sequence of items). Integers are strings holding the big-endian value with
// no leading zero bytes; zero is the empty string.
//
// Encoding appends to a caller-owned []byte, so a value can be encoded into
// one buffer sized up front with the Size helpers:
//
//	n := rlp.Uint64Size(nonce) + rlp.StringSize(data)
//	buf := make([]byte, 0, rlp.ListSize(n))
//	buf = rlp.AppendListHeader(buf, n)
//	buf = rlp.AppendUint64(buf, nonce)
//	buf = rlp.AppendString(buf, data)
//
// Decoding never copies: Split and its typed variants return sub-slices of
// the input, and Iter walks the items of a list with a sticky error, so a
// struct decoder reads its fields in order and checks one error at the end:
//
//	content, err := rlp.ListContent(b)
//	it := rlp.NewIter(content)
//	nonce := it.Uint64()
//	data := it.Bytes()
//	if err := it.Finish(); err != nil { ... }
//
// Decoding is strict, so that every value has exactly one accepted encoding:
// a single byte below 0x80 wrapped in a string header, a long-form size under
// 56, a size with leading zero bytes, an integer with leading zero bytes, a
// size that runs past the input and bytes after the one item asked for are
// all rejected.
//
// Errors are sentinel values (ErrNonCanonicalSize, ErrNonCanonicalInteger,
// ErrUnexpectedEnd, ErrValueTooLarge, ErrExpectedString, ErrExpectedList,
// ErrTrailingBytes, ErrUint64Overflow, ErrUint256Overflow, ErrWrongSize),
// possibly wrapped with the position of the offending item; match them with
// errors.Is.
package rlp
