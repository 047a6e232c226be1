package types

import (
	"errors"
	"fmt"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types/rlp"
)

// Receipt status values, as Ethereum's post-Byzantium receipts carry them.
const (
	ReceiptStatusFailed     uint64 = 0 // reverted or out of gas; the fee is still paid
	ReceiptStatusSuccessful uint64 = 1
)

// MaxReceiptDecodeSize is the largest encoding DecodeReceipt (one receipt)
// and DecodeReceipts (a block's receipts) accept, in bytes. Receipts are produced by local execution, never received, so this
// is a sanity cap against a corrupt store rather than a consensus limit: log
// data is paid for by gas, and a block's gas limit keeps real receipts far
// below it.
const MaxReceiptDecodeSize = 32 << 20

// Receipt decoding errors; each wraps ErrMalformed.
var (
	ErrBadReceiptStatus = fmt.Errorf("%w: receipt status is neither 0 nor 1", ErrMalformed)
	ErrTooManyTopics    = fmt.Errorf("%w: log has more than %d topics", ErrMalformed, MaxLogTopics)
	ErrReceiptTooLarge  = fmt.Errorf("%w: receipt encoding larger than %d bytes", ErrMalformed, MaxReceiptDecodeSize)
)

// Receipt is the outcome of one transaction in a block.
//
// The consensus part, committed by the header's receipts root, is Status,
// CumulativeGasUsed, GasUsed, Bloom and Logs, encoded as the RLP list
//
//	[status, cumulativeGasUsed, gasUsed, bloom, [[address, [topic, ...], data], ...]]
//
// (Ethereum's receipt with GasUsed added, so that a receipt alone tells what
// its transaction cost). The other fields locate the receipt for lookups and
// JSON-RPC; the node fills them in and they are not part of the encoding, the
// hash or the root.
type Receipt struct {
	Status            uint64 // ReceiptStatusSuccessful or ReceiptStatusFailed
	CumulativeGasUsed uint64 // gas used by this and all earlier transactions of the block
	GasUsed           uint64 // gas used by this transaction alone
	Bloom             Bloom  // BloomFromLogs(Logs)
	Logs              []*Log

	// Lookup fields, not part of the consensus encoding.
	TxHash            Hash
	ContractAddress   *Address // the created contract, for a creation
	BlockHash         Hash
	BlockNumber       uint64
	TxIndex           uint
	EffectiveGasPrice uint256.Int // price per gas actually paid
	From              Address
	To                *Address // nil for a contract creation
	Type              TxType   // the transaction's type
}

// topicItemSize is the RLP size of one topic: a 1-byte header (32 < 56)
// and the hash.
const topicItemSize = 1 + HashLength

// logPayloadSize returns the size of the items of l's encoded list.
func logPayloadSize(l *Log) int {
	return rlp.StringSize(l.Address[:]) + rlp.ListSize(len(l.Topics)*topicItemSize) + rlp.StringSize(l.Data)
}

// payloadSize returns the size of the items of r's encoded list, and the size
// of the items of its logs list.
func (r *Receipt) payloadSize() (payload, logs int) {
	for _, l := range r.Logs {
		logs += rlp.ListSize(logPayloadSize(l))
	}
	payload = rlp.Uint64Size(r.Status) + rlp.Uint64Size(r.CumulativeGasUsed) +
		rlp.Uint64Size(r.GasUsed) + rlp.StringSize(r.Bloom[:]) + rlp.ListSize(logs)
	return payload, logs
}

// AppendBinary appends the consensus encoding of r to b
// (encoding.BinaryAppender).
func (r *Receipt) AppendBinary(b []byte) ([]byte, error) {
	payload, logs := r.payloadSize()
	b = rlp.AppendListHeader(b, payload)
	b = rlp.AppendUint64(b, r.Status)
	b = rlp.AppendUint64(b, r.CumulativeGasUsed)
	b = rlp.AppendUint64(b, r.GasUsed)
	b = rlp.AppendString(b, r.Bloom[:])
	b = rlp.AppendListHeader(b, logs)
	for _, l := range r.Logs {
		b = rlp.AppendListHeader(b, logPayloadSize(l))
		b = rlp.AppendString(b, l.Address[:])
		b = rlp.AppendListHeader(b, len(l.Topics)*topicItemSize)
		for i := range l.Topics {
			b = rlp.AppendString(b, l.Topics[i][:])
		}
		b = rlp.AppendString(b, l.Data)
	}
	return b, nil
}

// Encode returns the consensus encoding of r.
func (r *Receipt) Encode() []byte {
	payload, _ := r.payloadSize()
	b, _ := r.AppendBinary(make([]byte, 0, rlp.ListSize(payload)))
	return b
}

