package trie

import (
	"encoding/binary"
	"math/bits"
)

// keyBits is the length of a key in bits.
const keyBits = 256

// bit returns bit i (0 = most significant bit of byte 0) of k.
func bit(k *[32]byte, i uint) uint {
	return uint(k[i/8]>>(7-i%8)) & 1
}

// commonPrefixLen returns the number of leading bits a and b share: 256 when
// they are equal.
func commonPrefixLen(a, b *[32]byte) uint {
	for i := 0; i < 32; i += 8 {
		if x := binary.BigEndian.Uint64(a[i:]) ^ binary.BigEndian.Uint64(b[i:]); x != 0 {
			return uint(i*8 + bits.LeadingZeros64(x))
		}
	}
	return keyBits
}

// truncate returns k with every bit from n on cleared.
func truncate(k *[32]byte, n uint) [32]byte {
	var p [32]byte
	if n >= keyBits {
		return *k
	}
	copy(p[:n/8], k[:n/8])
	if r := n % 8; r != 0 {
		p[n/8] = k[n/8] & (0xff << (8 - r))
	}
	return p
}

// position is where a node sits in the tree, and so where it is stored: the
// first bits bits of path (the rest of path is zero). The root is at bits 0;
// a child of an inner node with split s is at bits s+1.
type position struct {
	path [32]byte
	bits uint16 // 0..256
}

// childPos returns the position of the side-b child of an inner node with the
// given split and prefix (bits from split on clear).
func childPos(prefix *[32]byte, split uint8, b uint) position {
	p := position{path: *prefix, bits: uint16(split) + 1}
	if b == 1 {
		p.path[split/8] |= 0x80 >> (split % 8)
	}
	return p
}

// holds reports whether a node whose keys start with path k may sit at p:
// k agrees with p on p's bits.
func (p position) holds(k *[32]byte) bool {
	return truncate(k, uint(p.bits)) == p.path
}

// storageKey encodes p as a store key: two bytes of big-endian bit count,
// then the path bytes that hold those bits. The count fixes the length, so
// the encoding is injective.
func (p position) storageKey() []byte { return p.appendStorageKey(nil) }

// appendStorageKey appends p's storage key to b.
func (p position) appendStorageKey(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, p.bits)
	return append(b, p.path[:(int(p.bits)+7)/8]...)
}
