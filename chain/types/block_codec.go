package types

import (
	"errors"
	"fmt"

	"github.com/quarry-chain/quarry/chain/types/rlp"
)

// MaxBlockDecodeSize is the largest block or body encoding DecodeBlock and
// DecodeBody accept, in bytes. It bounds the memory one block from the
// network can cost before any rule is checked; it is not the consensus limit,
// which the genesis configuration sets (smaller) and the validator checks
// with Block.Size.
const MaxBlockDecodeSize = 32 << 20

// Block decoding errors. Each wraps ErrMalformed.
var (
	// ErrBlockTooLarge: an encoding longer than MaxBlockDecodeSize.
	ErrBlockTooLarge = fmt.Errorf("%w: block larger than %d bytes", ErrMalformed, MaxBlockDecodeSize)
	// ErrTxEnvelope: a transaction item in a block is an RLP string that does
	// not start with an EIP-2718 type byte (below 0x80).
	ErrTxEnvelope = fmt.Errorf("%w: typed transaction envelope without a type byte", ErrMalformed)
)

// TxError reports which transaction of a block or body failed to decode.
// Err wraps ErrMalformed and the transaction decoder's specific error.
type TxError struct {
	Index int // position of the transaction in the block
	Err   error
}

// Error implements the error interface.
func (e *TxError) Error() string { return fmt.Sprintf("transaction %d: %v", e.Index, e.Err) }

// Unwrap returns the decoding error.
func (e *TxError) Unwrap() error { return e.Err }

// Block encoding. A block is the RLP list
//
//	[header, [tx, ...]]
//
// where header is an RLP string holding the 212 bytes of Header.Encode, and
// each tx is embedded as Ethereum block bodies embed them: a legacy
// transaction as its own RLP list, a typed one (EIP-2718) as an RLP string
// holding type || payload. The body, stored apart from the header, is the
// transactions list alone: [tx, ...].

// headerItemSize is the RLP size of the header item: 212 bytes is more than
// a short string's 55, so the string header is b8 d4 (two bytes), then the
// header itself.
const headerItemSize = 2 + HeaderSize

// txItemSize returns the RLP size of tx inside a transactions list.
func txItemSize(tx *Transaction) int {
	n := tx.Size()
	if tx.Type == LegacyTxType {
		return n
	}
	return rlp.HeaderSize(n) + n
}

// txListPayloadSize returns the size of the items of a transactions list.
func txListPayloadSize(txs []*Transaction) int {
	n := 0
	for _, tx := range txs {
		n += txItemSize(tx)
	}
	return n
}

// blockEncodedSize returns the size of a block whose transactions list
// holds txsPayload bytes of items.
func blockEncodedSize(txsPayload int) int {
	return rlp.ListSize(headerItemSize + rlp.ListSize(txsPayload))
}

// appendTxList appends the transactions list holding txs, whose items take
// payload bytes.
func appendTxList(dst []byte, txs []*Transaction, payload int) []byte {
	dst = rlp.AppendListHeader(dst, payload)
	for _, tx := range txs {
		if tx.Type != LegacyTxType {
			dst = rlp.AppendStringHeader(dst, tx.Size())
		}
		dst, _ = tx.AppendBinary(dst)
	}
	return dst
}

// AppendBinary appends the encoding of b to dst (encoding.BinaryAppender).
func (b *Block) AppendBinary(dst []byte) ([]byte, error) {
	payload := txListPayloadSize(b.Txs)
	dst = rlp.AppendListHeader(dst, headerItemSize+rlp.ListSize(payload))
	dst = rlp.AppendStringHeader(dst, HeaderSize)
	var hdr [HeaderSize]byte
	b.Header.EncodeTo(&hdr)
	dst = append(dst, hdr[:]...)
	return appendTxList(dst, b.Txs, payload), nil
}

// Encode returns the encoding of b, the form blocks travel in on the network.
func (b *Block) Encode() []byte {
	dst, _ := b.AppendBinary(make([]byte, 0, b.Size()))
	return dst
}

