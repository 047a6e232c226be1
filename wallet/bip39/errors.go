package bip39

import "errors"

// Error kinds returned by this package, matched with errors.Is. Each is
// distinct: a caller that only wants "is this sentence usable" checks for
// any of the three parse errors.
var (
	// ErrEntropyLength is returned for entropy that is not 128, 160, 192,
	// 224 or 256 bits long.
	ErrEntropyLength = errors.New("bip39: entropy must be 128 to 256 bits in steps of 32")

	// ErrInvalidMnemonic is returned for a sentence that does not have 12,
	// 15, 18, 21 or 24 words.
	ErrInvalidMnemonic = errors.New("bip39: invalid mnemonic")

	// ErrUnknownWord is returned for a word that is not in the word list.
	ErrUnknownWord = errors.New("bip39: word not in the BIP-39 English list")

	// ErrChecksum is returned when the checksum bits carried by the last word
	// do not match the SHA-256 of the entropy.
	ErrChecksum = errors.New("bip39: mnemonic checksum mismatch")

	// ErrSeed is returned when the platform's PBKDF2 refuses to run (only in
	// a FIPS 140-only mode, whose salt-length rule BIP-39 cannot meet).
	ErrSeed = errors.New("bip39: seed derivation failed")
)
