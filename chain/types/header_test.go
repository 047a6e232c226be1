package types

import (
	"bytes"
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"os"
	"strings"
	"testing"
)

// testHeader returns a header with distinct bytes in every field, so that a
// field written at the wrong offset shows in the encoding.
func testHeader() *Header {
	h := &Header{
		Version:  HeaderVersion,
		Height:   0x0102030405060708,
		GasLimit: 0x1112131415161718,
		GasUsed:  0x2122232425262728,
		Time:     0x3132333435363738,
		Bits:     0x41424344,
		Nonce:    0x5152535455565758,
	}
	fill := func(b []byte, start byte) {
		for i := range b {
			b[i] = start + byte(i)
		}
	}
	fill(h.ParentHash[:], 0x10)
	fill(h.TxRoot[:], 0x30)
	fill(h.ReceiptsRoot[:], 0x50)
	fill(h.StateRoot[:], 0x70)
	fill(h.Coinbase[:], 0x90)
	fill(h.Extra[:], 0xb0)
	return h
}

// headerVector is one entry of testdata/header_vectors.json.
type headerVector struct {
	Name         string  `json:"name"`
	Version      uint32  `json:"version"`
	Height       uint64  `json:"height"`
	ParentHash   Hash    `json:"parentHash"`
	TxRoot       Hash    `json:"txRoot"`
	ReceiptsRoot Hash    `json:"receiptsRoot"`
	StateRoot    Hash    `json:"stateRoot"`
	Coinbase     Address `json:"coinbase"`
	GasLimit     uint64  `json:"gasLimit"`
	GasUsed      uint64  `json:"gasUsed"`
	Extra        string  `json:"extra"`
	Time         uint64  `json:"time"`
	Bits         uint32  `json:"bits"`
	Nonce        uint64  `json:"nonce"`
	Encoding     string  `json:"encoding"`
	Hash         Hash    `json:"hash"`
}

