package bip39

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParseMnemonic checks that any input either parses to a mnemonic that
// re-encodes to the same canonical sentence, or fails with one of the
// package's error kinds; never a panic.
func FuzzParseMnemonic(f *testing.F) {
	f.Add("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about")
	f.Add("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote")
	f.Add("LEGAL winner thank year wave sausage worth useful legal winner thank yellow")
	f.Add("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon")
	f.Add("")
	f.Add("\u3000\u212a\xff")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMnemonic(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidMnemonic) && !errors.Is(err, ErrUnknownWord) && !errors.Is(err, ErrChecksum) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		again, err := NewMnemonic(m.Entropy())
		if err != nil {
			t.Fatalf("entropy of a parsed mnemonic rejected: %v", err)
		}
		if again.String() != m.String() || !bytes.Equal(again.Entropy(), m.Entropy()) {
			t.Fatalf("round trip: %q -> %q", m, again)
		}
	})
}
