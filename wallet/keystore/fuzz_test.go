package keystore

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
)

// fuzzPassword opens the seed file fuzzSeedFile, so that mutations of it
// reach the MAC check and the code after it.
const fuzzPassword = "fuzz"

// fuzzLimits keep each input cheap: light scrypt files (4 MiB) still open,
// anything costlier is refused before any work.
func fuzzLimits() kdfLimits {
	return kdfLimits{maxScryptMemory: 4 << 20, maxScryptP: 2, maxScryptR: 8, maxPBKDF2Rounds: 1 << 10}
}

// fuzzSeedFile is a light-scrypt keystore of the key 0x11...11 under
// fuzzPassword, made with a fixed random stream so it is reproducible.
func fuzzSeedFile(f *testing.F) []byte {
	f.Helper()
	priv, _ := btcec.PrivKeyFromBytes(bytes.Repeat([]byte{0x11}, 32))
	k := &Key{ID: "11111111-1111-4111-8111-111111111111", PrivateKey: priv}
	data, err := encrypt(k, fuzzPassword, LightScrypt(), bytes.NewReader(bytes.Repeat([]byte{0x5a}, 64)))
	if err != nil {
		f.Fatal(err)
	}
	return data
}

// FuzzDecryptKeystore: any bytes either decrypt to a key whose address is
// consistent, or fail with one of the package's error kinds; never a panic
// and never unbounded work.
func FuzzDecryptKeystore(f *testing.F) {
	f.Add(fuzzSeedFile(f))
	f.Add([]byte(`{"version":3,"crypto":{"kdf":"pbkdf2","kdfparams":{"c":1,"dklen":32,"prf":"hmac-sha256","salt":"00"},"cipher":"aes-128-ctr","cipherparams":{"iv":"00000000000000000000000000000000"},"ciphertext":"` + hex.EncodeToString(make([]byte, 32)) + `","mac":"` + hex.EncodeToString(make([]byte, 32)) + `"}}`))
	f.Add([]byte(`{"version":3}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"Crypto":{"kdfparams":{"n":1e99}}}`))
	kinds := []error{ErrDecrypt, ErrUnsupportedVersion, ErrUnsupportedKDF, ErrUnsupportedCipher,
		ErrMalformedKeystore, ErrAddressMismatch}
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := decrypt(data, fuzzPassword, fuzzLimits())
		if err != nil {
			for _, kind := range kinds {
				if errors.Is(err, kind) {
					return
				}
			}
			t.Fatalf("untyped error %v", err)
		}
		if k.PrivateKey == nil || k.PrivateKey.Key.IsZero() {
			t.Fatal("decrypted to no key")
		}
	})
}
