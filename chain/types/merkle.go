package types

import "crypto/sha256"

// Domain-separation prefixes of the Merkle tree, as in RFC 6962 section 2.1.
// A leaf digest can never equal an inner-node digest (their preimages differ
// in the first byte), so a list of leaves cannot be forged into another list
// with the same root, as CVE-2012-2459 did to Bitcoin's tree by duplicating
// the last leaf.
const (
	merkleLeafPrefix = 0x00
	merkleNodePrefix = 0x01
)

// MerkleRoot returns the RFC 6962 Merkle Tree Hash of leaves, each leaf being
// a 32-byte digest (a transaction or receipt hash):
//
//	MTH([])     = SHA-256()
//	MTH([d])    = SHA-256(0x00 || d)
//	MTH(D[0:n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))
//
// where k is the largest power of two smaller than n. An odd node is never
// duplicated: [a, b, c] and [a, b, c, c] have different roots. The empty
// tree's root, e3b0c442...b855 (SHA-256 of nothing), is the transactions and
// receipts root of a block without transactions.
//
// It computes the tree bottom-up in one slice of len(leaves) hashes: pairing
// neighbours left to right and carrying an unpaired last node up unchanged
// builds exactly the tree of the recursive definition above.
func MerkleRoot(leaves []Hash) Hash {
	switch len(leaves) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return merkleLeaf(&leaves[0])
	}
	level := make([]Hash, len(leaves))
	for i := range leaves {
		level[i] = merkleLeaf(&leaves[i])
	}
	for n := len(level); n > 1; n = (n + 1) / 2 {
		for i := 0; i+1 < n; i += 2 {
			level[i/2] = merkleNode(&level[i], &level[i+1])
		}
		if n%2 == 1 {
			level[n/2] = level[n-1]
		}
	}
	return level[0]
}

// merkleLeaf returns SHA-256(0x00 || leaf).
func merkleLeaf(leaf *Hash) Hash {
	var buf [1 + HashLength]byte
	buf[0] = merkleLeafPrefix
	copy(buf[1:], leaf[:])
	return sha256.Sum256(buf[:])
}

// merkleNode returns SHA-256(0x01 || left || right).
func merkleNode(left, right *Hash) Hash {
	var buf [1 + 2*HashLength]byte
	buf[0] = merkleNodePrefix
	copy(buf[1:], left[:])
	copy(buf[1+HashLength:], right[:])
	return sha256.Sum256(buf[:])
}

// TxRoot returns the Merkle root of the transaction hashes (Keccak-256 of
// each encoding), in block order: the header's transactions root.
func TxRoot(txs []*Transaction) Hash {
	leaves := make([]Hash, len(txs))
	for i, tx := range txs {
		leaves[i] = tx.Hash()
	}
	return MerkleRoot(leaves)
}

// ReceiptsRoot returns the Merkle root of the receipt hashes (Keccak-256 of
// each consensus encoding), in block order: the header's receipts root.
func ReceiptsRoot(receipts []*Receipt) Hash {
	leaves := make([]Hash, len(receipts))
	for i, r := range receipts {
		leaves[i] = r.Hash()
	}
	return MerkleRoot(leaves)
}
