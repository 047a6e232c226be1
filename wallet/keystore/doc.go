// Package keystore reads and writes Ethereum keystore files (version 3 of
// the Web3 Secret Storage Definition), the password-encrypted key files
// geth, ethers, MetaMask exports and most Ethereum tools exchange, and keeps
// a directory of them.
//
// Encryption pipeline (Encrypt):
//
//	password --scrypt(salt, N, r=8, p, 32 bytes)--> derived key DK
//	ciphertext = AES-128-CTR(key DK[0:16], random iv, private key)
//	mac        = Keccak-256(DK[16:32] || ciphertext)
//	file       = JSON {address, crypto{cipher, cipherparams{iv}, ciphertext,
//	             kdf, kdfparams, mac}, id (random UUID v4), version 3}
//
// Decrypt runs it backwards for files whose kdf is "scrypt" or "pbkdf2"
// (PBKDF2-HMAC-SHA256) and whose cipher is "aes-128-ctr". It checks the MAC
// in constant time before decrypting anything, then checks that the key is a
// valid secp256k1 scalar and, when the file names an address, that the
// address belongs to the key.
//
// Standard scrypt parameters (N = 2^18, p = 1; about a second and 256 MiB)
// are what geth writes; Light ones (N = 2^12) are for tests and development
// chains only. Decrypt refuses key-derivation costs far beyond what any tool
// writes (more than 1 GiB of scrypt memory, p > 16, more than 2^24 PBKDF2
// rounds) so a hostile file cannot exhaust the machine.
//
// Dir manages a keystore directory the way geth does: one file per account
// named UTC--<time>--<address>, files written atomically with mode 0600 in a
// directory created with mode 0700.
//
// Errors: ErrDecrypt (wrong password or a file whose MAC does not match),
// ErrUnsupportedVersion, ErrUnsupportedKDF (unknown kdf, prf or parameters
// out of range), ErrUnsupportedCipher, ErrMalformedKeystore (anything else
// wrong with the file), ErrAddressMismatch (the file's address is not the
// key's); from Dir, ErrNotFound, ErrAmbiguous and ErrAccountExists. Error
// messages never contain passwords or key material.
package keystore
