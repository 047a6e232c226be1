package trie

import (
	"crypto/sha256"
	"slices"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

func TestEmptyRoot(t *testing.T) {
	t.Parallel()
	if want := types.Hash(sha256.Sum256(nil)); EmptyRoot != want {
		t.Fatalf("EmptyRoot = %s, want SHA-256(\"\") = %s", EmptyRoot, want)
	}
	if EmptyRoot.Hex() != "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Fatalf("EmptyRoot = %s", EmptyRoot)
	}
}

// TestHandBuiltRoots checks small tries against roots assembled byte by byte
// from the layout in doc.go.
func TestHandBuiltRoots(t *testing.T) {
	t.Parallel()
	sum := func(parts ...[]byte) []byte { h := sha256.Sum256(slices.Concat(parts...)); return h[:] }
	key := func(b ...byte) Key { var k Key; copy(k[:], b); return k }
	leaf := func(k Key, v string) []byte { return sum([]byte{0x00}, k[:], sum([]byte(v))) }
	inner := func(split byte, prefix Key, l, r []byte) []byte {
		return sum([]byte{0x01, split}, prefix[:], l, r)
	}
	zero := Key{}
	k00 := key(0x00)
	k40 := key(0x40)
	k80 := key(0x80)
	kLast := key()
	kLast[31] = 0x01
	kF0, kF8 := key(0xf0, 0x11), key(0xf8, 0x22)

	tests := []struct {
		name string
		set  map[Key]string
		want []byte
	}{
		{"one leaf", map[Key]string{k00: "a"}, leaf(k00, "a")},
		{"split at bit 0", map[Key]string{k00: "a", k80: "b"},
			inner(0, zero, leaf(k00, "a"), leaf(k80, "b"))},
		{"split at bit 255", map[Key]string{k00: "a", kLast: "b"},
			inner(255, zero, leaf(k00, "a"), leaf(kLast, "b"))},
		{"nested", map[Key]string{k00: "a", k40: "b", k80: "c"},
			inner(0, zero, inner(1, zero, leaf(k00, "a"), leaf(k40, "b")), leaf(k80, "c"))},
		{"prefix bits kept", map[Key]string{kF0: "x", kF8: "y"},
			inner(4, key(0xf0), leaf(kF0, "x"), leaf(kF8, "y"))},
		{"prefix cut mid-byte", map[Key]string{kF0: "x", kF8: "y", k80: "z"},
			inner(1, key(0x80), leaf(k80, "z"), inner(4, key(0xf0), leaf(kF0, "x"), leaf(kF8, "y")))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			set := make(map[Key][]byte)
			for k, v := range tc.set {
				set[k] = []byte(v)
			}
			want := types.BytesToHash(tc.want)
			tr, s := newTrie(t, 0)
			if got, _ := update(t, tr, s, setChanges(set)); got != want {
				t.Errorf("trie root = %s, want %s", got, want)
			}
			if got := refRoot(set); got != want {
				t.Errorf("reference root = %s, want %s", got, want)
			}
		})
	}
}
