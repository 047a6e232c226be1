package types

import "encoding/hex"

// Logs bloom parameters, fixed by Ethereum's yellow paper (section 4.3.1,
// function M3:2048) so that wallets and indexers read our blooms as theirs.
const (
	BloomByteLength = 256                 // bytes: 2048 bits
	BloomBitLength  = 8 * BloomByteLength // bits
	bloomIndexMask  = BloomBitLength - 1  // an 11-bit index selects one bit
	bloomHashPairs  = 3                   // bits set per item
)

// Bloom is Ethereum's 2048-bit logs bloom filter. For each log, the emitting
// address and every topic are added; a receipt's bloom holds its logs and a
// block's the OR of its receipts'. A Test that returns false is certain; one
// that returns true may be a false positive.
//
// Bits are numbered as the yellow paper does, from the least significant bit
// of the last byte: bit i lives in byte 255 - i/8 at position i%8.
type Bloom [BloomByteLength]byte

// bloomBits returns the three bit indices of item: the low 11 bits of each of
// the first three big-endian 16-bit words of Keccak-256(item).
func bloomBits(item []byte) [bloomHashPairs]uint {
	h := Keccak256(item)
	var idx [bloomHashPairs]uint
	for i := range idx {
		idx[i] = (uint(h[2*i])<<8 | uint(h[2*i+1])) & bloomIndexMask
	}
	return idx
}

// Add sets the three bits of item.
func (b *Bloom) Add(item []byte) {
	for _, i := range bloomBits(item) {
		b[BloomByteLength-1-i/8] |= 1 << (i % 8)
	}
}

// Test reports whether all three bits of item are set: false means item was
// certainly never added, true that it probably was.
func (b *Bloom) Test(item []byte) bool {
	for _, i := range bloomBits(item) {
		if b[BloomByteLength-1-i/8]&(1<<(i%8)) == 0 {
			return false
		}
	}
	return true
}

// Or sets in b every bit set in other, so that b covers both sets of items.
func (b *Bloom) Or(other *Bloom) {
	for i := range b {
		b[i] |= other[i]
	}
}

// Contains reports whether every bit set in other is also set in b, the test
// a log filter runs against a block's bloom before looking at its receipts.
func (b *Bloom) Contains(other *Bloom) bool {
	for i := range b {
		if b[i]&other[i] != other[i] {
			return false
		}
	}
	return true
}

// AddLog adds the log's address and each of its topics, as Ethereum does; the
// data is not added.
func (b *Bloom) AddLog(l *Log) {
	b.Add(l.Address[:])
	for i := range l.Topics {
		b.Add(l.Topics[i][:])
	}
}

// BloomFromLogs returns the bloom of logs, as a receipt commits to it.
func BloomFromLogs(logs []*Log) Bloom {
	var b Bloom
	for _, l := range logs {
		b.AddLog(l)
	}
	return b
}

// Hex returns b as 0x-prefixed lower-case hex.
func (b Bloom) Hex() string { return "0x" + hex.EncodeToString(b[:]) }

// MarshalText encodes b as 0x-prefixed hex, the JSON-RPC "logsBloom" form.
func (b Bloom) MarshalText() ([]byte, error) { return []byte(b.Hex()), nil }

// UnmarshalText decodes exactly 256 bytes of hex, with or without 0x.
func (b *Bloom) UnmarshalText(text []byte) error {
	var v Bloom
	if err := decodeFixedHex(string(text), v[:]); err != nil {
		return err
	}
	*b = v
	return nil
}
