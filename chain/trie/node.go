package trie

import (
	"bytes"
	"fmt"

	"github.com/quarry-chain/quarry/chain/types"
)

// MaxValueSize is the largest value the trie stores, in bytes. State values
// are short account and slot encodings; the bound keeps a single node, and so
// a single database read, small.
const MaxValueSize = 64 << 10

// Stored node encodings (see doc.go).
const (
	leafHeaderLen  = 1 + 32          // tag, key; the value follows
	innerHeaderLen = 1 + 1 + 32 + 32 // tag, split, left, right; the prefix follows
)

// node is a decoded leaf or inner node. Nodes are immutable once built: an
// update makes new nodes, so the cache can share them.
type node struct {
	hash  types.Hash
	path  [32]byte      // a leaf's key; an inner node's prefix (bits from split on clear)
	value []byte        // a leaf's value, never empty; nil for an inner node
	child [2]types.Hash // an inner node's children
	split uint8         // an inner node's split bit
	leaf  bool
}

// newLeaf returns the leaf for key and a copy of value (not empty).
func newLeaf(key *[32]byte, value []byte) *node {
	n := new(node)
	n.setLeaf(key, value)
	return n
}

// setLeaf makes n the leaf for key and a copy of value (not empty).
func (n *node) setLeaf(key *[32]byte, value []byte) {
	vh := ValueHash(value)
	*n = node{hash: leafHash(key, &vh), path: *key, value: bytes.Clone(value), leaf: true}
}

// newInner returns the inner node splitting at split, with the prefix of key
// and the given children hashes.
func newInner(split uint8, key *[32]byte, left, right types.Hash) *node {
	n := new(node)
	n.setInner(split, key, left, right)
	return n
}

// setInner makes n the inner node splitting at split, with the prefix of
// key and the given children hashes.
func (n *node) setInner(split uint8, key *[32]byte, left, right types.Hash) {
	*n = node{path: truncate(key, uint(split)), split: split, child: [2]types.Hash{left, right}}
	n.hash = innerHash(split, &n.path, &left, &right)
}

// encode returns n's stored form.
func (n *node) encode() []byte { return n.appendEncoding(nil) }

// appendEncoding appends n's stored form to b.
func (n *node) appendEncoding(b []byte) []byte {
	if n.leaf {
		b = append(b, leafTag)
		b = append(b, n.path[:]...)
		return append(b, n.value...)
	}
	b = append(b, innerTag, n.split)
	b = append(b, n.child[0][:]...)
	b = append(b, n.child[1][:]...)
	return append(b, n.path[:(int(n.split)+7)/8]...)
}

// decodeNode parses a stored node strictly (one encoding per node) and
// computes its hash. It does not retain b. Errors wrap ErrCorrupt.
func decodeNode(b []byte) (*node, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty node", ErrCorrupt)
	}
	switch b[0] {
	case leafTag:
		if len(b) <= leafHeaderLen {
			return nil, fmt.Errorf("%w: leaf of %d bytes has no value", ErrCorrupt, len(b))
		}
		if len(b)-leafHeaderLen > MaxValueSize {
			return nil, fmt.Errorf("%w: leaf value of %d bytes exceeds %d", ErrCorrupt, len(b)-leafHeaderLen, MaxValueSize)
		}
		var key [32]byte
		copy(key[:], b[1:leafHeaderLen])
		return newLeaf(&key, b[leafHeaderLen:]), nil
	case innerTag:
		if len(b) < innerHeaderLen {
			return nil, fmt.Errorf("%w: inner node of %d bytes is truncated", ErrCorrupt, len(b))
		}
		split := b[1]
		pl := (int(split) + 7) / 8
		if len(b) != innerHeaderLen+pl {
			return nil, fmt.Errorf("%w: inner node splitting at %d has %d bytes, want %d", ErrCorrupt, split, len(b), innerHeaderLen+pl)
		}
		var prefix [32]byte
		copy(prefix[:], b[innerHeaderLen:])
		if truncate(&prefix, uint(split)) != prefix {
			return nil, fmt.Errorf("%w: inner node prefix has bits set past its split %d", ErrCorrupt, split)
		}
		var left, right types.Hash
		copy(left[:], b[2:34])
		copy(right[:], b[34:66])
		return newInner(split, &prefix, left, right), nil
	default:
		return nil, fmt.Errorf("%w: unknown node tag %#02x", ErrCorrupt, b[0])
	}
}
