package trie

import (
	"crypto/sha256"

	"github.com/quarry-chain/quarry/chain/types"
)

// EmptyRoot is the root of the empty trie: SHA-256 of the empty string. It is
// a fixed value; never modify it.
var EmptyRoot = types.Hash{
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
	0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
}

// Domain tags: the first byte of a leaf's and an inner node's hash preimage.
const (
	leafTag  = 0x00
	innerTag = 0x01
)

// Preimage sizes in bytes; they differ from each other and from the empty
// string, which is a second, independent domain separation.
const (
	leafPreimageLen  = 1 + 32 + 32
	innerPreimageLen = 1 + 1 + 32 + 32 + 32
)

// ValueHash returns SHA-256(value), the form in which a leaf commits to its
// value and in which proofs carry it.
func ValueHash(value []byte) types.Hash { return sha256.Sum256(value) }

// leafHash returns SHA-256(0x00 || key || valueHash).
func leafHash(key *[32]byte, valueHash *types.Hash) types.Hash {
	var buf [leafPreimageLen]byte
	buf[0] = leafTag
	copy(buf[1:33], key[:])
	copy(buf[33:], valueHash[:])
	return sha256.Sum256(buf[:])
}

// innerHash returns SHA-256(0x01 || split || prefix || left || right).
// prefix must already have its bits from split on cleared.
func innerHash(split uint8, prefix *[32]byte, left, right *types.Hash) types.Hash {
	var buf [innerPreimageLen]byte
	buf[0] = innerTag
	buf[1] = split
	copy(buf[2:34], prefix[:])
	copy(buf[34:66], left[:])
	copy(buf[66:], right[:])
	return sha256.Sum256(buf[:])
}
