package wallet

import (
	"fmt"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/wallet/bip39"
	"github.com/quarry-chain/quarry/wallet/hd"
)

// Account is a key derived from a mnemonic: where it sits in the tree, its
// private key and its address.
type Account struct {
	Path       hd.Path
	Address    types.Address
	PrivateKey *btcec.PrivateKey
}

// DeriveAccount returns Ethereum account index of a mnemonic: the key at
// m/44'/60'/0'/0/index under the BIP-39 seed of mnemonic and passphrase
// (empty for none).
func DeriveAccount(mnemonic, passphrase string, index uint32) (Account, error) {
	path, err := hd.EthereumPath(index)
	if err != nil {
		return Account{}, err
	}
	master, err := masterKey(mnemonic, passphrase)
	if err != nil {
		return Account{}, err
	}
	return accountAt(master, path)
}

// DeriveAccounts returns accounts 0 to count-1, deriving the shared
// m/44'/60'/0'/0 node once.
func DeriveAccounts(mnemonic, passphrase string, count uint32) ([]Account, error) {
	if count >= hd.HardenedOffset {
		return nil, fmt.Errorf("%w: %d accounts", hd.ErrInvalidPath, count)
	}
	master, err := masterKey(mnemonic, passphrase)
	if err != nil {
		return nil, err
	}
	base, err := hd.EthereumPath(0)
	if err != nil {
		return nil, err
	}
	base = base[:len(base)-1]
	parent, err := master.Derive(base)
	if err != nil {
		return nil, err
	}
	out := make([]Account, 0, count)
	for i := range count {
		child, err := parent.Child(i)
		if err != nil {
			return nil, fmt.Errorf("account %d: %w", i, err)
		}
		acct, err := accountOf(child, append(append(hd.Path(nil), base...), i))
		if err != nil {
			return nil, err
		}
		out = append(out, acct)
	}
	return out, nil
}

// DerivePath returns the key at any path (for wallets that use another
// layout, such as Ledger Live's m/44'/60'/i'/0/0).
func DerivePath(mnemonic, passphrase, path string) (Account, error) {
	p, err := hd.ParsePath(path)
	if err != nil {
		return Account{}, err
	}
	master, err := masterKey(mnemonic, passphrase)
	if err != nil {
		return Account{}, err
	}
	return accountAt(master, p)
}

// masterKey validates mnemonic and returns the BIP-32 master key of its
// seed.
func masterKey(mnemonic, passphrase string) (*hd.ExtendedKey, error) {
	m, err := bip39.ParseMnemonic(mnemonic)
	if err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	seed, err := m.Seed(passphrase)
	if err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	defer clear(seed)
	master, err := hd.NewMaster(seed)
	if err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	return master, nil
}

func accountAt(master *hd.ExtendedKey, path hd.Path) (Account, error) {
	k, err := master.Derive(path)
	if err != nil {
		return Account{}, fmt.Errorf("wallet: %w", err)
	}
	return accountOf(k, path)
}

func accountOf(k *hd.ExtendedKey, path hd.Path) (Account, error) {
	priv, err := k.PrivateKey()
	if err != nil {
		return Account{}, fmt.Errorf("wallet: %w", err)
	}
	return Account{
		Path:       path,
		Address:    types.PubkeyToAddress(priv.PubKey()),
		PrivateKey: priv,
	}, nil
}
