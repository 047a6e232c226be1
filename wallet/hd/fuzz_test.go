package hd

import (
	"errors"
	"slices"
	"testing"
)

// FuzzParsePath: any string either parses to a path whose String form parses
// back to the same path, or fails with ErrInvalidPath.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"m", "m/44'/60'/0'/0/0", "m/0h/1H/2", "m/2147483648", "m//", "", "m/01'", "m/４"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePath(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidPath) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		again, err := ParsePath(p.String())
		if err != nil || !slices.Equal(again, p) {
			t.Fatalf("%q -> %s does not round-trip: %v", s, p, err)
		}
	})
}

// FuzzParseExtendedKey: any string either parses to a key that serialises
// back to the same string, or fails with ErrMalformedKey.
func FuzzParseExtendedKey(f *testing.F) {
	for _, s := range []string{
		"xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi",
		"xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8",
		"xpub661MyMwAqRbcEYS8w7XLSVeEsBXy79zSzH1J8vCdxAZningWLdN3zgtU6Q5JXayek4PRsn35jii4veMimro1xefsM58PgBMrvdYre8QyULY",
		"", "1", "0OIl",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseExtendedKey(s)
		if err != nil {
			if !errors.Is(err, ErrMalformedKey) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if got := k.String(); got != s {
			t.Fatalf("%q re-serialises as %q", s, got)
		}
	})
}
