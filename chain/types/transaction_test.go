package types

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types/rlp"
)

// sampleTxs returns signed transactions covering every type and field shape:
// creation, calldata, access lists with and without keys, large values.
func sampleTxs(t testing.TB) []*Transaction {
	t.Helper()
	key := mustKey(t, strings.Repeat("46", 32))
	to := Address{0x35, 0x35}
	big := new(uint256.Int).SetAllOne()
	al := AccessList{
		{Address: Address{1}, StorageKeys: []Hash{{1}, {2}}},
		{Address: Address{2}},
	}
	txs := []*Transaction{
		{Type: LegacyTxType, Nonce: 0, Gas: 21000, To: &to},
		{Type: LegacyTxType, Nonce: 1 << 40, Gas: 3_000_000, Data: bytes.Repeat([]byte{0x60, 0}, 40)}, // creation
		{Type: AccessListTxType, ChainID: 1, Nonce: 7, Gas: 60000, To: &to, AccessList: al, Data: []byte{0}},
		{Type: AccessListTxType, ChainID: 1, Nonce: 7, Gas: 60000, To: &to},
		{Type: DynamicFeeTxType, ChainID: 1, Nonce: 9, Gas: 90000, To: &to, AccessList: al, Data: make([]byte, 300)},
		{Type: DynamicFeeTxType, ChainID: 1, Gas: 100000}, // creation, empty data
	}
	txs[0].GasPrice.SetUint64(1)
	txs[1].GasPrice.SetUint64(0x7f)
	txs[1].Value = *big
	txs[2].GasPrice.SetUint64(0x80)
	txs[4].GasTipCap.SetUint64(2e9)
	txs[4].GasFeeCap = *big
	txs[4].Value.SetUint64(1)
	out := make([]*Transaction, len(txs))
	for i, tx := range txs {
		signed, err := NewSigner(1).SignTx(tx, key)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = signed
	}
	return out
}

func TestTxRoundTrip(t *testing.T) {
	t.Parallel()
	for i, tx := range sampleTxs(t) {
		enc := tx.Encode()
		if tx.Type == LegacyTxType && enc[0] < rlp.EmptyList || tx.Type != LegacyTxType && enc[0] != byte(tx.Type) {
			t.Errorf("tx %d: encoding starts %#x for %v", i, enc[0], tx.Type)
		}
		dec, err := DecodeTransaction(enc)
		if err != nil {
			t.Fatalf("tx %d: decode: %v", i, err)
		}
		if got := dec.encode(); !bytes.Equal(got, enc) {
			t.Errorf("tx %d: re-encode\n%x\nwant\n%x", i, got, enc)
		}
		if dec.Hash() != tx.Hash() || dec.Hash() != Keccak256(enc) || dec.Size() != len(enc) {
			t.Errorf("tx %d: hash or size differ", i)
		}
		// Field by field, via a fresh unsigned copy of each.
		a, b := tx.unsignedCopy(), dec.unsignedCopy()
		if !bytes.Equal(a.appendEncoding(nil, false, 1), b.appendEncoding(nil, false, 1)) ||
			!dec.V.Eq(&tx.V) || !dec.R.Eq(&tx.R) || !dec.S.Eq(&tx.S) || dec.ChainID != 1 {
			t.Errorf("tx %d: decoded fields differ", i)
		}
		if (tx.To == nil) != (dec.To == nil) || len(dec.AccessList) != len(tx.AccessList) ||
			dec.AccessList.StorageKeys() != tx.AccessList.StorageKeys() || !bytes.Equal(dec.Data, tx.Data) {
			t.Errorf("tx %d: decoded to/data/access list differ", i)
		}
		if _, err := NewSigner(1).Sender(dec); err != nil {
			t.Errorf("tx %d: Sender: %v", i, err)
		}
		m, _ := tx.MarshalBinary()
		ap, _ := tx.AppendBinary([]byte{0xee})
		if !bytes.Equal(m, enc) || !bytes.Equal(ap[1:], enc) || ap[0] != 0xee {
			t.Errorf("tx %d: MarshalBinary/AppendBinary disagree with Encode", i)
		}
	}
}