func decodeHexT(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func TestHeaderGoldenVectors(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/header_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Vectors []headerVector `json:"vectors"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	for _, v := range file.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			h := &Header{
				Version: v.Version, Height: v.Height, ParentHash: v.ParentHash, TxRoot: v.TxRoot,
				ReceiptsRoot: v.ReceiptsRoot, StateRoot: v.StateRoot, Coinbase: v.Coinbase,
				GasLimit: v.GasLimit, GasUsed: v.GasUsed, Time: v.Time, Bits: v.Bits, Nonce: v.Nonce,
			}
			if n := copy(h.Extra[:], decodeHexT(t, v.Extra)); n != HeaderExtraSize {
				t.Fatalf("extra is %d bytes", n)
			}
			want := decodeHexT(t, v.Encoding)
			if got := h.Encode(); !bytes.Equal(got, want) {
				t.Fatalf("Encode =\n%x\nwant\n%x", got, want)
			}
			if got := h.Hash(); got != v.Hash {
				t.Fatalf("Hash = %v, want %v", got, v.Hash)
			}
			back, err := DecodeHeader(want)
			if err != nil {
				t.Fatal(err)
			}
			if *back != *h {
				t.Fatalf("DecodeHeader = %+v, want %+v", back, h)
			}
		})
	}
}

// The first vector is testHeader(); keep them in step.
func TestHeaderGoldenMatchesTestHeader(t *testing.T) {
	t.Parallel()
	const want = "0xea46eed1764cedf76004d3b7a85f60e33432371fe15e5b565d3f4c22cb70fe94"
	if got := testHeader().Hash().Hex(); got != want {
		t.Fatalf("testHeader().Hash() = %s, want %s", got, want)
	}
}

func TestHeaderRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		h    *Header
	}{
		{"zero", &Header{}},
		{"distinct", testHeader()},
		{"max", &Header{
			Version: ^uint32(0), Height: ^uint64(0), GasLimit: ^uint64(0), GasUsed: ^uint64(0),
			Time: ^uint64(0), Bits: ^uint32(0), Nonce: ^uint64(0),
			ParentHash: Hash{0xff}, Coinbase: Address{19: 0xff}, Extra: [HeaderExtraSize]byte{15: 1},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			enc := tc.h.Encode()
			if len(enc) != HeaderSize {
				t.Fatalf("Encode is %d bytes, want %d", len(enc), HeaderSize)
			}
			back, err := DecodeHeader(enc)
			if err != nil {
				t.Fatal(err)
			}
			if *back != *tc.h {
				t.Fatalf("round trip = %+v, want %+v", back, tc.h)
			}
			if !bytes.Equal(back.Encode(), enc) {
				t.Fatal("re-encoding differs")
			}
			var fixed [HeaderSize]byte
			tc.h.EncodeTo(&fixed)
			if !bytes.Equal(fixed[:], enc) {
				t.Fatal("EncodeTo differs from Encode")
			}
			first := sha256.Sum256(enc)
			if want := Hash(sha256.Sum256(first[:])); tc.h.Hash() != want {
				t.Fatalf("Hash = %v, want SHA-256d %v", tc.h.Hash(), want)
			}
		})
	}
}

func TestDecodeHeaderRejectsWrongLength(t *testing.T) {
	t.Parallel()
	buf := make([]byte, 4*HeaderSize)
	for n := 0; n <= len(buf); n++ {
		h, err := DecodeHeader(buf[:n])
		if n == HeaderSize {
			if err != nil || h == nil {
				t.Fatalf("DecodeHeader(%d bytes) = %v, %v", n, h, err)
			}
			continue
		}
		if h != nil || !errors.Is(err, ErrMalformed) {
			t.Fatalf("DecodeHeader(%d bytes) = %v, %v; want ErrMalformed", n, h, err)
		}
	}
	if _, err := DecodeHeader(nil); !errors.Is(err, ErrMalformed) {
		t.Fatalf("DecodeHeader(nil) error = %v", err)
	}
}

// TestHeaderTailLayout checks what the miner's midstate relies on: time,
// bits and nonce, and nothing else, live after HeaderPrefixSize.
func TestHeaderTailLayout(t *testing.T) {
	t.Parallel()
	base := testHeader()
	baseEnc := base.Encode()
	tail := []struct {
		name string
		set  func(*Header)
	}{
		{"time", func(h *Header) { h.Time ^= 0xffff_ffff_ffff_ffff }},
		{"bits", func(h *Header) { h.Bits ^= 0xffff_ffff }},
		{"nonce", func(h *Header) { h.Nonce ^= 0xffff_ffff_ffff_ffff }},
	}
	prefix := []struct {
		name string
		set  func(*Header)
	}{
		{"version", func(h *Header) { h.Version++ }},
		{"height", func(h *Header) { h.Height++ }},
		{"parent", func(h *Header) { h.ParentHash[31]++ }},
		{"tx root", func(h *Header) { h.TxRoot[31]++ }},
		{"receipts root", func(h *Header) { h.ReceiptsRoot[31]++ }},
		{"state root", func(h *Header) { h.StateRoot[31]++ }},
		{"coinbase", func(h *Header) { h.Coinbase[19]++ }},
		{"gas limit", func(h *Header) { h.GasLimit++ }},
		{"gas used", func(h *Header) { h.GasUsed++ }},
		{"extra", func(h *Header) { h.Extra[15]++ }},
	}
	for _, tc := range tail {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := *base
			tc.set(&h)
			enc := h.Encode()
			if !bytes.Equal(enc[:HeaderPrefixSize], baseEnc[:HeaderPrefixSize]) {
				t.Fatalf("changing %s changed the midstate prefix", tc.name)
			}
			if bytes.Equal(enc[HeaderPrefixSize:], baseEnc[HeaderPrefixSize:]) {
				t.Fatalf("changing %s changed nothing in the tail", tc.name)
			}
		})
	}
	for _, tc := range prefix {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := *base
			tc.set(&h)
			enc := h.Encode()
			if !bytes.Equal(enc[HeaderPrefixSize:], baseEnc[HeaderPrefixSize:]) {
				t.Fatalf("changing %s changed the tail", tc.name)
			}
			if bytes.Equal(enc[:HeaderPrefixSize], baseEnc[:HeaderPrefixSize]) {
				t.Fatalf("changing %s changed nothing in the prefix", tc.name)
			}
		})
	}
	if TimeOffset != HeaderPrefixSize || NonceOffset != HeaderSize-8 {
		t.Fatalf("TimeOffset = %d, NonceOffset = %d", TimeOffset, NonceOffset)
	}
	if HeaderPrefixSize%sha256.BlockSize != 0 {
		t.Fatalf("prefix of %d bytes is not whole SHA-256 blocks", HeaderPrefixSize)
	}
}

// TestHeaderMidstate hashes the prefix once, then many tails from the saved
// SHA-256 state, as a miner does, and checks every result against Hash.
func TestHeaderMidstate(t *testing.T) {
	t.Parallel()
	h := testHeader()
	var enc [HeaderSize]byte
	h.EncodeTo(&enc)
	d := sha256.New()
	d.Write(enc[:HeaderPrefixSize])
	mid, err := d.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for i := range uint64(64) {
		h.Time = 1_700_000_000_000 + i*1000
		h.Bits = 0x1f07ffff - uint32(i)
		h.Nonce = i * 0x9e3779b97f4a7c15
		SetTail(&enc, h.Time, h.Bits, h.Nonce)
		if want := h.Encode(); !bytes.Equal(enc[:], want) {
			t.Fatalf("SetTail gives\n%x\nwant\n%x", enc, want)
		}
		if got := midstateHash(t, mid, enc[HeaderPrefixSize:]); got != h.Hash() {
			t.Fatalf("attempt %d: midstate hash %v, want %v", i, got, h.Hash())
		}
	}
}

func midstateHash(t testing.TB, mid []byte, tail []byte) Hash {
	t.Helper()
	d := sha256.New()
	if err := d.(encoding.BinaryUnmarshaler).UnmarshalBinary(mid); err != nil {
		t.Fatal(err)
	}
	d.Write(tail)
	var first Hash
	d.Sum(first[:0])
	return sha256.Sum256(first[:])
}

func FuzzDecodeHeader(f *testing.F) {
	f.Add(testHeader().Encode())
	f.Add(make([]byte, HeaderSize))
	f.Add(make([]byte, HeaderSize-1))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := DecodeHeader(data)
		if len(data) != HeaderSize {
			if err == nil || !errors.Is(err, ErrMalformed) {
				t.Fatalf("%d bytes: error = %v, want ErrMalformed", len(data), err)
			}
			return
		}
		if err != nil {
			t.Fatalf("DecodeHeader: %v", err)
		}
		if enc := h.Encode(); !bytes.Equal(enc, data) {
			t.Fatalf("round trip:\n%x\n%x", data, enc)
		}
		first := sha256.Sum256(data)
		if h.Hash() != Hash(sha256.Sum256(first[:])) {
			t.Fatal("Hash is not SHA-256d of the bytes")
		}
	})
}

func BenchmarkHeaderHash(b *testing.B) {
	h := testHeader()
	b.ReportAllocs()
	for b.Loop() {
		h.Nonce++
		h.Hash()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
}

// BenchmarkHeaderHashMidstate is the miner's inner loop: restore the prefix
// state and hash the 20-byte tail, two compressions per attempt.
func BenchmarkHeaderHashMidstate(b *testing.B) {
	var enc [HeaderSize]byte
	testHeader().EncodeTo(&enc)
	d := sha256.New()
	d.Write(enc[:HeaderPrefixSize])
	mid, _ := d.(encoding.BinaryMarshaler).MarshalBinary()
	var work hash.Hash = sha256.New()
	var first, second Hash
	b.ReportAllocs()
	nonce := uint64(0)
	for b.Loop() {
		nonce++
		SetTail(&enc, 1, 0x1f07ffff, nonce)
		if err := work.(encoding.BinaryUnmarshaler).UnmarshalBinary(mid); err != nil {
			b.Fatal(err)
		}
		work.Write(enc[HeaderPrefixSize:])
		work.Sum(first[:0])
		second = sha256.Sum256(first[:])
	}
	_ = second
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
}

func BenchmarkDecodeHeader(b *testing.B) {
	enc := testHeader().Encode()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeHeader(enc); err != nil {
			b.Fatal(err)
		}
	}
}
