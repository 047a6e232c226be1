package keystore

import "errors"

// Error kinds returned by this package, matched with errors.Is; each matches
// itself and no other.
var (
	// ErrDecrypt is returned when the MAC does not match: a wrong password,
	// or a file whose ciphertext or MAC has been altered. The two cannot be
	// told apart, by design of the format.
	ErrDecrypt = errors.New("keystore: could not decrypt key with given password")

	// ErrUnsupportedVersion is returned for a file whose version is not 3.
	ErrUnsupportedVersion = errors.New("keystore: unsupported keystore version")

	// ErrUnsupportedKDF is returned for a kdf other than scrypt or pbkdf2,
	// a pbkdf2 prf other than hmac-sha256, or parameters outside the range
	// this package accepts.
	ErrUnsupportedKDF = errors.New("keystore: unsupported key derivation function or parameters")

	// ErrUnsupportedCipher is returned for a cipher other than aes-128-ctr.
	ErrUnsupportedCipher = errors.New("keystore: unsupported cipher")

	// ErrMalformedKeystore is returned for a file that is not a well-formed
	// keystore: bad JSON, missing or badly encoded fields, wrong lengths, or
	// a decrypted value that is not a valid secp256k1 private key.
	ErrMalformedKeystore = errors.New("keystore: malformed keystore file")

	// ErrAddressMismatch is returned when the address recorded in a file is
	// not the address of the key it decrypts to.
	ErrAddressMismatch = errors.New("keystore: address in file does not match the key")

	// ErrNotFound is returned by Dir when no file holds the address.
	ErrNotFound = errors.New("keystore: no key for this address")

	// ErrAmbiguous is returned by Dir when several files hold the address.
	ErrAmbiguous = errors.New("keystore: several key files for this address")

	// ErrAccountExists is returned by Dir when storing a key whose address
	// already has a file.
	ErrAccountExists = errors.New("keystore: account already exists")
)
