package types

import (
	"bytes"
	"testing"
)

// FuzzDecodeTransaction: whatever decodes must re-encode to the identical
// bytes and hash to their Keccak-256; recovering its sender, its intrinsic
// gas and its cost must return (a value or an error) without panicking.
// Seeds: f.Add below plus testdata/fuzz/FuzzDecodeTransaction.
func FuzzDecodeTransaction(f *testing.F) {
	for _, tx := range sampleTxs(f) {
		f.Add(tx.Encode())
	}
	for _, v := range loadTxVectors(f) {
		if v.Raw != "" {
			f.Add(unhex(f, v.Raw))
		}
	}
	f.Add([]byte{})
	f.Add([]byte{0x02, 0xc0})
	f.Add([]byte{0x01, 0xcb, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0xc0, 0x80, 0x80, 0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		tx, err := DecodeTransaction(b)
		if err != nil {
			if tx != nil {
				t.Fatal("transaction returned with an error")
			}
			return
		}
		if enc := tx.encode(); !bytes.Equal(enc, b) {
			t.Fatalf("round trip:\n in %x\nout %x", b, enc)
		}
		if tx.Hash() != Keccak256(b) || tx.Size() != len(b) {
			t.Fatal("hash or size disagree with the input")
		}
		for _, id := range []uint64{0, 1, tx.ChainID} {
			if from, err := NewSigner(id).Sender(tx); err == nil && from.IsZero() && tx.R.IsZero() {
				t.Fatal("sender recovered from an empty signature")
			}
		}
		_, _ = IntrinsicGas(tx)
		_, _ = tx.Cost()
		_ = tx.EffectiveGasPrice()
	})
}
