package types

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// Header layout. All integers are big-endian. The first HeaderPrefixSize
// bytes are exactly three SHA-256 blocks and hold every field that stays
// fixed while a miner searches nonces, so their SHA-256 midstate is computed
// once per template. The tail (time, bits, nonce) is 20 bytes, which with
// SHA-256 padding (1 + 8 bytes) fits one 64-byte block: one attempt costs one
// compression for the tail plus one for the outer SHA-256 of the digest.
//
//	offset size field
//	     0    4 version
//	     4    8 height
//	    12   32 parent hash
//	    44   32 transactions root
//	    76   32 receipts root
//	   108   32 state root
//	   140   20 coinbase
//	   160    8 gas limit
//	   168    8 gas used
//	   176   16 extra (miner-chosen: extra nonce space, vanity)
//	   192    8 time, unix milliseconds
//	   200    4 bits, compact target
//	   204    8 nonce
const (
	HeaderSize       = 212
	HeaderPrefixSize = 192 // bytes covered by the per-template midstate
	HeaderExtraSize  = 16

	offVersion      = 0
	offHeight       = 4
	offParent       = 12
	offTxRoot       = 44
	offReceiptsRoot = 76
	offStateRoot    = 108
	offCoinbase     = 140
	offGasLimit     = 160
	offGasUsed      = 168
	offExtra        = 176
	offTime         = 192
	offBits         = 200
	offNonce        = 204
)

// Compile-time checks of the layout: the prefix is whole SHA-256 blocks and
// the tail plus SHA-256 padding fits one more block.
var (
	_ = [1]struct{}{}[HeaderPrefixSize%sha256.BlockSize]
	_ = [1]struct{}{}[offTime-HeaderPrefixSize]
	_ = [1]struct{}{}[HeaderSize-offNonce-8]
	_ [sha256.BlockSize - (HeaderSize - HeaderPrefixSize) - 9]struct{} // tail+0x80+len <= 64
)

// HeaderVersion is the only header version this code accepts.
const HeaderVersion uint32 = 1

// Header is a block header. Its hash, SHA-256(SHA-256(Encode())), is the block
// hash and the proof-of-work value.
type Header struct {
	Version      uint32
	Height       uint64
	ParentHash   Hash
	TxRoot       Hash
	ReceiptsRoot Hash
	StateRoot    Hash
	Coinbase     Address
	GasLimit     uint64
	GasUsed      uint64
	Extra        [HeaderExtraSize]byte
	Time         uint64 // unix milliseconds
	Bits         uint32 // compact target, see CompactToTarget
	Nonce        uint64
}

// Encode returns the fixed 212-byte encoding of h.
func (h *Header) Encode() []byte {
	var b [HeaderSize]byte
	h.EncodeTo(&b)
	return b[:]
}

// EncodeTo writes the encoding of h into b without allocating.
func (h *Header) EncodeTo(b *[HeaderSize]byte) {
	binary.BigEndian.PutUint32(b[offVersion:], h.Version)
	binary.BigEndian.PutUint64(b[offHeight:], h.Height)
	copy(b[offParent:], h.ParentHash[:])
	copy(b[offTxRoot:], h.TxRoot[:])
	copy(b[offReceiptsRoot:], h.ReceiptsRoot[:])
	copy(b[offStateRoot:], h.StateRoot[:])
	copy(b[offCoinbase:], h.Coinbase[:])
	binary.BigEndian.PutUint64(b[offGasLimit:], h.GasLimit)
	binary.BigEndian.PutUint64(b[offGasUsed:], h.GasUsed)
	copy(b[offExtra:], h.Extra[:])
	binary.BigEndian.PutUint64(b[offTime:], h.Time)
	binary.BigEndian.PutUint32(b[offBits:], h.Bits)
	binary.BigEndian.PutUint64(b[offNonce:], h.Nonce)
}

// DecodeHeader decodes exactly HeaderSize bytes. Every byte string of that
// length is a syntactically valid header; the consensus rules judge the values.
func DecodeHeader(b []byte) (*Header, error) {
	if len(b) != HeaderSize {
		return nil, fmt.Errorf("%w: header is %d bytes, want %d", ErrMalformed, len(b), HeaderSize)
	}
	h := new(Header)
	h.Version = binary.BigEndian.Uint32(b[offVersion:])
	h.Height = binary.BigEndian.Uint64(b[offHeight:])
	copy(h.ParentHash[:], b[offParent:])
	copy(h.TxRoot[:], b[offTxRoot:])
	copy(h.ReceiptsRoot[:], b[offReceiptsRoot:])
	copy(h.StateRoot[:], b[offStateRoot:])
	copy(h.Coinbase[:], b[offCoinbase:])
	h.GasLimit = binary.BigEndian.Uint64(b[offGasLimit:])
	h.GasUsed = binary.BigEndian.Uint64(b[offGasUsed:])
	copy(h.Extra[:], b[offExtra:])
	h.Time = binary.BigEndian.Uint64(b[offTime:])
	h.Bits = binary.BigEndian.Uint32(b[offBits:])
	h.Nonce = binary.BigEndian.Uint64(b[offNonce:])
	return h, nil
}

// Hash returns the block hash, SHA-256(SHA-256(header)).
func (h *Header) Hash() Hash {
	var b [HeaderSize]byte
	h.EncodeTo(&b)
	first := sha256.Sum256(b[:])
	return sha256.Sum256(first[:])
}

// SetTail writes time, bits and nonce into an encoded header in place; the
// miner uses it to vary the tail without re-encoding the prefix.
func SetTail(b *[HeaderSize]byte, time uint64, bits uint32, nonce uint64) {
	binary.BigEndian.PutUint64(b[offTime:], time)
	binary.BigEndian.PutUint32(b[offBits:], bits)
	binary.BigEndian.PutUint64(b[offNonce:], nonce)
}

// NonceOffset is the byte offset of the nonce in the encoded header.
const NonceOffset = offNonce

// TimeOffset is the byte offset of the time in the encoded header.
const TimeOffset = offTime
