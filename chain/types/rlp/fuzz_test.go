package rlp

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// FuzzRLPSplit decodes arbitrary input as a sequence of items. Whatever
// decodes must re-encode to the identical bytes (strictness means one
// encoding per value), and integers that decode must re-encode the same way.
func FuzzRLPSplit(f *testing.F) {
	for _, s := range []string{
		"", "00", "7f", "80", "8180", "83646f67", "c0", "c88363617483646f67",
		"c7c0c1c0c3c0c1c0", "b838" + strings.Repeat("61", 56),
		"8100", "b800", "f800", "bfffffffffffffffff", "820001", "c283646f",
	} {
		b, err := hex.DecodeString(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		items, err := decodeTree(b)
		if err != nil {
			return
		}
		var out []byte
		size := 0
		for _, n := range items {
			out = encodeTree(out, n)
			size += treeSize(n)
		}
		if !bytes.Equal(out, b) {
			t.Fatalf("round trip: %x -> %x", b, out)
		}
		if size != len(b) {
			t.Fatalf("size %d, encoding %d", size, len(b))
		}
		// Integer view of each top-level string.
		rest := b
		for len(rest) > 0 {
			kind, content, next, err := Split(rest)
			if err != nil {
				t.Fatalf("split after successful decode: %v", err)
			}
			item := rest[:len(rest)-len(next)]
			rest = next
			if kind == List {
				continue
			}
			if v, err := Uint64(content); err == nil {
				if got := AppendUint64(nil, v); !bytes.Equal(got, item) {
					t.Fatalf("uint64 %d: %x -> %x", v, item, got)
				}
			}
			if v, err := Uint256(content); err == nil {
				if got := AppendUint256(nil, &v); !bytes.Equal(got, item) {
					t.Fatalf("uint256 %v: %x -> %x", &v, item, got)
				}
			}
		}
	})
}