// MarshalBinary returns the encoding of b (encoding.BinaryMarshaler).
func (b *Block) MarshalBinary() ([]byte, error) { return b.Encode(), nil }

// EncodeBody returns the encoding of b's transactions list alone, for storage
// beside a separately stored header.
func (b *Block) EncodeBody() []byte {
	payload := txListPayloadSize(b.Txs)
	return appendTxList(make([]byte, 0, rlp.ListSize(payload)), b.Txs, payload)
}

// DecodeBlock decodes a block encoding strictly: at most MaxBlockDecodeSize
// bytes, canonical RLP, a header item of exactly HeaderSize bytes, every
// transaction valid for DecodeTransaction and embedded in its one canonical
// form, and nothing after the block. Every error wraps ErrMalformed; one
// about a transaction is a *TxError carrying its index. The result shares no
// memory with b. Decoding checks syntax only: roots, limits and signatures
// are the validator's.
func DecodeBlock(b []byte) (*Block, error) {
	if len(b) > MaxBlockDecodeSize {
		return nil, fmt.Errorf("block of %d bytes: %w", len(b), ErrBlockTooLarge)
	}
	content, err := rlp.ListContent(b)
	if err != nil {
		return nil, fmt.Errorf("%w: block: %w", ErrMalformed, err)
	}
	hdrBytes, rest, err := rlp.SplitString(content)
	if err != nil {
		return nil, fmt.Errorf("%w: block header: %w", ErrMalformed, err)
	}
	header, err := DecodeHeader(hdrBytes)
	if err != nil {
		return nil, fmt.Errorf("block header: %w", err)
	}
	txsContent, rest, err := rlp.SplitList(rest)
	if err != nil {
		return nil, fmt.Errorf("%w: block transactions: %w", ErrMalformed, err)
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: block: %w", ErrMalformed, rlp.ErrTrailingBytes)
	}
	txs, err := decodeTxList(txsContent)
	if err != nil {
		return nil, fmt.Errorf("block %v: %w", header.Hash(), err)
	}
	return &Block{Header: header, Txs: txs}, nil
}

// DecodeBody decodes a body (a transactions list, as EncodeBody writes it)
// with the rules of DecodeBlock.
func DecodeBody(b []byte) ([]*Transaction, error) {
	if len(b) > MaxBlockDecodeSize {
		return nil, fmt.Errorf("body of %d bytes: %w", len(b), ErrBlockTooLarge)
	}
	content, err := rlp.ListContent(b)
	if err != nil {
		return nil, fmt.Errorf("%w: block body: %w", ErrMalformed, err)
	}
	return decodeTxList(content)
}

// decodeTxList decodes the items of a transactions list. It returns nil for
// an empty list.
func decodeTxList(content []byte) ([]*Transaction, error) {
	if len(content) == 0 {
		return nil, nil
	}
	// Size the slice in one go; a malformed item is reported, with its
	// index, by the loop below.
	n, _ := rlp.CountItems(content)
	txs := make([]*Transaction, 0, max(n, 1))
	for i := 0; len(content) > 0; i++ {
		kind, inner, rest, err := rlp.Split(content)
		if err != nil {
			return nil, &TxError{Index: i, Err: fmt.Errorf("%w: %w", ErrMalformed, err)}
		}
		raw := content[:len(content)-len(rest)]
		content = rest
		enc := raw // legacy: the list is the transaction
		if kind != rlp.List {
			// Typed: the string holds type || payload. A type byte is below
			// 0x80; anything else would be a second encoding of a legacy
			// transaction (or no transaction at all).
			if len(inner) == 0 || inner[0] >= rlp.EmptyString {
				return nil, &TxError{Index: i, Err: ErrTxEnvelope}
			}
			enc = inner
		}
		tx, err := DecodeTransaction(enc)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				err = fmt.Errorf("%w: %w", ErrMalformed, err)
			}
			return nil, &TxError{Index: i, Err: err}
		}
		txs = append(txs, tx)
	}
	return txs, nil
}
