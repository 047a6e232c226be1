package types

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/holiman/uint256"
)

// TxType is the EIP-2718 transaction type: the first byte of a typed
// transaction's encoding, or LegacyTxType for an RLP-list legacy one.
type TxType uint8

// Transaction types Quarry accepts.
const (
	LegacyTxType     TxType = 0 // pre-EIP-2718, signed under EIP-155
	AccessListTxType TxType = 1 // EIP-2930
	DynamicFeeTxType TxType = 2 // EIP-1559
)

// String implements fmt.Stringer.
func (t TxType) String() string {
	switch t {
	case LegacyTxType:
		return "legacy"
	case AccessListTxType:
		return "access-list"
	case DynamicFeeTxType:
		return "dynamic-fee"
	}
	return fmt.Sprintf("TxType(%d)", uint8(t))
}

// MaxTxSize is the largest transaction encoding DecodeTransaction accepts, in
// bytes. It is geth's transaction pool limit (4 x 32 KiB), so anything a
// geth-based wallet will broadcast fits, and it bounds the memory one
// gossiped transaction can cost before its signature is checked.
const MaxTxSize = 128 * 1024

// Transaction errors. Decoding failures also wrap ErrMalformed.
var (
	// ErrTxTypeNotSupported: an EIP-2718 type other than 1 or 2.
	ErrTxTypeNotSupported = errors.New("transaction type not supported")
	// ErrTxTooLarge: an encoding longer than MaxTxSize.
	ErrTxTooLarge = errors.New("transaction too large")
)

// AccessTuple is one entry of an EIP-2930 access list: an address and the
// storage slots of it that the transaction declares it will touch.
type AccessTuple struct {
	Address     Address
	StorageKeys []Hash
}

// AccessList is an EIP-2930 access list. Quarry's VM does not price storage
// access by warmth, so the list only costs intrinsic gas; it is accepted so
// that wallets which always send one work unchanged.
type AccessList []AccessTuple

// StorageKeys returns the number of storage keys in the whole list.
func (al AccessList) StorageKeys() int {
	n := 0
	for _, t := range al {
		n += len(t.StorageKeys)
	}
	return n
}

// Transaction is an Ethereum transaction of any supported type. Fields that a
// type does not use must be zero: GasPrice for type 2, GasTipCap and
// GasFeeCap for types 0 and 1, AccessList for type 0.
//
// A Transaction is immutable once signed or decoded: Hash, Size, Encode and
// Sender cache their results on first use (safely for concurrent callers), so
// modifying a field afterwards leaves them stale. Build a new Transaction
// instead. Do not copy a Transaction by value; use pointers.
type Transaction struct {
	Type TxType
	// ChainID is the EIP-155 chain id. Typed transactions carry it; for a
	// legacy one DecodeTransaction derives it from V (0 when V does not
	// encode one) and Signer.SignTx sets it.
	ChainID uint64
	Nonce   uint64
	// GasPrice is the price per gas of types 0 and 1.
	GasPrice uint256.Int
	// GasTipCap and GasFeeCap are EIP-1559's max priority fee and max fee
	// per gas (type 2 only).
	GasTipCap uint256.Int
	GasFeeCap uint256.Int
	Gas       uint64
	// To is the recipient; nil creates a contract.
	To         *Address
	Value      uint256.Int
	Data       []byte
	AccessList AccessList
	// V, R, S is the signature. For a legacy transaction V is EIP-155's
	// chainID*2 + 35 + y-parity; for a typed one it is the y-parity, 0 or 1.
	V, R, S uint256.Int

	cache txCache
}

// txCache holds values derived from an immutable Transaction.
type txCache struct {
	enc    atomic.Pointer[[]byte] // canonical encoding
	hash   atomic.Pointer[Hash]   // Keccak-256 of enc
	sender atomic.Pointer[cachedSender]
}

// cachedSender is a sender recovered under one chain id.
type cachedSender struct {
	chainID uint64
	addr    Address
}

// IsCreate reports whether tx creates a contract (has no recipient).
func (tx *Transaction) IsCreate() bool { return tx.To == nil }

// Encode returns the canonical encoding of tx: for a legacy transaction the
// RLP list [nonce, gasPrice, gas, to, value, data, v, r, s]; for a typed one
// the type byte followed by its RLP payload (EIP-2718). This is the form
// signed transactions are sent in (eth_sendRawTransaction) and hashed in.
func (tx *Transaction) Encode() []byte {
	enc := tx.encoding()
	return append(make([]byte, 0, len(enc)), enc...)
}

// AppendBinary appends the encoding of tx to b (encoding.BinaryAppender).
func (tx *Transaction) AppendBinary(b []byte) ([]byte, error) {
	return append(b, tx.encoding()...), nil
}

// MarshalBinary returns the encoding of tx (encoding.BinaryMarshaler).
func (tx *Transaction) MarshalBinary() ([]byte, error) { return tx.Encode(), nil }

// Hash returns the transaction hash: Keccak-256 of its encoding.
func (tx *Transaction) Hash() Hash {
	if h := tx.cache.hash.Load(); h != nil {
		return *h
	}
	h := Keccak256(tx.encoding())
	tx.cache.hash.Store(&h)
	return h
}

// Size returns the length of the encoding of tx in bytes.
func (tx *Transaction) Size() int { return len(tx.encoding()) }

// encoding returns the cached encoding, computing it on first use. The
// result is shared: callers must not modify it.
func (tx *Transaction) encoding() []byte {
	if enc := tx.cache.enc.Load(); enc != nil {
		return *enc
	}
	enc := tx.encode()
	tx.cache.enc.Store(&enc)
	return enc
}

// unsignedCopy returns a copy of tx's fields without signature or caches.
// Data and the access list are copied too, so the result shares no memory
// with tx.
func (tx *Transaction) unsignedCopy() *Transaction {
	out := &Transaction{
		Type:      tx.Type,
		ChainID:   tx.ChainID,
		Nonce:     tx.Nonce,
		GasPrice:  tx.GasPrice,
		GasTipCap: tx.GasTipCap,
		GasFeeCap: tx.GasFeeCap,
		Gas:       tx.Gas,
		Value:     tx.Value,
	}
	if tx.To != nil {
		to := *tx.To
		out.To = &to
	}
	if len(tx.Data) > 0 {
		out.Data = append([]byte(nil), tx.Data...)
	}
	if tx.AccessList != nil {
		out.AccessList = make(AccessList, len(tx.AccessList))
		for i, t := range tx.AccessList {
			out.AccessList[i] = AccessTuple{
				Address:     t.Address,
				StorageKeys: append([]Hash(nil), t.StorageKeys...),
			}
		}
	}
	return out
}
