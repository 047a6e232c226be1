package bip39

import (
	"crypto/pbkdf2"
	"crypto/sha512"
	"fmt"

	"golang.org/x/text/unicode/norm"
)

// BIP-39 seed stretching parameters; fixed by the standard, since every
// wallet must derive the same seed from the same sentence.
const (
	seedIterations = 2048       // PBKDF2 rounds
	SeedLength     = 64         // bytes of seed (one HMAC-SHA512 block)
	saltPrefix     = "mnemonic" // prepended to the passphrase to form the salt
)

// Seed stretches any sentence and passphrase into a 64-byte seed, without
// validating the sentence (BIP-39 defines the seed for any string, and
// some wallets derive from sentences they do not check). Prefer
// Mnemonic.Seed, which only runs on a validated sentence.
//
// Both inputs are normalised to Unicode NFKD first, as BIP-39 specifies; for
// ASCII text this changes nothing.
func Seed(sentence, passphrase string) ([]byte, error) {
	password := norm.NFKD.String(sentence)
	salt := []byte(saltPrefix + norm.NFKD.String(passphrase))
	seed, err := pbkdf2.Key(sha512.New, password, salt, seedIterations, SeedLength)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSeed, err)
	}
	return seed, nil
}