// TestDecodeOwnsInput checks that a decoded transaction does not alias the
// caller's buffer, and that Encode returns a copy the caller may modify.
func TestDecodeOwnsInput(t *testing.T) {
	t.Parallel()
	tx := sampleTxs(t)[4]
	enc := tx.Encode()
	dec, err := DecodeTransaction(enc)
	if err != nil {
		t.Fatal(err)
	}
	h := dec.Hash()
	for i := range enc {
		enc[i] = 0xff
	}
	out := dec.Encode()
	out[len(out)-1] ^= 1
	if dec.Hash() != h || !bytes.Equal(dec.encode(), dec.Encode()) || Keccak256(dec.Encode()) != h {
		t.Error("decoded transaction changed with its input or output buffer")
	}
	// Appending to Data must not write into the cached encoding.
	_ = append(dec.Data, 1, 2, 3)
	if Keccak256(dec.Encode()) != h {
		t.Error("append to Data corrupted the cached encoding")
	}
}

func TestTxConcurrentHash(t *testing.T) {
	t.Parallel()
	tx := sampleTxs(t)[2].unsignedCopy() // no caches
	want := Keccak256(tx.encode())
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if tx.Hash() != want || tx.Size() != len(tx.encode()) {
				t.Error("concurrent Hash/Size wrong")
			}
		}()
	}
	wg.Wait()
}

// items splits a transaction encoding into its type prefix and the raw
// encodings of its list items.
func items(t *testing.T, enc []byte) (prefix []byte, fields [][]byte) {
	t.Helper()
	if enc[0] < rlp.EmptyString {
		prefix, enc = enc[:1], enc[1:]
	}
	content, err := rlp.ListContent(enc)
	if err != nil {
		t.Fatal(err)
	}
	it := rlp.NewIter(content)
	for it.More() {
		fields = append(fields, it.Raw())
	}
	if err := it.Finish(); err != nil {
		t.Fatal(err)
	}
	return prefix, fields
}

// build encodes prefix || rlp(list of fields).
func build(prefix []byte, fields [][]byte) []byte {
	return append(append([]byte(nil), prefix...), rlp.AppendList(nil, bytes.Join(fields, nil))...)
}

// replace returns a copy of fields with field i set to item.
func replace(fields [][]byte, i int, item []byte) [][]byte {
	out := append([][]byte(nil), fields...)
	out[i] = item
	return out
}

func hexb(t *testing.T, s string) []byte { t.Helper(); return unhex(t, s) }

