package bip39

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"strings"
)

// Entropy sizes BIP-39 allows, in bits. The checksum is ENT/32 bits, so the
// sentence length ENT+ENT/32 is always a multiple of 11.
const (
	MinEntropyBits = 128 // 12 words
	MaxEntropyBits = 256 // 24 words
)

// maxInputBytes bounds what ParseMnemonic reads: 24 words of at most 8
// letters and generous white space fit in far less; anything longer is not a
// mnemonic and is refused before any work is done on it.
const maxInputBytes = 1024

// Mnemonic is a valid BIP-39 sentence together with the entropy it encodes.
// The zero value is not valid; build one with NewMnemonic, GenerateMnemonic
// or ParseMnemonic.
type Mnemonic struct {
	sentence string // canonical: lower-case words joined by one ASCII space
	entropy  []byte
}

// NewMnemonic encodes entropy (16, 20, 24, 28 or 32 bytes) as a sentence.
func NewMnemonic(entropy []byte) (Mnemonic, error) {
	bits := len(entropy) * 8
	if bits < MinEntropyBits || bits > MaxEntropyBits || bits%32 != 0 {
		return Mnemonic{}, fmt.Errorf("%w: have %d bits", ErrEntropyLength, bits)
	}
	checksumBits := bits / 32
	sum := sha256.Sum256(entropy)
	// The checksum (at most 8 bits) is the top bits of the hash's first
	// byte, so appending that byte lets one bit reader walk the whole string.
	buf := append(append(make([]byte, 0, len(entropy)+1), entropy...), sum[0])

	words := english()
	n := (bits + checksumBits) / bitsPerWord
	out := make([]string, n)
	for i := range n {
		out[i] = words[readBits(buf, i*bitsPerWord, bitsPerWord)]
	}
	return Mnemonic{
		sentence: strings.Join(out, " "),
		entropy:  append([]byte(nil), entropy...),
	}, nil
}

// GenerateMnemonic draws bits of entropy from crypto/rand and encodes them.
func GenerateMnemonic(bits int) (Mnemonic, error) {
	if bits < MinEntropyBits || bits > MaxEntropyBits || bits%32 != 0 {
		return Mnemonic{}, fmt.Errorf("%w: have %d bits", ErrEntropyLength, bits)
	}
	entropy := make([]byte, bits/8)
	if _, err := rand.Read(entropy); err != nil {
		return Mnemonic{}, fmt.Errorf("bip39: reading entropy: %w", err)
	}
	return NewMnemonic(entropy)
}

// ParseMnemonic validates a sentence: word count, every word in the list,
// and the checksum. White space between words may be any run of Unicode
// spaces and letters may be upper case; the returned Mnemonic holds the
// canonical form (lower case, single spaces), which is what Seed hashes.
func ParseMnemonic(s string) (Mnemonic, error) {
	if len(s) > maxInputBytes {
		return Mnemonic{}, fmt.Errorf("%w: input of %d bytes is too long", ErrInvalidMnemonic, len(s))
	}
	fields := strings.Fields(s)
	n := len(fields)
	if n < 12 || n > 24 || n%3 != 0 {
		return Mnemonic{}, fmt.Errorf("%w: have %d words, want 12, 15, 18, 21 or 24", ErrInvalidMnemonic, n)
	}
	total := n * bitsPerWord
	checksumBits := total / 33 // ENT + ENT/32 = total, so ENT/32 = total/33
	entropyBits := total - checksumBits

	buf := make([]byte, (total+7)/8)
	for i, f := range fields {
		w := asciiLower(f)
		idx, ok := wordIndex(w)
		if !ok {
			// Position only: the word is part of a secret.
			return Mnemonic{}, fmt.Errorf("%w: word %d", ErrUnknownWord, i+1)
		}
		fields[i] = w
		writeBits(buf, i*bitsPerWord, bitsPerWord, idx)
	}
	entropy := buf[:entropyBits/8]
	sum := sha256.Sum256(entropy)
	want := int(sum[0] >> (8 - checksumBits))
	if got := readBits(buf, entropyBits, checksumBits); got != want {
		return Mnemonic{}, ErrChecksum
	}
	return Mnemonic{
		sentence: strings.Join(fields, " "),
		entropy:  append([]byte(nil), entropy...),
	}, nil
}

// String returns the canonical sentence. It is the secret itself: callers
// decide where it may be shown.
func (m Mnemonic) String() string { return m.sentence }

// Words returns the words of the sentence.
func (m Mnemonic) Words() []string { return strings.Fields(m.sentence) }

// Entropy returns a copy of the entropy the sentence encodes.
func (m Mnemonic) Entropy() []byte { return append([]byte(nil), m.entropy...) }

// Seed derives the 64-byte BIP-39 seed of m under passphrase (empty for
// none).
func (m Mnemonic) Seed(passphrase string) ([]byte, error) {
	if m.sentence == "" {
		return nil, fmt.Errorf("%w: zero Mnemonic", ErrInvalidMnemonic)
	}
	return Seed(m.sentence, passphrase)
}

// asciiLower folds A-Z to a-z and leaves every other byte alone, so that
// only ASCII spellings of a list word can match (Unicode case folding would
// let, say, the Kelvin sign stand in for "k").
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}

// readBits returns n (<= 16) bits of b starting at bit offset start, most
// significant bit first.
func readBits(b []byte, start, n int) int {
	v := 0
	for i := start; i < start+n; i++ {
		v = v<<1 | int(b[i/8]>>(7-i%8)&1)
	}
	return v
}

// writeBits stores the low n bits of v into b at bit offset start, most
// significant bit first. b must start zeroed at those positions.
func writeBits(b []byte, start, n, v int) {
	for i := range n {
		if v>>(n-1-i)&1 == 1 {
			pos := start + i
			b[pos/8] |= 1 << (7 - pos%8)
		}
	}
}
