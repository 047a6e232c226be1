package abi

import (
	"bytes"
	"testing"
)

// FuzzParseSignature: any text either parses to a method whose canonical
// signature parses back to itself, or fails with a typed error.
func FuzzParseSignature(f *testing.F) {
	for _, s := range []string{"transfer(address,uint256)", "balanceOf(address)(uint256)", "f(uint256[][2],bytes)", "f(", "f(uint7)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseSignature(s)
		if err != nil {
			return
		}
		again, err := ParseSignature(m.Signature())
		if err != nil || again.Signature() != m.Signature() {
			t.Fatalf("%q -> %q -> %v, %v", s, m.Signature(), again.Signature(), err)
		}
	})
}

// FuzzDecode: decoding arbitrary data never panics, and what decodes
// re-encodes to data that decodes to the same values.
func FuzzDecode(f *testing.F) {
	f.Add("uint256,string", []byte{})
	f.Add("bytes,bool,uint256[]", mustHexF("0000000000000000000000000000000000000000000000000000000000000060000000000000000000000000000000000000000000000000000000000000000100000000000000000000000000000000000000000000000000000000000000a0000000000000000000000000000000000000000000000000000000000000000464617665000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000003000000000000000000000000000000000000000000000000000000000000000100000000000000000000000000000000000000000000000000000000000000020000000000000000000000000000000000000000000000000000000000000003"))
	f.Add("uint8[][][]", bytes.Repeat([]byte{0}, 96))
	f.Fuzz(func(t *testing.T, typeList string, data []byte) {
		ts, err := ParseTypes(typeList)
		if err != nil {
			return
		}
		vals, err := Decode(ts, data)
		if err != nil {
			return
		}
		enc := Encode(vals)
		again, err := Decode(ts, enc)
		if err != nil {
			t.Fatalf("re-encoding does not decode: %v", err)
		}
		if !bytes.Equal(Encode(again), enc) {
			t.Fatal("encoding is not stable")
		}
	})
}

func mustHexF(s string) []byte {
	b := make([]byte, len(s)/2)
	for i := range b {
		b[i] = unhex(s[2*i])<<4 | unhex(s[2*i+1])
	}
	return b
}

func unhex(c byte) byte {
	if c >= 'a' {
		return c - 'a' + 10
	}
	return c - '0'
}
