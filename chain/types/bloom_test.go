package types

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// transferTopic is Keccak-256("Transfer(address,address,uint256)"), the first
// topic of every ERC-20 Transfer log.
const transferTopic = "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"

// setBits lists the yellow-paper bit numbers set in b.
func setBits(b *Bloom) []uint {
	var bits []uint
	for i := uint(0); i < BloomBitLength; i++ {
		if b[BloomByteLength-1-i/8]&(1<<(i%8)) != 0 {
			bits = append(bits, i)
		}
	}
	return bits
}

func TestBloomTransferTopicVector(t *testing.T) {
	t.Parallel()
	topic, err := ParseHash(transferTopic)
	if err != nil {
		t.Fatal(err)
	}
	var b Bloom
	b.Add(topic[:])

	// Spelled out by hand: Keccak-256(topic) starts ad a3 | 89 e1 | fc 24 (the
	// digest is checked below), so the bits are 0xada3 & 0x7ff = 0x5a3 = 1443,
	// 0x89e1 & 0x7ff = 0x1e1 = 481 and 0xfc24 & 0x7ff = 0x424 = 1060, that is
	// byte 255-1443/8 = 75 bit 3, byte 255-481/8 = 195 bit 1 and byte
	// 255-1060/8 = 123 bit 4.
	if got := Keccak256(topic[:]).Hex()[2:14]; got != "ada389e1fc24" {
		t.Fatalf("Keccak256(topic) starts %s, want ada389e1fc24", got)
	}
	want := []uint{481, 1060, 1443}
	if got := setBits(&b); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("bits set = %v, want %v", got, want)
	}
	if b[75] != 0x08 || b[123] != 0x10 || b[195] != 0x02 {
		t.Fatalf("bytes 75, 123, 195 = %#x %#x %#x, want 0x08 0x10 0x02", b[75], b[123], b[195])
	}

	// The same bloom as geth computes it (a published cross-check vector).
	gethHex := strings.Repeat("0", 150) + "08" + strings.Repeat("0", 94) + "10" +
		strings.Repeat("0", 142) + "02" + strings.Repeat("0", 120)
	if got := hex.EncodeToString(b[:]); got != gethHex {
		t.Fatalf("bloom =\n%s\nwant\n%s", got, gethHex)
	}
	if !b.Test(topic[:]) {
		t.Fatal("Test of the added topic is false")
	}
}

// TestBloomManyItems is go-ethereum's published vector: the Keccak-256 of the
// bloom of 100 formatted strings.
func TestBloomManyItems(t *testing.T) {
	t.Parallel()
	var b Bloom
	for i := range 100 {
		b.Add(fmt.Appendf(nil, "xxxxxxxxxx data %d yyyyyyyyyyyyyy", i))
	}
	want := "0xc8d3ca65cdb4874300a9e39475508f23ed6da09fdbc487f89a2dcf50b09eb263"
	if got := Keccak256(b[:]).Hex(); got != want {
		t.Fatalf("Keccak256(bloom) = %s, want %s", got, want)
	}
	for i := range 100 {
		if item := fmt.Appendf(nil, "xxxxxxxxxx data %d yyyyyyyyyyyyyy", i); !b.Test(item) {
			t.Fatalf("item %d not found", i)
		}
	}
}

func TestBloomTest(t *testing.T) {
	t.Parallel()
	var b Bloom
	for _, s := range []string{"testtest", "test", "hallo", "other"} {
		b.Add([]byte(s))
	}
	tests := []struct {
		item string
		want bool
	}{
		{"testtest", true}, {"test", true}, {"hallo", true}, {"other", true},
		{"tes", false}, {"lo", false}, {"", false},
	}
	for _, tc := range tests {
		t.Run(tc.item, func(t *testing.T) {
			t.Parallel()
			if got := b.Test([]byte(tc.item)); got != tc.want {
				t.Fatalf("Test(%q) = %v, want %v", tc.item, got, tc.want)
			}
		})
	}
	var empty Bloom
	if empty.Test([]byte("test")) {
		t.Fatal("empty bloom reports an item")
	}
}

func TestBloomFromLogs(t *testing.T) {
	t.Parallel()
	addr := Address{0x11, 0x22, 0x33}
	topic, _ := ParseHash(transferTopic)
	other := Keccak256([]byte("other topic"))
	logs := []*Log{
		{Address: addr, Topics: []Hash{topic}, Data: []byte("not in the bloom")},
		{Address: addr, Topics: []Hash{other, topic}},
	}
	got := BloomFromLogs(logs)

	var want Bloom
	want.Add(addr[:])
	want.Add(topic[:])
	want.Add(other[:])
	if got != want {
		t.Fatalf("BloomFromLogs = %s, want %s", got.Hex(), want.Hex())
	}
	if n := len(setBits(&got)); n < 3 || n > 9 {
		t.Fatalf("%d bits set for three items", n)
	}
	if got.Test([]byte("not in the bloom")) {
		t.Fatal("log data was added to the bloom")
	}
	if b := BloomFromLogs(nil); b != (Bloom{}) {
		t.Fatal("bloom of no logs is not empty")
	}
}

func TestBloomOrContains(t *testing.T) {
	t.Parallel()
	var left, right Bloom
	left.Add([]byte("left"))
	right.Add([]byte("right"))
	union := left
	union.Or(&right)
	for _, item := range []string{"left", "right"} {
		if !union.Test([]byte(item)) {
			t.Fatalf("union lacks %q", item)
		}
	}
	if !union.Contains(&left) || !union.Contains(&right) {
		t.Fatal("union does not contain its parts")
	}
	if left.Contains(&union) {
		t.Fatal("part contains the union")
	}
	if left.Test([]byte("right")) {
		t.Fatal("Or modified its argument's source")
	}
}

func TestBloomText(t *testing.T) {
	t.Parallel()
	var b Bloom
	b.Add([]byte("x"))
	text, err := b.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	if len(text) != 2+2*BloomByteLength {
		t.Fatalf("text is %d chars", len(text))
	}
	var back Bloom
	if err := back.UnmarshalText(text); err != nil || back != b {
		t.Fatalf("round trip: %v", err)
	}
	for _, bad := range []string{"0x", "0x00", string(text) + "00", "0x" + strings.Repeat("zz", 256)} {
		if err := back.UnmarshalText([]byte(bad)); err == nil {
			t.Fatalf("UnmarshalText(%.12q...) accepted", bad)
		}
	}
}

func BenchmarkBloomFromLogs(b *testing.B) {
	topic := Keccak256([]byte("Transfer(address,address,uint256)"))
	logs := []*Log{{Address: Address{1}, Topics: []Hash{topic, {2}, {3}}}}
	b.ReportAllocs()
	for b.Loop() {
		BloomFromLogs(logs)
	}
}
