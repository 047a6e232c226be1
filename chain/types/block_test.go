package types

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/quarry-chain/quarry/chain/types/rlp"
)

// blockVectors is testdata/block_vectors.json.
type blockVectors struct {
	Txs map[string]struct {
		Type     TxType `json:"type"`
		Encoding string `json:"encoding"`
		Hash     Hash   `json:"hash"`
	} `json:"txs"`
	Blocks []struct {
		Name     string   `json:"name"`
		Txs      []string `json:"txs"`
		TxRoot   Hash     `json:"txRoot"`
		Header   string   `json:"header"`
		Hash     Hash     `json:"hash"`
		Body     string   `json:"body"`
		Encoding string   `json:"encoding"`
	} `json:"blocks"`
}

func loadBlockVectors(t testing.TB) *blockVectors {
	t.Helper()
	raw, err := os.ReadFile("testdata/block_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v blockVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Blocks) == 0 || len(v.Txs) == 0 {
		t.Fatal("empty block vectors")
	}
	return &v
}

// vectorTx decodes the named transaction of the vectors.
func (v *blockVectors) tx(t testing.TB, name string) *Transaction {
	t.Helper()
	vt, ok := v.Txs[name]
	if !ok {
		t.Fatalf("no vector transaction %q", name)
	}
	tx, err := DecodeTransaction(decodeHexT(t, vt.Encoding))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if tx.Type != vt.Type || tx.Hash() != vt.Hash {
		t.Fatalf("%s: type %v hash %v, want %v %v", name, tx.Type, tx.Hash(), vt.Type, vt.Hash)
	}
	return tx
}

// vectorBlock returns the first vector block, with legacy and typed
// transactions, and its encoding.
func vectorBlock(t testing.TB) (*Block, []byte) {
	t.Helper()
	v := loadBlockVectors(t)
	enc := decodeHexT(t, v.Blocks[0].Encoding)
	b, err := DecodeBlock(enc)
	if err != nil {
		t.Fatal(err)
	}
	return b, enc
}

func TestBlockVectors(t *testing.T) {
	t.Parallel()
	v := loadBlockVectors(t)
	for _, vb := range v.Blocks {
		t.Run(vb.Name, func(t *testing.T) {
			t.Parallel()
			header, err := DecodeHeader(decodeHexT(t, vb.Header))
			if err != nil {
				t.Fatal(err)
			}
			var txs []*Transaction
			for _, name := range vb.Txs {
				txs = append(txs, v.tx(t, name))
			}
			// Encoder: built from parts, independently of DecodeBlock.
			built := &Block{Header: header, Txs: txs}
			want := decodeHexT(t, vb.Encoding)
			if got := built.Encode(); !bytes.Equal(got, want) {
				t.Fatalf("Encode =\n%x\nwant\n%x", got, want)
			}
			if got := built.Size(); got != len(want) {
				t.Fatalf("Size = %d, want %d", got, len(want))
			}
			if got := built.EncodeBody(); !bytes.Equal(got, decodeHexT(t, vb.Body)) {
				t.Fatalf("EncodeBody =\n%x\nwant\n%s", got, vb.Body)
			}
			if got := TxRoot(txs); got != vb.TxRoot || header.TxRoot != vb.TxRoot || built.ComputeTxRoot() != vb.TxRoot {
				t.Fatalf("TxRoot = %v, header %v, want %v", got, header.TxRoot, vb.TxRoot)
			}
			if built.Hash() != vb.Hash {
				t.Fatalf("Hash = %v, want %v", built.Hash(), vb.Hash)
			}

			// Decoder.
			b, err := DecodeBlock(want)
			if err != nil {
				t.Fatal(err)
			}
			if *b.Header != *header || b.Hash() != vb.Hash {
				t.Fatalf("decoded header %+v, want %+v", b.Header, header)
			}
			if len(b.Txs) != len(txs) {
				t.Fatalf("%d transactions, want %d", len(b.Txs), len(txs))
			}
			for i := range txs {
				if b.Txs[i].Hash() != txs[i].Hash() || b.Txs[i].Type != txs[i].Type {
					t.Fatalf("tx %d: %v %v, want %v %v", i, b.Txs[i].Type, b.Txs[i].Hash(), txs[i].Type, txs[i].Hash())
				}
			}
			if !bytes.Equal(b.Encode(), want) {
				t.Fatal("re-encoding differs")
			}
			body, err := DecodeBody(decodeHexT(t, vb.Body))
			if err != nil {
				t.Fatal(err)
			}
			if TxRoot(body) != vb.TxRoot {
				t.Fatal("DecodeBody gives another tx root")
			}
		})
	}
}