func TestDecodeTransactionRejections(t *testing.T) {
	t.Parallel()
	txs := sampleTxs(t)
	legacyEnc, typedEnc := txs[0].Encode(), txs[4].Encode()
	lp, lf := items(t, legacyEnc)
	tp, tf := items(t, typedEnc)
	str := func(b []byte) []byte { return rlp.AppendString(nil, b) }
	al := func(tuples ...[]byte) []byte { return rlp.AppendList(nil, bytes.Join(tuples, nil)) }
	tuple := func(addr []byte, keys ...[]byte) []byte {
		return rlp.AppendList(nil, append(str(addr), rlp.AppendList(nil, bytes.Join(keys, nil))...))
	}
	nonCanonicalHeader := append([]byte{0xf9, 0x00, byte(len(legacyEnc) - 2)}, legacyEnc[2:]...) // f8xx -> f900xx

	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, rlp.ErrUnexpectedEnd},
		{"too large", append([]byte{0xf9}, make([]byte, MaxTxSize)...), ErrTxTooLarge},
		{"type 0 prefix", append([]byte{0}, legacyEnc...), ErrTxTypeNotSupported},
		{"type 3 (blob)", append([]byte{3}, typedEnc[1:]...), ErrTxTypeNotSupported},
		{"type 0x7f", append([]byte{0x7f}, typedEnc[1:]...), ErrTxTypeNotSupported},
		{"rlp string", str([]byte("not a tx")), rlp.ErrExpectedList},
		{"type byte only", []byte{2}, rlp.ErrUnexpectedEnd},
		{"typed payload is a string", append([]byte{2}, str([]byte("x"))...), rlp.ErrExpectedList},
		{"legacy trailing byte", append(append([]byte(nil), legacyEnc...), 0), rlp.ErrTrailingBytes},
		{"typed trailing byte", append(append([]byte(nil), typedEnc...), 0x80), rlp.ErrTrailingBytes},
		{"legacy truncated", legacyEnc[:len(legacyEnc)-1], rlp.ErrValueTooLarge},
		{"legacy non-canonical list size", nonCanonicalHeader, rlp.ErrNonCanonicalSize},
		{"legacy 8 fields", build(lp, lf[:8]), rlp.ErrUnexpectedEnd},
		{"legacy 10 fields", build(lp, append(lf, []byte{0x80})), rlp.ErrTrailingBytes},
		{"typed 10 fields", build(tp, tf[:10]), rlp.ErrUnexpectedEnd},
		{"typed 12 fields", build(tp, append(tf, []byte{0x80})), rlp.ErrTrailingBytes},
		{"nonce leading zero", build(lp, replace(lf, 0, hexb(t, "820001"))), rlp.ErrNonCanonicalInteger},
		{"nonce zero as 0x00", build(lp, replace(lf, 0, hexb(t, "00"))), rlp.ErrNonCanonicalInteger},
		{"nonce over 64 bits", build(lp, replace(lf, 0, hexb(t, "89010000000000000000"))), rlp.ErrUint64Overflow},
		{"gas over 64 bits", build(lp, replace(lf, 2, hexb(t, "89010000000000000000"))), rlp.ErrUint64Overflow},
		{"chain id over 64 bits", build(tp, replace(tf, 0, hexb(t, "89010000000000000000"))), rlp.ErrUint64Overflow},
		{"gas price leading zero", build(lp, replace(lf, 1, hexb(t, "820001"))), rlp.ErrNonCanonicalInteger},
		{"value over 256 bits", build(lp, replace(lf, 4, append([]byte{0xa1, 1}, make([]byte, 32)...))), rlp.ErrUint256Overflow},
		{"fee cap over 256 bits", build(tp, replace(tf, 3, append([]byte{0xa1, 1}, make([]byte, 32)...))), rlp.ErrUint256Overflow},
		{"r leading zero", build(lp, replace(lf, 7, append([]byte{0xa0, 0}, bytes.Repeat([]byte{1}, 31)...))), rlp.ErrNonCanonicalInteger},
		{"to 19 bytes", build(lp, replace(lf, 3, str(make([]byte, 19)))), rlp.ErrWrongSize},
		{"to 21 bytes", build(lp, replace(lf, 3, str(make([]byte, 21)))), rlp.ErrWrongSize},
		{"to is a list", build(lp, replace(lf, 3, []byte{0xc0})), rlp.ErrExpectedString},
		{"data is a list", build(lp, replace(lf, 5, []byte{0xc0})), rlp.ErrExpectedString},
		{"single byte data with header", build(lp, replace(lf, 5, []byte{0x81, 0x05})), rlp.ErrNonCanonicalSize},
		{"access list is a string", build(tp, replace(tf, 8, []byte{0x80})), rlp.ErrExpectedList},
		{"access tuple is a string", build(tp, replace(tf, 8, al([]byte{0x80}))), rlp.ErrExpectedList},
		{"access address 19 bytes", build(tp, replace(tf, 8, al(tuple(make([]byte, 19))))), rlp.ErrWrongSize},
		{"storage key 31 bytes", build(tp, replace(tf, 8, al(tuple(make([]byte, 20), str(make([]byte, 31)))))), rlp.ErrWrongSize},
		{"storage keys not a list", build(tp, replace(tf, 8, al(rlp.AppendList(nil, append(str(make([]byte, 20)), 0x80))))), rlp.ErrExpectedList},
		{"access tuple 3 items", build(tp, replace(tf, 8, al(rlp.AppendList(nil, append(append(str(make([]byte, 20)), 0xc0), 0x80))))), rlp.ErrTrailingBytes},
		{"access tuple 1 item", build(tp, replace(tf, 8, al(rlp.AppendList(nil, str(make([]byte, 20)))))), rlp.ErrUnexpectedEnd},
		{"y-parity is a list", build(tp, replace(tf, 9, []byte{0xc0})), rlp.ErrExpectedString},
	}
	kinds := []error{ErrTxTooLarge, ErrTxTypeNotSupported, rlp.ErrUnexpectedEnd, rlp.ErrValueTooLarge,
		rlp.ErrNonCanonicalSize, rlp.ErrNonCanonicalInteger, rlp.ErrExpectedString, rlp.ErrExpectedList,
		rlp.ErrTrailingBytes, rlp.ErrUint64Overflow, rlp.ErrUint256Overflow, rlp.ErrWrongSize}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tx, err := DecodeTransaction(tc.in)
			if tx != nil || !errors.Is(err, tc.want) {
				t.Fatalf("DecodeTransaction = %v, %v; want error %v", tx, err, tc.want)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("error %v does not wrap ErrMalformed", err)
			}
			for _, k := range kinds {
				if k != tc.want && errors.Is(err, k) {
					t.Errorf("error %v also matches %v", err, k)
				}
			}
		})
	}
}

