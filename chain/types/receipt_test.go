package types

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types/rlp"
)

// testReceipts returns receipts covering the encoding's size boundaries:
// no logs, logs with 0 to 4 topics, empty, short and long data.
func testReceipts() []*Receipt {
	transfer := Keccak256([]byte("Transfer(address,address,uint256)"))
	logs := []*Log{
		{Address: Address{0x11}},
		{Address: Address{0x22}, Topics: []Hash{transfer}, Data: []byte{0x01}},
		{Address: Address{0x33}, Topics: []Hash{transfer, {1}, {2}}, Data: bytes.Repeat([]byte{0xaa}, 64)},
		{Address: Address{0x44}, Topics: []Hash{{1}, {2}, {3}, {4}}, Data: bytes.Repeat([]byte{0x7f}, 1000)},
	}
	rs := []*Receipt{
		{Status: ReceiptStatusSuccessful, CumulativeGasUsed: 21000, GasUsed: 21000},
		{Status: ReceiptStatusFailed, CumulativeGasUsed: 42000, GasUsed: 21000},
		{Status: ReceiptStatusSuccessful, CumulativeGasUsed: 100000, GasUsed: 58000, Logs: logs[:2]},
		{Status: ReceiptStatusSuccessful, CumulativeGasUsed: 1 << 40, GasUsed: ^uint64(0), Logs: logs},
	}
	for _, r := range rs {
		r.Bloom = BloomFromLogs(r.Logs)
	}
	return rs
}

func TestReceiptEncodingByHand(t *testing.T) {
	t.Parallel()
	zeros := strings.Repeat("00", BloomByteLength)
	addr := strings.Repeat("11", AddressLength)
	topic := strings.Repeat("ab", HashLength)
	tests := []struct {
		name string
		r    *Receipt
		want string
	}{
		{
			// payload: 01 | 82 5208 | 82 5208 | b9 0100 <256> | c0 = 267 = 0x10b
			name: "transfer",
			r:    &Receipt{Status: 1, CumulativeGasUsed: 21000, GasUsed: 21000},
			want: "f9010b" + "01" + "825208" + "825208" + "b90100" + zeros + "c0",
		},
		{
			// zero is the empty string 80; 0x7f is its own byte.
			name: "failed",
			r:    &Receipt{Status: 0, CumulativeGasUsed: 0x7f, GasUsed: 0},
			want: "f90107" + "80" + "7f" + "80" + "b90100" + zeros + "c0",
		},
		{
			// One log: 94 <addr> (21) | e1 a0 <topic> (34) | 01 (1) = 56,
			// one past the short-list limit, so the log takes f8 38.
			// Logs list: 58 bytes, f8 3a. Receipt payload: 1+1+1+259+60 = 322.
			name: "one log",
			r: &Receipt{Status: 1, CumulativeGasUsed: 1, GasUsed: 1, Logs: []*Log{
				{Address: BytesToAddress(decodeHexT(t, addr)), Topics: []Hash{BytesToHash(decodeHexT(t, topic))}, Data: []byte{1}},
			}},
			want: "f90142" + "01" + "01" + "01" + "b90100" + zeros +
				"f83a" + "f838" + "94" + addr + "e1" + "a0" + topic + "01",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := hex.EncodeToString(tc.r.Encode())
			if got != tc.want {
				t.Fatalf("Encode =\n%s\nwant\n%s", got, tc.want)
			}
			if want := Keccak256(decodeHexT(t, tc.want)); tc.r.Hash() != want {
				t.Fatalf("Hash = %v, want %v", tc.r.Hash(), want)
			}
			back, err := DecodeReceipt(decodeHexT(t, tc.want))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, tc.r) {
				t.Fatalf("DecodeReceipt = %+v, want %+v", back, tc.r)
			}
		})
	}
}

func TestReceiptRoundTrip(t *testing.T) {
	t.Parallel()
	for i, r := range testReceipts() {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			enc := r.Encode()
			if m, _ := r.MarshalBinary(); !bytes.Equal(m, enc) {
				t.Fatal("MarshalBinary differs from Encode")
			}
			if a, _ := r.AppendBinary([]byte{0xee}); !bytes.Equal(a[1:], enc) || a[0] != 0xee {
				t.Fatal("AppendBinary differs from Encode")
			}
			back, err := DecodeReceipt(enc)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, r) {
				t.Fatalf("round trip = %+v, want %+v", back, r)
			}
			if !bytes.Equal(back.Encode(), enc) {
				t.Fatal("re-encoding differs")
			}
			// The decoded receipt owns its memory.
			if len(back.Logs) > 0 && len(back.Logs[len(back.Logs)-1].Data) > 0 {
				for j := range enc {
					enc[j] = 0
				}
				if !bytes.Equal(back.Encode(), r.Encode()) {
					t.Fatal("decoded receipt aliases its input")
				}
			}
		})
	}
}

