package keystore

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/quarry-chain/quarry/chain/types"
	"golang.org/x/crypto/scrypt"
)

// Decrypt opens a version 3 keystore file with password.
func Decrypt(keyJSON []byte, password string) (*Key, error) {
	return decrypt(keyJSON, password, defaultLimits())
}

func decrypt(keyJSON []byte, password string, lim kdfLimits) (*Key, error) {
	if len(keyJSON) > maxFileSize {
		return nil, fmt.Errorf("%w: %d bytes is too large", ErrMalformedKeystore, len(keyJSON))
	}
	var f fileJSON
	if err := json.Unmarshal(keyJSON, &f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedKeystore, err)
	}
	if f.Version != version3 {
		return nil, fmt.Errorf("%w: version %d", ErrUnsupportedVersion, f.Version)
	}
	if f.Crypto.Cipher != cipherAESCTR {
		return nil, fmt.Errorf("%w: %q", ErrUnsupportedCipher, f.Crypto.Cipher)
	}
	iv, err := decodeHexField("iv", f.Crypto.CipherParams.IV, ivLength, 0)
	if err != nil {
		return nil, err
	}
	ciphertext, err := decodeHexField("ciphertext", f.Crypto.CipherText, privateKeyLength, 0)
	if err != nil {
		return nil, err
	}
	wantMAC, err := decodeHexField("mac", f.Crypto.MAC, macLength, 0)
	if err != nil {
		return nil, err
	}
	var addr types.Address
	hasAddr := f.Address != ""
	if hasAddr {
		if addr, err = types.ParseAddress(f.Address); err != nil {
			return nil, fmt.Errorf("%w: address field: %v", ErrMalformedKeystore, err)
		}
	}

	dk, err := deriveKey(f.Crypto.KDF, f.Crypto.KDFParams, password, lim)
	if err != nil {
		return nil, err
	}
	defer clear(dk)

	// Check the MAC before touching the ciphertext, and in constant time so
	// that timing says nothing about how close a forged MAC came.
	mac := types.Keccak256(dk[16:32], ciphertext)
	if subtle.ConstantTimeCompare(mac[:], wantMAC) != 1 {
		return nil, ErrDecrypt
	}
	plain, err := aesCTR(dk[:16], iv, ciphertext)
	if err != nil {
		return nil, err
	}
	defer clear(plain)

	var scalar btcec.ModNScalar
	if overflow := scalar.SetByteSlice(plain); overflow || scalar.IsZero() {
		return nil, fmt.Errorf("%w: decrypted key is not a valid secp256k1 private key", ErrMalformedKeystore)
	}
	priv := btcec.PrivKeyFromScalar(&scalar)
	derived := types.PubkeyToAddress(priv.PubKey())
	if hasAddr && derived != addr {
		return nil, fmt.Errorf("%w: file names %s, key is %s", ErrAddressMismatch, addr.Hex(), derived.Hex())
	}
	return &Key{ID: f.ID, Address: derived, PrivateKey: priv}, nil
}

// deriveKey runs the file's KDF over password, after checking its
// parameters against lim.
func deriveKey(kdf string, raw json.RawMessage, password string, lim kdfLimits) ([]byte, error) {
	switch kdf {
	case kdfScrypt:
		var p scryptParamsJSON
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, fmt.Errorf("%w: kdfparams: %v", ErrMalformedKeystore, err)
		}
		salt, err := checkCommon(p.DKLen, p.Salt)
		if err != nil {
			return nil, err
		}
		if err := lim.checkScrypt(p.N, p.R, p.P); err != nil {
			return nil, err
		}
		dk, err := scrypt.Key([]byte(password), salt, p.N, p.R, p.P, p.DKLen)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnsupportedKDF, err)
		}
		return dk, nil
	case kdfPBKDF2:
		var p pbkdf2ParamsJSON
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, fmt.Errorf("%w: kdfparams: %v", ErrMalformedKeystore, err)
		}
		if p.PRF != prfSHA256 {
			return nil, fmt.Errorf("%w: pbkdf2 prf %q", ErrUnsupportedKDF, p.PRF)
		}
		salt, err := checkCommon(p.DKLen, p.Salt)
		if err != nil {
			return nil, err
		}
		if p.C < 1 || p.C > lim.maxPBKDF2Rounds {
			return nil, fmt.Errorf("%w: pbkdf2 c = %d out of range 1..%d", ErrUnsupportedKDF, p.C, lim.maxPBKDF2Rounds)
		}
		dk, err := pbkdf2.Key(sha256.New, password, salt, p.C, p.DKLen)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnsupportedKDF, err)
		}
		return dk, nil
	default:
		return nil, fmt.Errorf("%w: %q", ErrUnsupportedKDF, kdf)
	}
}

// checkCommon validates what both KDFs share: dklen and the salt.
func checkCommon(dkLen int, saltHex string) ([]byte, error) {
	if dkLen < minDKLen || dkLen > maxDKLen {
		return nil, fmt.Errorf("%w: dklen %d out of range %d..%d", ErrMalformedKeystore, dkLen, minDKLen, maxDKLen)
	}
	return decodeHexField("salt", saltHex, 0, maxSaltLength)
}
