package types

import (
	"fmt"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types/rlp"
)

// Field layouts (EIP-155, EIP-2930, EIP-1559, EIP-2718):
//
//	legacy  rlp([nonce, gasPrice, gas, to, value, data, v, r, s])
//	type 1  0x01 || rlp([chainId, nonce, gasPrice, gas, to, value, data, accessList, yParity, r, s])
//	type 2  0x02 || rlp([chainId, nonce, tipCap, feeCap, gas, to, value, data, accessList, yParity, r, s])
//
// The signing payloads replace the signature: a legacy transaction signs
// [..., data, chainId, 0, 0] (EIP-155); a typed one signs its type byte and
// the list without yParity, r and s.

// encode computes the canonical encoding of tx, ignoring the cache.
func (tx *Transaction) encode() []byte {
	return tx.appendEncoding(nil, true, tx.ChainID)
}

// appendEncoding appends the signed encoding (sig true) or the signing
// payload (sig false) of tx under chainID, in one exactly sized allocation
// when dst has no room.
func (tx *Transaction) appendEncoding(dst []byte, sig bool, chainID uint64) []byte {
	payload := tx.fieldsSize(sig, chainID)
	size := rlp.ListSize(payload)
	if tx.Type != LegacyTxType {
		size++
	}
	if cap(dst)-len(dst) < size {
		dst = append(make([]byte, 0, len(dst)+size), dst...)
	}
	if tx.Type != LegacyTxType {
		dst = append(dst, byte(tx.Type))
	}
	dst = rlp.AppendListHeader(dst, payload)
	return tx.appendFields(dst, sig, chainID)
}

// fieldsSize returns the size of the list payload appendFields writes.
func (tx *Transaction) fieldsSize(sig bool, chainID uint64) int {
	n := rlp.Uint64Size(tx.Nonce) + rlp.Uint64Size(tx.Gas) +
		rlp.Uint256Size(&tx.Value) + rlp.StringSize(tx.Data)
	if tx.To != nil {
		n += 1 + AddressLength
	} else {
		n++ // empty string
	}
	if tx.Type == DynamicFeeTxType {
		n += rlp.Uint256Size(&tx.GasTipCap) + rlp.Uint256Size(&tx.GasFeeCap)
	} else {
		n += rlp.Uint256Size(&tx.GasPrice)
	}
	if tx.Type != LegacyTxType {
		n += rlp.Uint64Size(chainID) + rlp.ListSize(accessListSize(tx.AccessList))
	}
	switch {
	case sig:
		n += rlp.Uint256Size(&tx.V) + rlp.Uint256Size(&tx.R) + rlp.Uint256Size(&tx.S)
	case tx.Type == LegacyTxType:
		n += rlp.Uint64Size(chainID) + 2 // chainId, 0, 0
	}
	return n
}

// appendFields appends the list items of tx in its type's order.
func (tx *Transaction) appendFields(b []byte, sig bool, chainID uint64) []byte {
	if tx.Type != LegacyTxType {
		b = rlp.AppendUint64(b, chainID)
	}
	b = rlp.AppendUint64(b, tx.Nonce)
	if tx.Type == DynamicFeeTxType {
		b = rlp.AppendUint256(b, &tx.GasTipCap)
		b = rlp.AppendUint256(b, &tx.GasFeeCap)
	} else {
		b = rlp.AppendUint256(b, &tx.GasPrice)
	}
	b = rlp.AppendUint64(b, tx.Gas)
	if tx.To != nil {
		b = rlp.AppendString(b, tx.To[:])
	} else {
		b = append(b, rlp.EmptyString)
	}
	b = rlp.AppendUint256(b, &tx.Value)
	b = rlp.AppendString(b, tx.Data)
	if tx.Type != LegacyTxType {
		b = appendAccessList(b, tx.AccessList)
	}
	switch {
	case sig:
		b = rlp.AppendUint256(b, &tx.V)
		b = rlp.AppendUint256(b, &tx.R)
		b = rlp.AppendUint256(b, &tx.S)
	case tx.Type == LegacyTxType:
		b = rlp.AppendUint64(b, chainID)
		b = append(b, rlp.EmptyString, rlp.EmptyString)
	}
	return b
}

// accessTupleSize returns the payload size of one access tuple's list.
func accessTupleSize(t *AccessTuple) int {
	return 1 + AddressLength + rlp.ListSize(len(t.StorageKeys)*(1+HashLength))
}

// accessListSize returns the payload size of the access list's list.
func accessListSize(al AccessList) int {
	n := 0
	for i := range al {
		n += rlp.ListSize(accessTupleSize(&al[i]))
	}
	return n
}

// appendAccessList appends al as [[address, [key, ...]], ...].
func appendAccessList(b []byte, al AccessList) []byte {
	b = rlp.AppendListHeader(b, accessListSize(al))
	for i := range al {
		t := &al[i]
		b = rlp.AppendListHeader(b, accessTupleSize(t))
		b = rlp.AppendString(b, t.Address[:])
		b = rlp.AppendListHeader(b, len(t.StorageKeys)*(1+HashLength))
		for j := range t.StorageKeys {
			b = rlp.AppendString(b, t.StorageKeys[j][:])
		}
	}
	return b
}