func TestReceiptLookupFieldsNotEncoded(t *testing.T) {
	t.Parallel()
	r := testReceipts()[2]
	before, hash := r.Encode(), r.Hash()
	to := Address{9}
	r.TxHash, r.BlockHash = Hash{1}, Hash{2}
	r.ContractAddress, r.To, r.From = &to, &to, Address{3}
	r.BlockNumber, r.TxIndex = 7, 3
	r.EffectiveGasPrice = *uint256.NewInt(1e9)
	if !bytes.Equal(r.Encode(), before) || r.Hash() != hash {
		t.Fatal("lookup fields changed the consensus encoding")
	}
}

// receiptBytes builds a receipt encoding from raw item encodings, so tests
// can put malformed items where the encoder never would.
func receiptBytes(items ...[]byte) []byte {
	return rlp.AppendList(nil, bytes.Join(items, nil))
}

func logBytes(items ...[]byte) []byte { return rlp.AppendList(nil, bytes.Join(items, nil)) }

func TestDecodeReceiptErrors(t *testing.T) {
	t.Parallel()
	u := func(v uint64) []byte { return rlp.AppendUint64(nil, v) }
	s := func(b []byte) []byte { return rlp.AppendString(nil, b) }
	list := func(items ...[]byte) []byte { return rlp.AppendList(nil, bytes.Join(items, nil)) }
	bloom := s(make([]byte, BloomByteLength))
	addr := s(make([]byte, AddressLength))
	topic := s(make([]byte, HashLength))
	goodLog := logBytes(addr, list(topic), s([]byte{1}))
	good := receiptBytes(u(1), u(21000), u(21000), bloom, list(goodLog))
	if _, err := DecodeReceipt(good); err != nil {
		t.Fatalf("control receipt: %v", err)
	}
	tests := []struct {
		name string
		b    []byte
		want error // besides ErrMalformed
	}{
		{"empty", nil, rlp.ErrUnexpectedEnd},
		{"string", s([]byte("receipt")), rlp.ErrExpectedList},
		{"trailing byte", append(append([]byte(nil), good...), 0x80), rlp.ErrTrailingBytes},
		{"truncated", good[:len(good)-1], rlp.ErrValueTooLarge},
		{"status 2", receiptBytes(u(2), u(1), u(1), bloom, list()), ErrBadReceiptStatus},
		{"status huge", receiptBytes(u(1<<40), u(1), u(1), bloom, list()), ErrBadReceiptStatus},
		{"status non-canonical", receiptBytes([]byte{0x81, 0x01}, u(1), u(1), bloom, list()), rlp.ErrNonCanonicalSize},
		{"gas leading zero", receiptBytes(u(1), []byte{0x82, 0x00, 0x01}, u(1), bloom, list()), rlp.ErrNonCanonicalInteger},
		{"gas overflow", receiptBytes(u(1), s(make([]byte, 9)), u(1), bloom, list()), rlp.ErrUint64Overflow},
		{"bloom 255", receiptBytes(u(1), u(1), u(1), s(make([]byte, 255)), list()), rlp.ErrWrongSize},
		{"bloom 257", receiptBytes(u(1), u(1), u(1), s(make([]byte, 257)), list()), rlp.ErrWrongSize},
		{"bloom as list", receiptBytes(u(1), u(1), u(1), list(), list()), rlp.ErrExpectedString},
		{"missing logs", receiptBytes(u(1), u(1), u(1), bloom), rlp.ErrUnexpectedEnd},
		{"logs as string", receiptBytes(u(1), u(1), u(1), bloom, s(nil)), rlp.ErrExpectedList},
		{"extra item", receiptBytes(u(1), u(1), u(1), bloom, list(), u(0)), rlp.ErrTrailingBytes},
		{"log as string", receiptBytes(u(1), u(1), u(1), bloom, list(s(nil))), rlp.ErrExpectedList},
		{"address 19", receiptBytes(u(1), u(1), u(1), bloom, list(logBytes(s(make([]byte, 19)), list(), s(nil)))), rlp.ErrWrongSize},
		{"topic 31", receiptBytes(u(1), u(1), u(1), bloom, list(logBytes(addr, list(s(make([]byte, 31))), s(nil)))), rlp.ErrWrongSize},
		{"topics as string", receiptBytes(u(1), u(1), u(1), bloom, list(logBytes(addr, s(nil), s(nil)))), rlp.ErrExpectedList},
		{"five topics", receiptBytes(u(1), u(1), u(1), bloom, list(logBytes(addr, list(topic, topic, topic, topic, topic), s(nil)))), ErrTooManyTopics},
		{"data as list", receiptBytes(u(1), u(1), u(1), bloom, list(logBytes(addr, list(), list()))), rlp.ErrExpectedString},
		{"log extra item", receiptBytes(u(1), u(1), u(1), bloom, list(logBytes(addr, list(), s(nil), s(nil)))), rlp.ErrTrailingBytes},
		{"log missing data", receiptBytes(u(1), u(1), u(1), bloom, list(logBytes(addr, list()))), rlp.ErrUnexpectedEnd},
		{"too large", make([]byte, MaxReceiptDecodeSize+1), ErrReceiptTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := DecodeReceipt(tc.b)
			if r != nil || !errors.Is(err, ErrMalformed) || !errors.Is(err, tc.want) {
				t.Fatalf("DecodeReceipt = %v, %v; want ErrMalformed and %v", r, err, tc.want)
			}
		})
	}
}

