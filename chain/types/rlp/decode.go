package rlp

import (
	"fmt"

	"github.com/holiman/uint256"
)

// Kind is the kind of an RLP item.
type Kind uint8

// Item kinds. Byte is a string of one byte below 0x80, encoded as itself
// without a header.
const (
	Byte Kind = iota
	String
	List
)

// String implements fmt.Stringer.
func (k Kind) String() string {
	switch k {
	case Byte:
		return "byte"
	case String:
		return "string"
	case List:
		return "list"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Split reads the first item of b: its kind, its content (the string's bytes
// or the list's encoded items) and the rest of b after it. The sizes in the
// header must be canonical and must fit in b.
func Split(b []byte) (kind Kind, content, rest []byte, err error) {
	if len(b) == 0 {
		return 0, nil, nil, ErrUnexpectedEnd
	}
	h := b[0]
	var offset, size uint64
	switch {
	case h < shortStringOffset:
		return Byte, b[:1], b[1:], nil
	case h <= longStringOffset:
		kind, offset, size = String, 1, uint64(h-shortStringOffset)
		if size == 1 && len(b) > 1 && b[1] < shortStringOffset {
			// A single byte below 0x80 is its own encoding.
			return 0, nil, nil, ErrNonCanonicalSize
		}
	case h < shortListOffset:
		kind = String
		offset, size, err = readLongSize(b, int(h-longStringOffset))
	case h <= longListOffset:
		kind, offset, size = List, 1, uint64(h-shortListOffset)
	default:
		kind = List
		offset, size, err = readLongSize(b, int(h-longListOffset))
	}
	if err != nil {
		return 0, nil, nil, err
	}
	// offset <= 9 and len(b) >= offset here, so the subtraction is safe and
	// the comparison cannot overflow.
	if size > uint64(len(b))-offset {
		return 0, nil, nil, ErrValueTooLarge
	}
	end := offset + size
	return kind, b[offset:end], b[end:], nil
}

// readLongSize reads the n-byte big-endian size that follows a long-form
// header byte and returns where the content starts and its size.
func readLongSize(b []byte, n int) (offset, size uint64, err error) {
	if len(b) < 1+n {
		return 0, 0, ErrUnexpectedEnd
	}
	if b[1] == 0 {
		return 0, 0, ErrNonCanonicalSize // leading zero byte in the size
	}
	for _, c := range b[1 : 1+n] {
		size = size<<8 | uint64(c)
	}
	if size <= maxShortSize {
		return 0, 0, ErrNonCanonicalSize // should have used the short form
	}
	return uint64(1 + n), size, nil
}

// SplitString reads a string item from the front of b and returns its bytes
// and the rest of b.
func SplitString(b []byte) (content, rest []byte, err error) {
	kind, content, rest, err := Split(b)
	if err != nil {
		return nil, nil, err
	}
	if kind == List {
		return nil, nil, ErrExpectedString
	}
	return content, rest, nil
}

// SplitList reads a list item from the front of b and returns its encoded
// items and the rest of b.
func SplitList(b []byte) (content, rest []byte, err error) {
	kind, content, rest, err := Split(b)
	if err != nil {
		return nil, nil, err
	}
	if kind != List {
		return nil, nil, ErrExpectedList
	}
	return content, rest, nil
}

// StringContent decodes b as exactly one string item and returns its bytes.
func StringContent(b []byte) ([]byte, error) {
	content, rest, err := SplitString(b)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, ErrTrailingBytes
	}
	return content, nil
}

// ListContent decodes b as exactly one list item and returns its encoded
// items.
func ListContent(b []byte) ([]byte, error) {
	content, rest, err := SplitList(b)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, ErrTrailingBytes
	}
	return content, nil
}

// SplitUint64 reads an integer item from the front of b.
func SplitUint64(b []byte) (v uint64, rest []byte, err error) {
	content, rest, err := SplitString(b)
	if err != nil {
		return 0, nil, err
	}
	v, err = Uint64(content)
	return v, rest, err
}

// SplitUint256 reads an integer item from the front of b.
func SplitUint256(b []byte) (v uint256.Int, rest []byte, err error) {
	content, rest, err := SplitString(b)
	if err != nil {
		return v, nil, err
	}
	v, err = Uint256(content)
	return v, rest, err
}

// Uint64 decodes the content of an integer string: big-endian, at most 8
// bytes, no leading zero bytes (zero is the empty string).
func Uint64(content []byte) (uint64, error) {
	if len(content) > 8 {
		return 0, ErrUint64Overflow
	}
	if len(content) > 0 && content[0] == 0 {
		return 0, ErrNonCanonicalInteger
	}
	var v uint64
	for _, c := range content {
		v = v<<8 | uint64(c)
	}
	return v, nil
}

// Uint256 decodes the content of an integer string: big-endian, at most 32
// bytes, no leading zero bytes (zero is the empty string).
func Uint256(content []byte) (uint256.Int, error) {
	var v uint256.Int
	if len(content) > 32 {
		return v, ErrUint256Overflow
	}
	if len(content) > 0 && content[0] == 0 {
		return v, ErrNonCanonicalInteger
	}
	v.SetBytes(content)
	return v, nil
}

// CountItems returns the number of items in the encoded items content (a
// list's content), checking each item's header.
func CountItems(content []byte) (int, error) {
	n := 0
	for len(content) > 0 {
		_, _, rest, err := Split(content)
		if err != nil {
			return 0, fmt.Errorf("item %d: %w", n, err)
		}
		content = rest
		n++
	}
	return n, nil
}
