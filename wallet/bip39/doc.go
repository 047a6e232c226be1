// Package bip39 turns entropy into a BIP-39 mnemonic sentence and back, and
// stretches a sentence into the 64-byte seed that BIP-32 key derivation
// starts from.
//
// Pipeline:
//
//	entropy (128..256 bits) -> entropy || SHA-256(entropy)[:ENT/32 bits]
//	                        -> 11-bit groups -> words of the English list
//	sentence, passphrase    -> PBKDF2-HMAC-SHA512(NFKD(sentence),
//	                           "mnemonic"+NFKD(passphrase), 2048, 64) = seed
//
// Only the English word list is built in (english.txt, byte-identical to the
// list published with BIP-39); it is what MetaMask, ethers, geth tooling and
// hardware wallets use by default.
//
// ParseMnemonic is liberal in layout and strict in content: it folds any run
// of Unicode white space to one ASCII space and upper case to lower case (so
// the canonical sentence, and therefore the seed, matches what other wallets
// compute), then insists on a valid word count, known words and a correct
// checksum. Both sentence and passphrase are NFKD-normalised before hashing,
// as BIP-39 requires, so a passphrase typed in composed or decomposed Unicode
// gives the same seed.
//
// Errors: ErrEntropyLength for entropy of a size BIP-39 does not allow;
// ErrInvalidMnemonic for a sentence with the wrong number of words (or none,
// or absurdly long input); ErrUnknownWord for a word that is not in the list;
// ErrChecksum for a sentence whose checksum bits do not match. Errors name a
// word by its position only, never by its text, since the words are secret.
package bip39