func TestReceiptsRoot(t *testing.T) {
	t.Parallel()
	rs := testReceipts()
	leaves := make([]Hash, len(rs))
	for i, r := range rs {
		leaves[i] = Keccak256(r.Encode())
	}
	if got, want := ReceiptsRoot(rs), MerkleRoot(leaves); got != want {
		t.Fatalf("ReceiptsRoot = %v, want %v", got, want)
	}
	if got := ReceiptsRoot(nil); got != MerkleRoot(nil) {
		t.Fatalf("ReceiptsRoot(nil) = %v", got)
	}
	// Order matters.
	swapped := []*Receipt{rs[1], rs[0], rs[2], rs[3]}
	if ReceiptsRoot(swapped) == ReceiptsRoot(rs) {
		t.Fatal("swapping receipts kept the root")
	}
}

func FuzzDecodeReceipt(f *testing.F) {
	for _, r := range testReceipts() {
		f.Add(r.Encode())
	}
	f.Add([]byte{0xc0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := DecodeReceipt(data)
		if err != nil {
			if r != nil || !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v without ErrMalformed, or with a receipt", err)
			}
			return
		}
		if enc := r.Encode(); !bytes.Equal(enc, data) {
			t.Fatalf("accepted a non-canonical encoding:\n%x\nre-encodes as\n%x", data, enc)
		}
		for _, l := range r.Logs {
			if len(l.Topics) > MaxLogTopics {
				t.Fatalf("log with %d topics accepted", len(l.Topics))
			}
		}
	})
}

func TestEncodeDecodeReceipts(t *testing.T) {
	t.Parallel()
	rs := testReceipts()
	enc := EncodeReceipts(rs)
	// A list of the single encodings, built independently.
	var items []byte
	for _, r := range rs {
		items = append(items, r.Encode()...)
	}
	if want := rlp.AppendList(nil, items); !bytes.Equal(enc, want) {
		t.Fatalf("EncodeReceipts =\n%x\nwant\n%x", enc, want)
	}
	back, err := DecodeReceipts(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, rs) {
		t.Fatalf("round trip = %+v, want %+v", back, rs)
	}
	if got := EncodeReceipts(nil); !bytes.Equal(got, []byte{rlp.EmptyList}) {
		t.Fatalf("EncodeReceipts(nil) = %x, want c0", got)
	}
	if got, err := DecodeReceipts([]byte{rlp.EmptyList}); got != nil || err != nil {
		t.Fatalf("DecodeReceipts(c0) = %v, %v", got, err)
	}
	bad := []struct {
		name string
		b    []byte
		want error
	}{
		{"not a list", rlp.AppendString(nil, enc), rlp.ErrExpectedList},
		{"trailing", append(append([]byte(nil), enc...), 0xc0), rlp.ErrTrailingBytes},
		{"bad receipt", rlp.AppendList(nil, append(rs[0].Encode(), (&Receipt{Status: 2}).Encode()...)), ErrBadReceiptStatus},
		{"string item", rlp.AppendList(nil, rlp.AppendString(nil, rs[0].Encode())), rlp.ErrExpectedList},
		{"truncated item", rlp.AppendList(nil, rs[0].Encode()[:5]), rlp.ErrValueTooLarge},
		{"too large", make([]byte, MaxReceiptDecodeSize+1), ErrReceiptTooLarge},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := DecodeReceipts(tc.b)
			if got != nil || !errors.Is(err, ErrMalformed) || !errors.Is(err, tc.want) {
				t.Fatalf("DecodeReceipts = %v, %v; want ErrMalformed and %v", got, err, tc.want)
			}
		})
	}
}

func FuzzDecodeReceipts(f *testing.F) {
	f.Add(EncodeReceipts(testReceipts()))
	f.Add([]byte{0xc0})
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := DecodeReceipts(data)
		if err != nil {
			if rs != nil || !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v without ErrMalformed, or with receipts", err)
			}
			return
		}
		if enc := EncodeReceipts(rs); !bytes.Equal(enc, data) {
			t.Fatalf("accepted a non-canonical encoding:\n%x\nre-encodes as\n%x", data, enc)
		}
	})
}

func BenchmarkReceiptEncode(b *testing.B) {
	r := testReceipts()[3]
	b.ReportAllocs()
	for b.Loop() {
		r.Encode()
	}
}

func BenchmarkDecodeReceipt(b *testing.B) {
	enc := testReceipts()[3].Encode()
	b.ReportAllocs()
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		if _, err := DecodeReceipt(enc); err != nil {
			b.Fatal(err)
		}
	}
}
