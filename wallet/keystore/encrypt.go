package keystore

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"

	"github.com/quarry-chain/quarry/chain/types"
	"golang.org/x/crypto/scrypt"
)

// saltLength is the scrypt salt written into new files (geth and ethers use
// 32 bytes).
const saltLength = 32

// Encrypt seals k under password with scrypt at cost p and returns the
// version 3 JSON file, in the layout geth writes.
func Encrypt(k *Key, password string, p ScryptParams) ([]byte, error) {
	return encrypt(k, password, p, randomReader())
}

func encrypt(k *Key, password string, p ScryptParams, rand io.Reader) ([]byte, error) {
	if k == nil || k.PrivateKey == nil || k.PrivateKey.Key.IsZero() {
		return nil, fmt.Errorf("%w: no private key to encrypt", ErrMalformedKeystore)
	}
	if err := defaultLimits().checkScrypt(p.N, scryptR, p.P); err != nil {
		return nil, err
	}
	salt := make([]byte, saltLength)
	iv := make([]byte, ivLength)
	if _, err := io.ReadFull(rand, salt); err != nil {
		return nil, fmt.Errorf("keystore: reading randomness: %w", err)
	}
	if _, err := io.ReadFull(rand, iv); err != nil {
		return nil, fmt.Errorf("keystore: reading randomness: %w", err)
	}
	id := k.ID
	if id == "" {
		var err error
		if id, err = newUUID(rand); err != nil {
			return nil, err
		}
	}

	dk, err := scrypt.Key([]byte(password), salt, p.N, scryptR, p.P, derivedKeyLength)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupportedKDF, err)
	}
	defer clear(dk)

	plain := k.PrivateKey.Key.Bytes()
	defer clear(plain[:])
	ciphertext, err := aesCTR(dk[:16], iv, plain[:])
	if err != nil {
		return nil, err
	}
	mac := types.Keccak256(dk[16:32], ciphertext)

	kdfParams, err := json.Marshal(scryptParamsJSON{
		DKLen: derivedKeyLength,
		N:     p.N,
		P:     p.P,
		R:     scryptR,
		Salt:  hex.EncodeToString(salt),
	})
	if err != nil {
		return nil, fmt.Errorf("keystore: encoding kdfparams: %w", err)
	}
	addr := types.PubkeyToAddress(k.PrivateKey.PubKey())
	return json.Marshal(fileJSON{
		// geth writes the address as bare lower-case hex.
		Address: hex.EncodeToString(addr[:]),
		Crypto: cryptoJSON{
			Cipher:       cipherAESCTR,
			CipherText:   hex.EncodeToString(ciphertext),
			CipherParams: cipherParamsJSON{IV: hex.EncodeToString(iv)},
			KDF:          kdfScrypt,
			KDFParams:    kdfParams,
			MAC:          hex.EncodeToString(mac[:]),
		},
		ID:      id,
		Version: version3,
	})
}

// aesCTR encrypts or decrypts (the same operation) in with AES-CTR.
func aesCTR(key, iv, in []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("keystore: aes: %w", err)
	}
	out := make([]byte, len(in))
	cipher.NewCTR(block, iv).XORKeyStream(out, in)
	return out, nil
}
