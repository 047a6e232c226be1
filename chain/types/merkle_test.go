package types

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

// testLeaf returns leaf i of the test trees: SHA-256 of the single byte i,
// as in testdata/merkle_vectors.json.
func testLeaf(i int) Hash { return sha256.Sum256([]byte{byte(i)}) }

func testLeaves(n int) []Hash {
	leaves := make([]Hash, n)
	for i := range leaves {
		leaves[i] = testLeaf(i)
	}
	return leaves
}

// Hand-written leaf and node hashes, independent of merkleLeaf/merkleNode.
func handLeaf(d Hash) Hash { return sha256.Sum256(append([]byte{0x00}, d[:]...)) }

func handNode(l, r Hash) Hash {
	b := append([]byte{0x01}, l[:]...)
	return sha256.Sum256(append(b, r[:]...))
}

func TestMerkleRootByHand(t *testing.T) {
	t.Parallel()
	L := func(i int) Hash { return handLeaf(testLeaf(i)) }
	N := handNode
	// Each tree spelled out as RFC 6962 splits it: at the largest power of
	// two below n, with an odd last node carried up, never duplicated.
	tests := []struct {
		n    int
		want Hash
	}{
		{0, sha256.Sum256(nil)},
		{1, L(0)},
		{2, N(L(0), L(1))},
		{3, N(N(L(0), L(1)), L(2))},
		{4, N(N(L(0), L(1)), N(L(2), L(3)))},
		{5, N(N(N(L(0), L(1)), N(L(2), L(3))), L(4))},
		{7, N(N(N(L(0), L(1)), N(L(2), L(3))), N(N(L(4), L(5)), L(6)))},
		{8, N(N(N(L(0), L(1)), N(L(2), L(3))), N(N(L(4), L(5)), N(L(6), L(7))))},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d leaves", tc.n), func(t *testing.T) {
			t.Parallel()
			if got := MerkleRoot(testLeaves(tc.n)); got != tc.want {
				t.Fatalf("MerkleRoot(%d leaves) = %v, want %v", tc.n, got, tc.want)
			}
		})
	}
}

func TestMerkleRootVectors(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/merkle_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Vectors []struct {
			Leaves []Hash `json:"leaves"`
			Root   Hash   `json:"root"`
		} `json:"vectors"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Vectors) != 8 {
		t.Fatalf("%d vectors, want 8", len(file.Vectors))
	}
	for _, v := range file.Vectors {
		t.Run(fmt.Sprintf("%d leaves", len(v.Leaves)), func(t *testing.T) {
			for i, l := range v.Leaves {
				if l != testLeaf(i) {
					t.Fatalf("leaf %d = %v, want %v", i, l, testLeaf(i))
				}
			}
			if got := MerkleRoot(v.Leaves); got != v.Root {
				t.Fatalf("MerkleRoot = %v, want %v", got, v.Root)
			}
		})
	}
}

// rfc6962Root is the recursive definition, written independently of the
// iterative MerkleRoot, for cross-checking every size up to a bound.
func rfc6962Root(d []Hash) Hash {
	switch len(d) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return handLeaf(d[0])
	}
	k := 1
	for k*2 < len(d) {
		k *= 2
	}
	return handNode(rfc6962Root(d[:k]), rfc6962Root(d[k:]))
}

func TestMerkleRootMatchesRecursiveDefinition(t *testing.T) {
	t.Parallel()
	for n := 0; n <= 130; n++ {
		leaves := testLeaves(n)
		if got, want := MerkleRoot(leaves), rfc6962Root(leaves); got != want {
			t.Fatalf("n=%d: MerkleRoot = %v, recursive = %v", n, got, want)
		}
	}
}

func TestMerkleRootDoesNotModifyLeaves(t *testing.T) {
	t.Parallel()
	leaves := testLeaves(9)
	MerkleRoot(leaves)
	for i, l := range leaves {
		if l != testLeaf(i) {
			t.Fatalf("leaf %d changed", i)
		}
	}
}

// bitcoinRoot is Bitcoin's tree (no domain separation, odd last node paired
// with itself), kept here only to show the forgery MerkleRoot prevents.
func bitcoinRoot(d []Hash) Hash {
	level := append([]Hash(nil), d...)
	for len(level) > 1 {
		if len(level)%2 == 1 {
			level = append(level, level[len(level)-1])
		}
		next := level[:0:0]
		for i := 0; i < len(level); i += 2 {
			first := sha256.Sum256(append(append([]byte(nil), level[i][:]...), level[i+1][:]...))
			next = append(next, sha256.Sum256(first[:]))
		}
		level = next
	}
	return level[0]
}

// TestMerkleRootDuplicateLastLeaf checks the CVE-2012-2459 pattern: in
// Bitcoin's tree, [a, b, c] and [a, b, c, c] share a root, so a block with a
// duplicated transaction could be passed off under a valid block's hash.
func TestMerkleRootDuplicateLastLeaf(t *testing.T) {
	t.Parallel()
	tests := []struct{ list, forged []Hash }{
		{testLeaves(3), append(testLeaves(3), testLeaf(2))},
		{testLeaves(5), append(testLeaves(5), testLeaf(4))},
		{testLeaves(6), append(testLeaves(6), testLeaf(4), testLeaf(5))},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d vs %d", len(tc.list), len(tc.forged)), func(t *testing.T) {
			t.Parallel()
			// The control: the forgery works against Bitcoin's tree.
			if bitcoinRoot(tc.list) != bitcoinRoot(tc.forged) {
				t.Fatalf("control failed: Bitcoin's tree gives different roots")
			}
			if MerkleRoot(tc.list) == MerkleRoot(tc.forged) {
				t.Fatalf("MerkleRoot of %d and %d leaves collide", len(tc.list), len(tc.forged))
			}
		})
	}
	// A leaf that is itself an inner node's digest does not collapse a level.
	a, b := testLeaf(0), testLeaf(1)
	inner := merkleNode(ptr(merkleLeaf(&a)), ptr(merkleLeaf(&b)))
	if MerkleRoot([]Hash{a, b}) == MerkleRoot([]Hash{inner}) {
		t.Fatal("one leaf holding an inner digest has the root of its two children")
	}
}

func ptr(h Hash) *Hash { return &h }

func BenchmarkMerkleRoot(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		leaves := testLeaves(n)
		b.Run(fmt.Sprintf("%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				MerkleRoot(leaves)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "leaves/s")
		})
	}
}