// TestMaxTxSize: a transaction of exactly MaxTxSize bytes decodes, one byte
// more is ErrTxTooLarge.
func TestMaxTxSize(t *testing.T) {
	t.Parallel()
	tx := &Transaction{Type: DynamicFeeTxType, ChainID: 1, Gas: 1 << 30, Data: make([]byte, MaxTxSize-100)}
	for tx.Size() < MaxTxSize {
		tx = tx.unsignedCopy() // drops the cached encoding
		tx.Data = append(tx.Data, 1)
	}
	if tx.Size() != MaxTxSize {
		t.Fatalf("cannot build a transaction of exactly %d bytes (have %d)", MaxTxSize, tx.Size())
	}
	if _, err := DecodeTransaction(tx.Encode()); err != nil {
		t.Errorf("decode at the limit: %v", err)
	}
	tx = tx.unsignedCopy()
	tx.Data = append(tx.Data, 1)
	if _, err := DecodeTransaction(tx.Encode()); !errors.Is(err, ErrTxTooLarge) {
		t.Errorf("decode one byte over the limit: %v, want ErrTxTooLarge", err)
	}
}

// TestLegacyChainID checks the chain id a legacy V encodes.
func TestLegacyChainID(t *testing.T) {
	t.Parallel()
	huge := new(uint256.Int).Lsh(uint256.NewInt(1), 70)
	tests := []struct {
		v    *uint256.Int
		want uint64
	}{
		{uint256.NewInt(0), 0},
		{uint256.NewInt(27), 0},
		{uint256.NewInt(34), 0},
		{uint256.NewInt(35), 0},
		{uint256.NewInt(37), 1},
		{uint256.NewInt(38), 1},
		{uint256.NewInt(2*1337 + 36), 1337},
		{huge, 0},
	}
	for _, tc := range tests {
		if got := legacyChainID(tc.v); got != tc.want {
			t.Errorf("legacyChainID(%v) = %d, want %d", tc.v, got, tc.want)
		}
	}
}

func TestTxTypeString(t *testing.T) {
	t.Parallel()
	for typ, want := range map[TxType]string{0: "legacy", 1: "access-list", 2: "dynamic-fee", 9: "TxType(9)"} {
		if got := typ.String(); got != want {
			t.Errorf("%d: %q, want %q", uint8(typ), got, want)
		}
	}
}

func TestTxErrorsDistinct(t *testing.T) {
	t.Parallel()
	all := []error{ErrTxTypeNotSupported, ErrTxTooLarge, ErrInvalidChainID, ErrInvalidSig,
		ErrUnprotectedTx, ErrGasUintOverflow, ErrCostOverflow, ErrMalformed}
	for i, a := range all {
		for j, b := range all {
			if (i == j) != errors.Is(a, b) {
				t.Errorf("errors.Is(%v, %v) = %v", a, b, i != j)
			}
		}
	}
}
