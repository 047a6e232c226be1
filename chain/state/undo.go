package state

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/quarry-chain/quarry/chain/types"
)

// Undo is what rolling one block back needs: the value every account and
// storage slot it changed had before it. The chain stores it per block and
// applies it with Database.ApplyUndo when a reorganisation disconnects the
// block.
type Undo struct {
	// PrevRoot is the state root before the block, which applying the undo
	// must reproduce; Root is the root after it, which the state must hold
	// for the undo to apply.
	PrevRoot types.Hash
	Root     types.Hash
	Accounts []AccountUndo // strictly ascending by Address
	Slots    []SlotUndo    // strictly ascending by (Address, Key)
}

// AccountUndo is one changed account's previous value.
type AccountUndo struct {
	Address types.Address
	Prev    *Account // nil: the account did not exist
}

// SlotUndo is one changed storage slot's previous value.
type SlotUndo struct {
	Address types.Address
	Key     types.Hash
	Prev    types.Hash // zero: the slot was absent
}

// undoVersion is the first byte of an encoded Undo.
const undoVersion = 1

// Sizes used to bound counts before allocating, in bytes: the smallest
// encoded account entry (address, presence byte) and slot entry (address,
// key, zero-length word).
const (
	minAccountUndoSize = types.AddressLength + 1
	minSlotUndoSize    = types.AddressLength + types.HashLength + 1
)

// MarshalBinary encodes u canonically:
//
//	version  1 byte (1)
//	prevRoot 32 bytes, root 32 bytes
//	accounts uvarint n, then n x (address[20] || 0x00 | 0x01 account)
//	slots    uvarint m, then m x (address[20] || key[32] || word)
//
// where account is the Account encoding and word a length byte followed
// by the value without leading zeros (length 0: absent).
func (u *Undo) MarshalBinary() ([]byte, error) {
	size := 1 + 2*types.HashLength + 2*binary.MaxVarintLen64 +
		len(u.Accounts)*(minAccountUndoSize+maxAccountSize) + len(u.Slots)*(minSlotUndoSize+32)
	b := make([]byte, 0, size)
	b = append(b, undoVersion)
	b = append(b, u.PrevRoot[:]...)
	b = append(b, u.Root[:]...)
	b = binary.AppendUvarint(b, uint64(len(u.Accounts)))
	for i := range u.Accounts {
		a := &u.Accounts[i]
		b = append(b, a.Address[:]...)
		if a.Prev == nil {
			b = append(b, 0)
			continue
		}
		b = append(b, 1)
		b = a.Prev.AppendEncoding(b)
	}
	b = binary.AppendUvarint(b, uint64(len(u.Slots)))
	for i := range u.Slots {
		s := &u.Slots[i]
		b = append(b, s.Address[:]...)
		b = append(b, s.Key[:]...)
		b = appendWord(b, s.Prev)
	}
	return b, nil
}

// DecodeUndo decodes an encoded Undo strictly: entries must be strictly
// ascending (so unique), counts must fit the input, and nothing may
// trail. Errors wrap ErrMalformed.
func DecodeUndo(b []byte) (*Undo, error) {
	if len(b) < 1+2*types.HashLength {
		return nil, errMalformedf("undo: %d bytes, shorter than its header", len(b))
	}
	if b[0] != undoVersion {
		return nil, errMalformedf("undo: version %d", b[0])
	}
	u := &Undo{}
	copy(u.PrevRoot[:], b[1:])
	copy(u.Root[:], b[1+types.HashLength:])
	pos := 1 + 2*types.HashLength

	n, k, err := readUvarint(b[pos:])
	if err != nil {
		return nil, fmt.Errorf("undo account count: %w", err)
	}
	pos += k
	if n > uint64(len(b)-pos)/minAccountUndoSize {
		return nil, errMalformedf("undo: %d accounts cannot fit in %d bytes", n, len(b)-pos)
	}
	u.Accounts = make([]AccountUndo, n)
	for i := range u.Accounts {
		a := &u.Accounts[i]
		if len(b)-pos < minAccountUndoSize {
			return nil, errMalformedf("undo: account %d truncated", i)
		}
		copy(a.Address[:], b[pos:])
		pos += types.AddressLength
		if i > 0 && bytes.Compare(u.Accounts[i-1].Address[:], a.Address[:]) >= 0 {
			return nil, errMalformedf("undo: account %d out of order", i)
		}
		switch b[pos] {
		case 0:
			pos++
		case 1:
			pos++
			acct, k, err := decodeAccountPrefix(b[pos:])
			if err != nil {
				return nil, fmt.Errorf("undo account %d: %w", i, err)
			}
			a.Prev = &acct
			pos += k
		default:
			return nil, errMalformedf("undo: account %d presence byte %d", i, b[pos])
		}
	}

	n, k, err = readUvarint(b[pos:])
	if err != nil {
		return nil, fmt.Errorf("undo slot count: %w", err)
	}
	pos += k
	if n > uint64(len(b)-pos)/minSlotUndoSize {
		return nil, errMalformedf("undo: %d slots cannot fit in %d bytes", n, len(b)-pos)
	}
	u.Slots = make([]SlotUndo, n)
	for i := range u.Slots {
		s := &u.Slots[i]
		if len(b)-pos < minSlotUndoSize {
			return nil, errMalformedf("undo: slot %d truncated", i)
		}
		copy(s.Address[:], b[pos:])
		copy(s.Key[:], b[pos+types.AddressLength:])
		pos += types.AddressLength + types.HashLength
		if i > 0 && compareSlots(&u.Slots[i-1], s) >= 0 {
			return nil, errMalformedf("undo: slot %d out of order", i)
		}
		w, k, err := readWord(b[pos:])
		if err != nil {
			return nil, fmt.Errorf("undo slot %d: %w", i, err)
		}
		s.Prev = w
		pos += k
	}
	if pos != len(b) {
		return nil, errMalformedf("undo: %d trailing bytes", len(b)-pos)
	}
	return u, nil
}

// compareSlots orders slots by address, then key.
func compareSlots(a, b *SlotUndo) int {
	if c := bytes.Compare(a.Address[:], b.Address[:]); c != 0 {
		return c
	}
	return bytes.Compare(a.Key[:], b.Key[:])
}