// DecodeTransaction decodes a transaction from its canonical encoding (see
// Encode): an RLP list for a legacy transaction, a type byte of 1 or 2
// followed by an RLP list for a typed one. It rejects encodings longer than
// MaxTxSize, other types (ErrTxTypeNotSupported), non-canonical RLP and
// trailing bytes, so a decoded transaction re-encodes to exactly b. It does
// not check the signature; Signer.Sender does.
//
// The transaction keeps its own copy of b; the caller may reuse b.
func DecodeTransaction(b []byte) (*Transaction, error) {
	if len(b) > MaxTxSize {
		return nil, fmt.Errorf("%w: %w: %d bytes, limit %d", ErrMalformed, ErrTxTooLarge, len(b), MaxTxSize)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: transaction: %w", ErrMalformed, rlp.ErrUnexpectedEnd)
	}
	tx := new(Transaction)
	// One copy of the input serves as the cached encoding and backs Data.
	enc := append(make([]byte, 0, len(b)), b...)
	var body []byte
	switch first := enc[0]; {
	case first >= rlp.EmptyList:
		tx.Type, body = LegacyTxType, enc
	case first >= rlp.EmptyString:
		// An RLP string is neither a legacy list nor a type byte.
		return nil, fmt.Errorf("%w: transaction: %w", ErrMalformed, rlp.ErrExpectedList)
	case first == byte(AccessListTxType) || first == byte(DynamicFeeTxType):
		tx.Type, body = TxType(first), enc[1:]
	default:
		return nil, fmt.Errorf("%w: %w: type %d", ErrMalformed, ErrTxTypeNotSupported, first)
	}
	content, err := rlp.ListContent(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %v transaction: %w", ErrMalformed, tx.Type, err)
	}
	if err := tx.decodeFields(content); err != nil {
		return nil, fmt.Errorf("%w: %v transaction: %w", ErrMalformed, tx.Type, err)
	}
	tx.cache.enc.Store(&enc)
	return tx, nil
}

// decodeFields reads the list items of tx's type from content.
func (tx *Transaction) decodeFields(content []byte) error {
	it := rlp.NewIter(content)
	if tx.Type != LegacyTxType {
		tx.ChainID = it.Uint64()
	}
	tx.Nonce = it.Uint64()
	if tx.Type == DynamicFeeTxType {
		it.Uint256(&tx.GasTipCap)
		it.Uint256(&tx.GasFeeCap)
	} else {
		it.Uint256(&tx.GasPrice)
	}
	tx.Gas = it.Uint64()
	if to := it.Bytes(); len(to) == AddressLength {
		tx.To = new(Address)
		copy(tx.To[:], to)
	} else if len(to) != 0 {
		return fmt.Errorf("to: %w: %d bytes", rlp.ErrWrongSize, len(to))
	}
	it.Uint256(&tx.Value)
	if data := it.Bytes(); len(data) > 0 {
		tx.Data = data[:len(data):len(data)] // no appending into the encoding
	}
	if tx.Type != LegacyTxType {
		inner := it.List()
		al, err := decodeAccessList(&inner)
		if err != nil {
			return fmt.Errorf("access list: %w", err)
		}
		tx.AccessList = al
	}
	it.Uint256(&tx.V)
	it.Uint256(&tx.R)
	it.Uint256(&tx.S)
	if err := it.Finish(); err != nil {
		return err
	}
	if tx.Type == LegacyTxType {
		tx.ChainID = legacyChainID(&tx.V)
	}
	return nil
}

// decodeAccessList reads [[address, [key, ...]], ...] from it.
func decodeAccessList(it *rlp.Iter) (AccessList, error) {
	var al AccessList
	for it.More() {
		tuple := it.List()
		var t AccessTuple
		tuple.Fixed(t.Address[:])
		keys := tuple.List()
		for keys.More() {
			var h Hash
			keys.Fixed(h[:])
			t.StorageKeys = append(t.StorageKeys, h)
		}
		if err := keys.Finish(); err != nil {
			return nil, fmt.Errorf("tuple %d: storage keys: %w", len(al), err)
		}
		if err := tuple.Finish(); err != nil {
			return nil, fmt.Errorf("tuple %d: %w", len(al), err)
		}
		al = append(al, t)
	}
	return al, it.Finish()
}

// legacyChainID returns the chain id an EIP-155 V value (chainID*2+35 or
// chainID*2+36) encodes, or 0 when v is below 35 (unprotected or unsigned)
// or encodes a chain id beyond 64 bits.
func legacyChainID(v *uint256.Int) uint64 {
	if v.LtUint64(35) {
		return 0
	}
	var id uint256.Int
	id.SubUint64(v, 35)
	id.Rsh(&id, 1)
	if !id.IsUint64() {
		return 0
	}
	return id.Uint64()
}
