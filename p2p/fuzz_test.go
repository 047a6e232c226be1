package p2p

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzDecodeMessage checks that DecodeMessage never panics, that every
// error is ErrMalformed, and that what decodes re-encodes to the same bytes
// (the encoding is canonical: one message, one encoding).
func FuzzDecodeMessage(f *testing.F) {
	for _, m := range sampleMessages(f) {
		f.Add(EncodeMessage(m))
	}
	f.Add([]byte{})
	f.Add([]byte{byte(KindHeaders), 0xff, 0xff, 0x03})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeMessage(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
			return
		}
		if re := EncodeMessage(m); !bytes.Equal(re, b) {
			t.Fatalf("%v re-encodes differently:\nin  %x\nout %x", m.Kind(), b, re)
		}
	})
}
