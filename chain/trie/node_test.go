package trie

import (
	"bytes"
	"errors"
	"slices"
	"testing"
)

func TestNodeRoundTrip(t *testing.T) {
	t.Parallel()
	k := clusteredKey(0xab)
	nodes := []*node{
		newLeaf(&k, []byte{1}),
		newLeaf(&k, bytes.Repeat([]byte{9}, MaxValueSize)),
		newInner(0, &k, ValueHash([]byte("l")), ValueHash([]byte("r"))),
		newInner(13, &k, ValueHash([]byte("l")), ValueHash([]byte("r"))),
		newInner(255, &k, ValueHash([]byte("l")), ValueHash([]byte("r"))),
	}
	for _, n := range nodes {
		enc := n.encode()
		got, err := decodeNode(enc)
		if err != nil {
			t.Fatalf("decode %x: %v", enc[:min(len(enc), 80)], err)
		}
		if got.hash != n.hash || !bytes.Equal(got.encode(), enc) {
			t.Fatalf("round trip of a node splitting at %d changed it", n.split)
		}
	}
}

func TestDecodeNodeErrors(t *testing.T) {
	t.Parallel()
	k := clusteredKey(0xff)
	inner := newInner(12, &k, ValueHash(nil), ValueHash(nil)).encode()
	dirty := slices.Clone(inner)
	dirty[len(dirty)-1] |= 0x01 // a bit past the split
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"unknown tag", []byte{0x02, 0x00}},
		{"leaf without value", append([]byte{leafTag}, k[:]...)},
		{"leaf value too large", append(append([]byte{leafTag}, k[:]...), make([]byte, MaxValueSize+1)...)},
		{"inner truncated", inner[:innerHeaderLen-1]},
		{"inner prefix short", inner[:len(inner)-1]},
		{"inner trailing byte", append(slices.Clone(inner), 0)},
		{"inner prefix past split", dirty},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := decodeNode(tc.in); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestStorageKey(t *testing.T) {
	t.Parallel()
	var pre Key
	pre[0] = 0xc0
	tests := []struct {
		pos  position
		want []byte
	}{
		{position{}, []byte{0, 0}},
		{childPos(&Key{}, 0, 1), []byte{0, 1, 0x80}},
		{childPos(&pre, 2, 1), []byte{0, 3, 0xe0}},
		{childPos(&pre, 7, 0), []byte{0, 8, 0xc0}},
		{childPos(&pre, 8, 1), []byte{0, 9, 0xc0, 0x80}},
		{childPos(&Key{}, 255, 1), append([]byte{1, 0}, append(make([]byte, 31), 0x01)...)},
	}
	for _, tc := range tests {
		if got := tc.pos.storageKey(); !bytes.Equal(got, tc.want) {
			t.Errorf("%s: key %x, want %x", tc.pos, got, tc.want)
		}
	}
}

// FuzzDecodeNode checks that decoding never panics, fails only with
// ErrCorrupt, and that what decodes re-encodes to the same bytes.
func FuzzDecodeNode(f *testing.F) {
	k := clusteredKey(0x5c)
	f.Add(newLeaf(&k, []byte("value")).encode())
	f.Add(newInner(0, &k, ValueHash(nil), ValueHash(nil)).encode())
	f.Add(newInner(77, &k, ValueHash(nil), ValueHash(nil)).encode())
	f.Add([]byte{0x01, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := decodeNode(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v is not ErrCorrupt", err)
			}
			return
		}
		if enc := n.encode(); !bytes.Equal(enc, b) {
			t.Fatalf("re-encode %x, want %x", enc, b)
		}
	})
}
