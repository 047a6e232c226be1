package state

import (
	"encoding/binary"
	"fmt"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// EmptyCodeHash is the code hash of an account without code: Keccak-256 of
// nothing, as in Ethereum, so eth_getProof-style tooling recognises it.
var EmptyCodeHash = types.Keccak256(nil)

// Account is what the state holds for one address besides its storage.
type Account struct {
	Nonce   uint64
	Balance uint256.Int
	// CodeHash is the Keccak-256 of the account's code, EmptyCodeHash when
	// it has none. The code itself is stored by this hash outside the trie.
	CodeHash types.Hash
}

// newAccount returns the account an address has before anything is written
// to it.
func newAccount() Account { return Account{CodeHash: EmptyCodeHash} }

// IsEmpty reports whether a has no nonce, no balance and no code. Empty
// accounts are not stored (see doc.go), as after Ethereum's EIP-161.
func (a *Account) IsEmpty() bool {
	return a.Nonce == 0 && a.Balance.IsZero() && a.CodeHash == EmptyCodeHash
}

// Account encoding flags.
const (
	accountHasCode = 1 << 0 // a 32-byte code hash follows the balance
	accountFlags   = accountHasCode
)

// maxAccountSize bounds an encoded account: flags, a 10-byte uvarint nonce,
// a length byte and 32 balance bytes, a 32-byte code hash.
const maxAccountSize = 1 + binary.MaxVarintLen64 + 1 + 32 + types.HashLength

// Encode returns the canonical encoding of a, the form stored in the flat
// store, in the trie and in undo data:
//
//	flags    1 byte      bit 0: the account has code
//	nonce    uvarint     minimal length
//	balance  1 byte n    then n big-endian bytes, no leading zero (n <= 32)
//	codeHash 32 bytes    only when bit 0 of flags is set
//
// An account without code does not spend 32 bytes on EmptyCodeHash.
func (a *Account) Encode() []byte {
	return a.AppendEncoding(make([]byte, 0, maxAccountSize))
}

// AppendEncoding appends the encoding of a to b.
func (a *Account) AppendEncoding(b []byte) []byte {
	hasCode := a.CodeHash != EmptyCodeHash
	var flags byte
	if hasCode {
		flags |= accountHasCode
	}
	b = append(b, flags)
	b = binary.AppendUvarint(b, a.Nonce)
	b = appendWord(b, a.Balance.Bytes32())
	if hasCode {
		b = append(b, a.CodeHash[:]...)
	}
	return b
}

// DecodeAccount decodes the canonical encoding of an account. It rejects
// unknown flags, non-minimal numbers, an explicit EmptyCodeHash and trailing
// bytes, so each account has exactly one encoding.
func DecodeAccount(b []byte) (Account, error) {
	a, n, err := decodeAccountPrefix(b)
	if err != nil {
		return Account{}, err
	}
	if n != len(b) {
		return Account{}, fmt.Errorf("%w: account: %d trailing bytes", ErrMalformed, len(b)-n)
	}
	return a, nil
}

// decodeAccountPrefix decodes one account from the front of b and returns
// how many bytes it used.
func decodeAccountPrefix(b []byte) (Account, int, error) {
	a := newAccount()
	if len(b) == 0 {
		return Account{}, 0, fmt.Errorf("%w: account: empty", ErrMalformed)
	}
	flags := b[0]
	if flags&^accountFlags != 0 {
		return Account{}, 0, fmt.Errorf("%w: account: unknown flags %#x", ErrMalformed, flags)
	}
	pos := 1
	nonce, n, err := readUvarint(b[pos:])
	if err != nil {
		return Account{}, 0, fmt.Errorf("account nonce: %w", err)
	}
	a.Nonce = nonce
	pos += n
	word, n, err := readWord(b[pos:])
	if err != nil {
		return Account{}, 0, fmt.Errorf("account balance: %w", err)
	}
	a.Balance.SetBytes32(word[:])
	pos += n
	if flags&accountHasCode != 0 {
		if len(b)-pos < types.HashLength {
			return Account{}, 0, fmt.Errorf("%w: account: short code hash", ErrMalformed)
		}
		copy(a.CodeHash[:], b[pos:pos+types.HashLength])
		pos += types.HashLength
		if a.CodeHash == EmptyCodeHash {
			return Account{}, 0, fmt.Errorf("%w: account: explicit empty code hash", ErrMalformed)
		}
	}
	return a, pos, nil
}

// appendWord appends a 32-byte big-endian word as a length byte followed by
// the word without its leading zeros (zero is the single byte 0x00).
func appendWord(b []byte, w [32]byte) []byte {
	i := 0
	for i < len(w) && w[i] == 0 {
		i++
	}
	b = append(b, byte(len(w)-i))
	return append(b, w[i:]...)
}

// readWord decodes what appendWord wrote, rejecting a leading zero byte.
func readWord(b []byte) (w [32]byte, n int, err error) {
	if len(b) == 0 {
		return w, 0, fmt.Errorf("%w: missing word length", ErrMalformed)
	}
	l := int(b[0])
	switch {
	case l > 32:
		return w, 0, fmt.Errorf("%w: word length %d above 32", ErrMalformed, l)
	case len(b)-1 < l:
		return w, 0, fmt.Errorf("%w: short word", ErrMalformed)
	case l > 0 && b[1] == 0:
		return w, 0, fmt.Errorf("%w: word with a leading zero byte", ErrMalformed)
	}
	copy(w[32-l:], b[1:1+l])
	return w, 1 + l, nil
}

// readUvarint decodes a minimal-length uvarint.
func readUvarint(b []byte) (uint64, int, error) {
	v, n := binary.Uvarint(b)
	switch {
	case n == 0:
		return 0, 0, fmt.Errorf("%w: short uvarint", ErrMalformed)
	case n < 0:
		return 0, 0, fmt.Errorf("%w: uvarint overflows 64 bits", ErrMalformed)
	case n > 1 && b[n-1] == 0:
		// A final byte of zero adds nothing: a shorter encoding exists.
		return 0, 0, fmt.Errorf("%w: non-minimal uvarint", ErrMalformed)
	}
	return v, n, nil
}
