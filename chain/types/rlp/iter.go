package rlp

import (
	"fmt"

	"github.com/holiman/uint256"
)

// Iter walks the items of a list's content in order. The typed readers
// (Bytes, Fixed, Uint64, Uint256, List, Raw) each consume one item; the first
// error sticks, makes every later read return a zero value, and is reported
// by Err and Finish. A struct decoder reads its fields one after another and
// checks Finish once:
//
//	it := rlp.NewIter(content)
//	nonce := it.Uint64()
//	data := it.Bytes()
//	if err := it.Finish(); err != nil { ... }
//
// The zero Iter is an empty list.
type Iter struct {
	rest  []byte
	index int // index of the next item, for error messages
	err   error
}

// NewIter returns an iterator over the encoded items content, usually the
// content returned by SplitList or ListContent.
func NewIter(content []byte) Iter {
	return Iter{rest: content}
}

// More reports whether items remain and no error has occurred.
func (it *Iter) More() bool { return it.err == nil && len(it.rest) > 0 }

// Err returns the first error met, if any.
func (it *Iter) Err() error { return it.err }

// Finish returns the first error met or, if there was none,
// ErrTrailingBytes when items remain unread.
func (it *Iter) Finish() error {
	if it.err == nil && len(it.rest) > 0 {
		it.fail(ErrTrailingBytes)
	}
	return it.err
}

// Next consumes the next item of any kind. ok is false at the end of the list
// or after an error.
func (it *Iter) Next() (kind Kind, content []byte, ok bool) {
	if !it.More() {
		return 0, nil, false
	}
	kind, content, rest, err := Split(it.rest)
	if err != nil {
		it.fail(err)
		return 0, nil, false
	}
	it.rest = rest
	it.index++
	return kind, content, true
}

// Raw consumes the next item and returns its whole encoding, header
// included.
func (it *Iter) Raw() []byte {
	before := it.rest
	if _, _, ok := it.next(); !ok {
		return nil
	}
	return before[:len(before)-len(it.rest)]
}

// Bytes consumes the next item, which must be a string, and returns its
// bytes (a sub-slice of the input).
func (it *Iter) Bytes() []byte {
	kind, content, ok := it.next()
	if !ok {
		return nil
	}
	if kind == List {
		it.failPrev(ErrExpectedString)
		return nil
	}
	return content
}

// Fixed consumes the next item, which must be a string of exactly len(dst)
// bytes, and copies it into dst.
func (it *Iter) Fixed(dst []byte) {
	b := it.Bytes()
	if it.err != nil {
		return
	}
	if len(b) != len(dst) {
		it.failPrev(fmt.Errorf("%w: have %d bytes, want %d", ErrWrongSize, len(b), len(dst)))
		return
	}
	copy(dst, b)
}

// Uint64 consumes the next item, which must be a canonical integer of at most
// 64 bits.
func (it *Iter) Uint64() uint64 {
	b := it.Bytes()
	if it.err != nil {
		return 0
	}
	v, err := Uint64(b)
	if err != nil {
		it.failPrev(err)
		return 0
	}
	return v
}

// Uint256 consumes the next item, which must be a canonical integer of at
// most 256 bits, into dst. On error dst is set to zero.
func (it *Iter) Uint256(dst *uint256.Int) {
	b := it.Bytes()
	if it.err != nil {
		dst.Clear()
		return
	}
	v, err := Uint256(b)
	if err != nil {
		it.failPrev(err)
	}
	*dst = v
}

// List consumes the next item, which must be a list, and returns an iterator
// over its items. Errors inside the returned iterator are reported by its
// own Err and Finish, not by it.
func (it *Iter) List() Iter {
	kind, content, ok := it.next()
	if !ok {
		return Iter{err: it.err}
	}
	if kind != List {
		it.failPrev(ErrExpectedList)
		return Iter{err: it.err}
	}
	return Iter{rest: content}
}

// next is Next, except that reading past the end is an error: a typed read
// expects an item to be there.
func (it *Iter) next() (Kind, []byte, bool) {
	if it.err == nil && len(it.rest) == 0 {
		it.fail(ErrUnexpectedEnd)
	}
	return it.Next()
}

// fail records err, with the index of the item being read, as the sticky
// error.
func (it *Iter) fail(err error) {
	if it.err == nil {
		it.err = fmt.Errorf("item %d: %w", it.index, err)
	}
}

// failPrev records err against the item just consumed.
func (it *Iter) failPrev(err error) {
	it.index--
	it.fail(err)
	it.index++
}
