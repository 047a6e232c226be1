package keystore

import (
	"fmt"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/quarry-chain/quarry/chain/types"
)

// Key is a decrypted account key: the secp256k1 private key, its address,
// and the id of the file it lives in (kept when a file is re-encrypted, as
// geth does).
type Key struct {
	ID         string
	Address    types.Address
	PrivateKey *btcec.PrivateKey
}

// NewKey wraps priv in a Key with a fresh random id.
func NewKey(priv *btcec.PrivateKey) (*Key, error) {
	if priv == nil || priv.Key.IsZero() {
		return nil, fmt.Errorf("%w: zero private key", ErrMalformedKeystore)
	}
	id, err := newUUID(randomReader())
	if err != nil {
		return nil, err
	}
	return &Key{ID: id, Address: types.PubkeyToAddress(priv.PubKey()), PrivateKey: priv}, nil
}

// GenerateKey draws a new private key from crypto/rand.
func GenerateKey() (*Key, error) {
	priv, err := btcec.NewPrivateKey()
	if err != nil {
		return nil, fmt.Errorf("keystore: generating key: %w", err)
	}
	return NewKey(priv)
}
