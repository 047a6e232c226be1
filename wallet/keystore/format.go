package keystore

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// Names of the algorithms this package writes and reads, as they appear in
// the file.
const (
	version3     = 3
	cipherAESCTR = "aes-128-ctr"
	kdfScrypt    = "scrypt"
	kdfPBKDF2    = "pbkdf2"
	prfSHA256    = "hmac-sha256"
)

// Field sizes fixed by the format and by secp256k1.
const (
	ivLength         = 16 // AES block size
	macLength        = 32 // Keccak-256
	privateKeyLength = 32 // secp256k1 scalar
	maxSaltLength    = 1024
	minDKLen         = 32 // the spec: dklen must be >= 32
	maxDKLen         = 64 // no tool writes more; bounds the work
	maxFileSize      = 64 << 10
)

// fileJSON is the top level of a version 3 file. encoding/json matches keys
// case-insensitively, so old files that spell it "Crypto" read too.
type fileJSON struct {
	Address string     `json:"address,omitempty"`
	Crypto  cryptoJSON `json:"crypto"`
	ID      string     `json:"id"`
	Version int        `json:"version"`
}

type cryptoJSON struct {
	Cipher       string           `json:"cipher"`
	CipherText   string           `json:"ciphertext"`
	CipherParams cipherParamsJSON `json:"cipherparams"`
	KDF          string           `json:"kdf"`
	KDFParams    json.RawMessage  `json:"kdfparams"`
	MAC          string           `json:"mac"`
}

type cipherParamsJSON struct {
	IV string `json:"iv"`
}

// scryptParamsJSON is kdfparams for kdf "scrypt". Field order is the one
// geth writes.
type scryptParamsJSON struct {
	DKLen int    `json:"dklen"`
	N     int    `json:"n"`
	P     int    `json:"p"`
	R     int    `json:"r"`
	Salt  string `json:"salt"`
}

// pbkdf2ParamsJSON is kdfparams for kdf "pbkdf2".
type pbkdf2ParamsJSON struct {
	C     int    `json:"c"`
	DKLen int    `json:"dklen"`
	PRF   string `json:"prf"`
	Salt  string `json:"salt"`
}

// decodeHexField decodes a hex field of the file, with or without a 0x
// prefix, requiring exactly want bytes (or 1..max bytes when want is 0).
func decodeHexField(name, s string, want, max int) ([]byte, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not hex", ErrMalformedKeystore, name)
	}
	switch {
	case want > 0 && len(b) != want:
		return nil, fmt.Errorf("%w: %s is %d bytes, want %d", ErrMalformedKeystore, name, len(b), want)
	case want == 0 && (len(b) == 0 || len(b) > max):
		return nil, fmt.Errorf("%w: %s is %d bytes, want 1..%d", ErrMalformedKeystore, name, len(b), max)
	}
	return b, nil
}
