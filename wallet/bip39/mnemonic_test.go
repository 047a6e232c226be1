package bip39

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

// trezorVectors is testdata/trezor_english.json: the published BIP-39
// English test vectors, [entropy, mnemonic, seed, xprv] with passphrase
// "TREZOR".
type trezorVectors struct {
	Passphrase string      `json:"passphrase"`
	English    [][4]string `json:"english"`
}

func loadTrezor(t *testing.T) trezorVectors {
	t.Helper()
	raw, err := os.ReadFile("testdata/trezor_english.json")
	if err != nil {
		t.Fatal(err)
	}
	var v trezorVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if v.Passphrase != "TREZOR" || len(v.English) != 24 {
		t.Fatalf("unexpected vector file: passphrase %q, %d vectors", v.Passphrase, len(v.English))
	}
	return v
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTrezorVectors(t *testing.T) {
	t.Parallel()
	v := loadTrezor(t)
	for _, vec := range v.English {
		entropy, sentence, seedHex := vec[0], vec[1], vec[2]
		t.Run(entropy, func(t *testing.T) {
			t.Parallel()
			m, err := NewMnemonic(mustHex(t, entropy))
			if err != nil {
				t.Fatal(err)
			}
			if m.String() != sentence {
				t.Fatalf("NewMnemonic = %q, want %q", m, sentence)
			}
			p, err := ParseMnemonic(sentence)
			if err != nil {
				t.Fatalf("ParseMnemonic: %v", err)
			}
			if got := hex.EncodeToString(p.Entropy()); got != entropy {
				t.Fatalf("entropy = %s, want %s", got, entropy)
			}
			seed, err := p.Seed(v.Passphrase)
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(seed); got != seedHex {
				t.Fatalf("seed = %s, want %s", got, seedHex)
			}
		})
	}
}

func TestSeedWithoutPassphrase(t *testing.T) {
	t.Parallel()
	// A widely reproduced value: the seed of the all-zero 12-word sentence
	// with an empty passphrase.
	const want = "5eb00bbddcf069084889a8ab9155568165f5c453ccb85e70811aaed6f6da5fc19a5ac40b389cd370d086206dec8aa6c43daea6690f20ad3d8d48b2d2ce9e38e4"
	seed, err := Seed("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(seed); got != want {
		t.Fatalf("seed = %s, want %s", got, want)
	}
}

func TestSeedNormalisesPassphrase(t *testing.T) {
	t.Parallel()
	const sentence = "legal winner thank year wave sausage worth useful legal winner thank yellow"
	composed, err := Seed(sentence, "caf\u00e9") // é as one code point (NFC)
	if err != nil {
		t.Fatal(err)
	}
	decomposed, err := Seed(sentence, "cafe\u0301") // e + combining acute (NFD)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(composed, decomposed) {
		t.Fatal("NFC and NFD spellings of one passphrase give different seeds")
	}
	plain, err := Seed(sentence, "cafe")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(composed, plain) {
		t.Fatal("accent dropped: \"café\" and \"cafe\" give the same seed")
	}
}

func TestParseMnemonicCanonicalises(t *testing.T) {
	t.Parallel()
	const canonical = "legal winner thank year wave sausage worth useful legal winner thank yellow"
	for name, in := range map[string]string{
		"canonical":   canonical,
		"upper case":  strings.ToUpper(canonical),
		"extra space": "  legal  winner\tthank\nyear wave sausage worth useful legal winner thank yellow \n",
		"ideographic": strings.ReplaceAll(canonical, " ", "\u3000"),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m, err := ParseMnemonic(in)
			if err != nil {
				t.Fatal(err)
			}
			if m.String() != canonical {
				t.Fatalf("canonical form %q, want %q", m, canonical)
			}
			if len(m.Words()) != 12 {
				t.Fatalf("Words() has %d words", len(m.Words()))
			}
		})
	}
}

func TestParseMnemonicErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", ErrInvalidMnemonic},
		{"eleven words", "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", ErrInvalidMnemonic},
		{"thirteen words", "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", ErrInvalidMnemonic},
		{"twenty-seven words", strings.Repeat("abandon ", 26) + "about", ErrInvalidMnemonic},
		{"too long", strings.Repeat(" ", 2000) + "abandon", ErrInvalidMnemonic},
		{"unknown word", "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abolish", ErrUnknownWord},
		{"kelvin sign", "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon \u212Aey", ErrUnknownWord},
		{"prefix only", "aban abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", ErrUnknownWord},
		{"bad checksum", "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon", ErrChecksum},
		{"bad checksum 24", strings.Repeat("zoo ", 23) + "zoo", ErrChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseMnemonic(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestUnknownWordErrorHidesWord(t *testing.T) {
	t.Parallel()
	_, err := ParseMnemonic("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon secretish")
	if !errors.Is(err, ErrUnknownWord) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "secretish") {
		t.Fatalf("error %q repeats the secret word", err)
	}
	if !strings.Contains(err.Error(), "word 12") {
		t.Fatalf("error %q does not name the position", err)
	}
}

func TestNewMnemonicEntropyLength(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 15, 17, 18, 33, 64} {
		if _, err := NewMnemonic(make([]byte, n)); !errors.Is(err, ErrEntropyLength) {
			t.Errorf("%d bytes: err = %v, want ErrEntropyLength", n, err)
		}
	}
	for _, bits := range []int{0, 96, 127, 129, 288} {
		if _, err := GenerateMnemonic(bits); !errors.Is(err, ErrEntropyLength) {
			t.Errorf("GenerateMnemonic(%d): err = %v, want ErrEntropyLength", bits, err)
		}
	}
}

func TestGenerateMnemonicRoundTrip(t *testing.T) {
	t.Parallel()
	for _, bits := range []int{128, 160, 192, 224, 256} {
		m, err := GenerateMnemonic(bits)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(m.Words()), (bits+bits/32)/11; got != want {
			t.Fatalf("%d bits: %d words, want %d", bits, got, want)
		}
		p, err := ParseMnemonic(m.String())
		if err != nil {
			t.Fatalf("%d bits: reparse: %v", bits, err)
		}
		if !bytes.Equal(p.Entropy(), m.Entropy()) || len(m.Entropy()) != bits/8 {
			t.Fatalf("%d bits: entropy does not round-trip", bits)
		}
	}
}

func TestZeroMnemonicSeed(t *testing.T) {
	t.Parallel()
	if _, err := (Mnemonic{}).Seed(""); !errors.Is(err, ErrInvalidMnemonic) {
		t.Fatalf("err = %v, want ErrInvalidMnemonic", err)
	}
}

func TestErrorKindsAreDistinct(t *testing.T) {
	t.Parallel()
	kinds := []error{ErrEntropyLength, ErrInvalidMnemonic, ErrUnknownWord, ErrChecksum, ErrSeed}
	for i, a := range kinds {
		for j, b := range kinds {
			if got := errors.Is(a, b); got != (i == j) {
				t.Errorf("errors.Is(%v, %v) = %v", a, b, got)
			}
		}
	}
}

func BenchmarkSeed(b *testing.B) {
	m, err := ParseMnemonic("test test test test test test test test test test test junk")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := m.Seed(""); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseMnemonic(b *testing.B) {
	const s = "void come effort suffer camp survey warrior heavy shoot primary clutch crush open amazing screen patrol group space point ten exist slush involve unfold"
	for b.Loop() {
		if _, err := ParseMnemonic(s); err != nil {
			b.Fatal(err)
		}
	}
}