func TestBlockVectorHasEveryTxKind(t *testing.T) {
	t.Parallel()
	b, _ := vectorBlock(t)
	kinds := map[TxType]bool{}
	creation := false
	for _, tx := range b.Txs {
		kinds[tx.Type] = true
		creation = creation || tx.IsCreate()
	}
	if !kinds[LegacyTxType] || !kinds[AccessListTxType] || !kinds[DynamicFeeTxType] || !creation {
		t.Fatalf("vector block lacks a transaction kind: %v, creation %v", kinds, creation)
	}
}

func TestDecodeBlockSharesNoMemory(t *testing.T) {
	t.Parallel()
	b, enc := vectorBlock(t)
	want := b.Encode()
	for i := range enc {
		enc[i] = 0xff
	}
	if !bytes.Equal(b.Encode(), want) {
		t.Fatal("decoded block changed with its input buffer")
	}
}

// rawBlock assembles a block encoding from a header item and tx items.
func rawBlock(header []byte, txItems ...[]byte) []byte {
	return rlp.AppendList(nil, append(rlp.AppendString(nil, header), rlp.AppendList(nil, bytes.Join(txItems, nil))...))
}

func TestDecodeBlockErrors(t *testing.T) {
	t.Parallel()
	good, enc := vectorBlock(t)
	hdr := good.Header.Encode()
	legacy := good.Txs[0].Encode()
	typed := good.Txs[1].Encode()
	if good.Txs[0].Type != LegacyTxType || good.Txs[1].Type == LegacyTxType {
		t.Fatal("vector block order changed")
	}
	str := func(b []byte) []byte { return rlp.AppendString(nil, b) }
	list := func(items ...[]byte) []byte { return rlp.AppendList(nil, bytes.Join(items, nil)) }
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	badLegacy := list(legacy[3:10]) // a list, but not a transaction

	if _, err := DecodeBlock(rawBlock(hdr, legacy, str(typed))); err != nil {
		t.Fatalf("control block: %v", err)
	}
	tests := []struct {
		name    string
		b       []byte
		want    error // besides ErrMalformed
		txIndex int   // -1: not a transaction error
	}{
		{"empty", nil, rlp.ErrUnexpectedEnd, -1},
		{"string", str(enc), rlp.ErrExpectedList, -1},
		{"trailing byte", cat(enc, []byte{0x80}), rlp.ErrTrailingBytes, -1},
		{"truncated", enc[:len(enc)-1], rlp.ErrValueTooLarge, -1},
		{"too large", make([]byte, MaxBlockDecodeSize+1), ErrBlockTooLarge, -1},
		{"extra item", list(str(hdr), list(), str(nil)), rlp.ErrTrailingBytes, -1},
		{"missing txs", list(str(hdr)), rlp.ErrUnexpectedEnd, -1},
		{"txs as string", list(str(hdr), str(legacy)), rlp.ErrExpectedList, -1},
		{"header as list", list(list(str(hdr)), list()), rlp.ErrExpectedString, -1},
		{"header 211 bytes", rawBlock(hdr[:211]), nil, -1},
		{"header 213 bytes", rawBlock(cat(hdr, []byte{0})), nil, -1},
		{"header empty", rawBlock(nil), nil, -1},
		{"tx list non-canonical size", list(str(hdr), []byte{0xf8, 0x00}), rlp.ErrNonCanonicalSize, -1},
		{"legacy wrapped in string", rawBlock(hdr, legacy, str(legacy)), ErrTxEnvelope, 1},
		{"empty string tx", rawBlock(hdr, str(nil)), ErrTxEnvelope, 0},
		{"single byte tx", rawBlock(hdr, legacy, []byte{0x02}), nil, 1},
		{"typed tx unwrapped", rawBlock(hdr, typed), nil, 0},
		{"unknown type", rawBlock(hdr, legacy, legacy, str(cat([]byte{0x03}, typed[1:]))), ErrTxTypeNotSupported, 2},
		{"type zero envelope", rawBlock(hdr, str(cat([]byte{0x00}, legacy))), ErrTxTypeNotSupported, 0},
		{"typed trailing byte", rawBlock(hdr, str(cat(typed, []byte{0x80}))), rlp.ErrTrailingBytes, 0},
		{"not a legacy tx", rawBlock(hdr, legacy, legacy, badLegacy), nil, 2},
		{"oversized tx", rawBlock(hdr, str(cat([]byte{0x02}, list(str(make([]byte, MaxTxSize)))))), ErrTxTooLarge, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := DecodeBlock(tc.b)
			if b != nil || !errors.Is(err, ErrMalformed) {
				t.Fatalf("DecodeBlock = %v, %v; want ErrMalformed", b, err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			var txErr *TxError
			switch isTx := errors.As(err, &txErr); {
			case tc.txIndex < 0 && isTx:
				t.Fatalf("error %v names transaction %d", err, txErr.Index)
			case tc.txIndex >= 0 && !isTx:
				t.Fatalf("error %v is not a *TxError", err)
			case tc.txIndex >= 0 && txErr.Index != tc.txIndex:
				t.Fatalf("TxError.Index = %d, want %d (%v)", txErr.Index, tc.txIndex, err)
			}
		})
	}
}

func TestDecodeBody(t *testing.T) {
	t.Parallel()
	b, _ := vectorBlock(t)
	body := b.EncodeBody()
	txs, err := DecodeBody(body)
	if err != nil {
		t.Fatal(err)
	}
	back := &Block{Header: b.Header, Txs: txs}
	if !bytes.Equal(back.Encode(), b.Encode()) {
		t.Fatal("header + decoded body does not re-encode to the block")
	}
	if txs, err := DecodeBody([]byte{rlp.EmptyList}); err != nil || txs != nil {
		t.Fatalf("DecodeBody(empty list) = %v, %v", txs, err)
	}
	bad := []struct {
		name string
		b    []byte
		want error
	}{
		{"trailing", append(append([]byte(nil), body...), 0xc0), rlp.ErrTrailingBytes},
		{"string", rlp.AppendString(nil, body), rlp.ErrExpectedList},
		{"too large", make([]byte, MaxBlockDecodeSize+1), ErrBlockTooLarge},
		{"bad tx", rlp.AppendList(nil, rlp.AppendString(nil, nil)), ErrTxEnvelope},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := DecodeBody(tc.b); !errors.Is(err, ErrMalformed) || !errors.Is(err, tc.want) {
				t.Fatalf("DecodeBody error = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestBlockSize(t *testing.T) {
	t.Parallel()
	b, _ := vectorBlock(t)
	// Grow the block across the RLP list-size boundaries (56 bytes, 256,
	// 65536) and check Size against the real encoding every time.
	for n := 0; n <= 700; n += 7 {
		txs := make([]*Transaction, 0, n)
		for i := range n {
			txs = append(txs, b.Txs[i%len(b.Txs)])
		}
		blk := &Block{Header: b.Header, Txs: txs}
		enc := blk.Encode()
		if blk.Size() != len(enc) {
			t.Fatalf("%d txs: Size = %d, encoding %d bytes", n, blk.Size(), len(enc))
		}
		back, err := DecodeBlock(enc)
		if err != nil {
			t.Fatalf("%d txs: %v", n, err)
		}
		if len(back.Txs) != n {
			t.Fatalf("%d txs decoded, want %d", len(back.Txs), n)
		}
	}
}

func TestBlockAccessors(t *testing.T) {
	t.Parallel()
	b, _ := vectorBlock(t)
	if b.Height() != 42 || b.ParentHash() != b.Header.ParentHash || b.Hash() != b.Header.Hash() {
		t.Fatalf("accessors disagree with the header: %d %v %v", b.Height(), b.ParentHash(), b.Hash())
	}
	if m, _ := b.MarshalBinary(); !bytes.Equal(m, b.Encode()) {
		t.Fatal("MarshalBinary differs from Encode")
	}
	if a, _ := b.AppendBinary([]byte{7}); a[0] != 7 || !bytes.Equal(a[1:], b.Encode()) {
		t.Fatal("AppendBinary differs from Encode")
	}
	if rlp.HeaderSize(HeaderSize)+HeaderSize != headerItemSize {
		t.Fatalf("headerItemSize = %d, want %d", headerItemSize, rlp.HeaderSize(HeaderSize)+HeaderSize)
	}
}

func TestTxErrorMessage(t *testing.T) {
	t.Parallel()
	err := &TxError{Index: 3, Err: ErrTxEnvelope}
	if !errors.Is(err, ErrMalformed) || !errors.Is(err, ErrTxEnvelope) {
		t.Fatal("TxError does not unwrap")
	}
	if got := err.Error(); got != "transaction 3: "+ErrTxEnvelope.Error() {
		t.Fatalf("Error() = %q", got)
	}
}

func FuzzDecodeBlock(f *testing.F) {
	v := loadBlockVectors(f)
	for _, vb := range v.Blocks {
		f.Add(decodeHexT(f, vb.Encoding))
	}
	f.Add([]byte{0xc0})
	f.Add(rawBlock(make([]byte, HeaderSize)))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := DecodeBlock(data)
		if err != nil {
			if b != nil || !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v without ErrMalformed, or with a block", err)
			}
			return
		}
		enc := b.Encode()
		if !bytes.Equal(enc, data) {
			t.Fatalf("accepted a non-canonical encoding:\n%x\nre-encodes as\n%x", data, enc)
		}
		if b.Size() != len(data) {
			t.Fatalf("Size = %d, encoding %d bytes", b.Size(), len(data))
		}
		txs, err := DecodeBody(b.EncodeBody())
		if err != nil || len(txs) != len(b.Txs) || TxRoot(txs) != TxRoot(b.Txs) {
			t.Fatalf("body round trip: %v", err)
		}
	})
}

func FuzzDecodeBlockBody(f *testing.F) {
	v := loadBlockVectors(f)
	for _, vb := range v.Blocks {
		f.Add(decodeHexT(f, vb.Body))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		txs, err := DecodeBody(data)
		if err != nil {
			if txs != nil || !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v without ErrMalformed, or with transactions", err)
			}
			return
		}
		b := &Block{Header: &Header{}, Txs: txs}
		if enc := b.EncodeBody(); !bytes.Equal(enc, data) {
			t.Fatalf("accepted a non-canonical body:\n%x\nre-encodes as\n%x", data, enc)
		}
	})
}

// benchBlock returns a block of n transactions cycled from the vector block.
func benchBlock(b *testing.B, n int) *Block {
	v, _ := vectorBlock(b)
	txs := make([]*Transaction, n)
	for i := range txs {
		txs[i] = v.Txs[i%len(v.Txs)]
	}
	return &Block{Header: v.Header, Txs: txs}
}

func BenchmarkDecodeBlock1000(b *testing.B) {
	enc := benchBlock(b, 1000).Encode()
	b.SetBytes(int64(len(enc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeBlock(enc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeBlock1000(b *testing.B) {
	blk := benchBlock(b, 1000)
	b.SetBytes(int64(blk.Size()))
	b.ReportAllocs()
	for b.Loop() {
		blk.Encode()
	}
}

func BenchmarkTxRoot1000(b *testing.B) {
	blk := benchBlock(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		TxRoot(blk.Txs)
	}
}