// MarshalBinary returns the consensus encoding of r
// (encoding.BinaryMarshaler).
func (r *Receipt) MarshalBinary() ([]byte, error) { return r.Encode(), nil }

// Hash returns the receipt hash, Keccak-256 of the consensus encoding: the
// leaf of the receipts root.
func (r *Receipt) Hash() Hash { return Keccak256(r.Encode()) }

// DecodeReceipt decodes a consensus encoding strictly: canonical RLP, status
// 0 or 1, a bloom of exactly 256 bytes, 20-byte addresses, at most
// MaxLogTopics 32-byte topics per log, nothing after the list. The lookup
// fields are left zero. The result shares no memory with b. It does not check
// that Bloom matches Logs; the validator recomputes receipts instead.
func DecodeReceipt(b []byte) (*Receipt, error) {
	if len(b) > MaxReceiptDecodeSize {
		return nil, fmt.Errorf("receipt of %d bytes: %w", len(b), ErrReceiptTooLarge)
	}
	r, err := decodeReceipt(b)
	if err != nil {
		if !errors.Is(err, ErrMalformed) {
			err = fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		return nil, fmt.Errorf("receipt: %w", err)
	}
	return r, nil
}

func decodeReceipt(b []byte) (*Receipt, error) {
	content, err := rlp.ListContent(b)
	if err != nil {
		return nil, err
	}
	r := new(Receipt)
	it := rlp.NewIter(content)
	r.Status = it.Uint64()
	r.CumulativeGasUsed = it.Uint64()
	r.GasUsed = it.Uint64()
	it.Fixed(r.Bloom[:])
	logs := it.List()
	if err := it.Finish(); err != nil {
		return nil, err
	}
	if r.Status != ReceiptStatusFailed && r.Status != ReceiptStatusSuccessful {
		return nil, fmt.Errorf("status %d: %w", r.Status, ErrBadReceiptStatus)
	}
	for i := 0; logs.More(); i++ {
		l, err := decodeLog(logs.List())
		if err != nil {
			return nil, fmt.Errorf("log %d: %w", i, err)
		}
		r.Logs = append(r.Logs, l)
	}
	if err := logs.Finish(); err != nil {
		return nil, fmt.Errorf("logs: %w", err)
	}
	return r, nil
}

// decodeLog reads [address, [topic, ...], data] from it, which holds the
// log's items (or the error met reading the log's list).
func decodeLog(it rlp.Iter) (*Log, error) {
	l := new(Log)
	it.Fixed(l.Address[:])
	topics := it.List()
	data := it.Bytes()
	if err := it.Finish(); err != nil {
		return nil, err
	}
	for topics.More() {
		if len(l.Topics) == MaxLogTopics {
			return nil, ErrTooManyTopics
		}
		var h Hash
		topics.Fixed(h[:])
		l.Topics = append(l.Topics, h)
	}
	if err := topics.Finish(); err != nil {
		return nil, fmt.Errorf("topics: %w", err)
	}
	if len(data) > 0 {
		l.Data = append([]byte(nil), data...)
	}
	return l, nil
}

// EncodeReceipts returns the RLP list of the consensus encodings of
// receipts, the form a block's receipts are stored in. No receipts encode as
// the empty list.
func EncodeReceipts(receipts []*Receipt) []byte {
	payload := 0
	for _, r := range receipts {
		p, _ := r.payloadSize()
		payload += rlp.ListSize(p)
	}
	b := rlp.AppendListHeader(make([]byte, 0, rlp.ListSize(payload)), payload)
	for _, r := range receipts {
		b, _ = r.AppendBinary(b)
	}
	return b
}

// DecodeReceipts decodes what EncodeReceipts writes, with the rules of
// DecodeReceipt for each receipt and MaxReceiptDecodeSize for the whole list.
// It returns nil for the empty list.
func DecodeReceipts(b []byte) ([]*Receipt, error) {
	if len(b) > MaxReceiptDecodeSize {
		return nil, fmt.Errorf("receipts of %d bytes: %w", len(b), ErrReceiptTooLarge)
	}
	content, err := rlp.ListContent(b)
	if err != nil {
		return nil, fmt.Errorf("%w: receipts: %w", ErrMalformed, err)
	}
	var receipts []*Receipt
	for i := 0; len(content) > 0; i++ {
		_, _, rest, err := rlp.Split(content)
		if err != nil {
			return nil, fmt.Errorf("%w: receipt %d: %w", ErrMalformed, i, err)
		}
		r, err := DecodeReceipt(content[:len(content)-len(rest)])
		if err != nil {
			return nil, fmt.Errorf("receipt %d: %w", i, err)
		}
		receipts = append(receipts, r)
		content = rest
	}
	return receipts, nil
}
