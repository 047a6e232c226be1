package wallet

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/wallet/bip39"
	"github.com/quarry-chain/quarry/wallet/hd"
)

// anvilAccounts is testdata/anvil_accounts.json: the ten development
// accounts anvil and hardhat derive from "test test ... junk".
type anvilAccounts struct {
	Mnemonic string `json:"mnemonic"`
	Accounts []struct {
		Index      uint32 `json:"index"`
		Address    string `json:"address"`
		PrivateKey string `json:"privateKey"`
	} `json:"accounts"`
}

func loadAnvil(t *testing.T) anvilAccounts {
	t.Helper()
	raw, err := os.ReadFile("testdata/anvil_accounts.json")
	if err != nil {
		t.Fatal(err)
	}
	var a anvilAccounts
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatal(err)
	}
	if len(a.Accounts) != 10 {
		t.Fatalf("have %d accounts, want 10", len(a.Accounts))
	}
	return a
}

func TestDeriveAccountAnvil(t *testing.T) {
	t.Parallel()
	a := loadAnvil(t)
	for _, want := range a.Accounts {
		t.Run(want.Address, func(t *testing.T) {
			t.Parallel()
			acct, err := DeriveAccount(a.Mnemonic, "", want.Index)
			if err != nil {
				t.Fatal(err)
			}
			// Compare in EIP-55 form: the vector's mixed case is checked too.
			if got := acct.Address.Hex(); got != want.Address {
				t.Errorf("address = %s, want %s", got, want.Address)
			}
			if got := hex.EncodeToString(acct.PrivateKey.Serialize()); got != want.PrivateKey {
				t.Errorf("private key = %s, want %s", got, want.PrivateKey)
			}
			if got, want := acct.Path.String(), "m/44'/60'/0'/0/"+itoa(want.Index); got != want {
				t.Errorf("path = %s, want %s", got, want)
			}
		})
	}
}

func TestDeriveAccountsMatchesDeriveAccount(t *testing.T) {
	t.Parallel()
	a := loadAnvil(t)
	all, err := DeriveAccounts(a.Mnemonic, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	for i, acct := range all {
		if got := acct.Address.Hex(); got != a.Accounts[i].Address {
			t.Errorf("account %d = %s, want %s", i, got, a.Accounts[i].Address)
		}
		if acct.Path.String() != "m/44'/60'/0'/0/"+itoa(uint32(i)) {
			t.Errorf("account %d path %s", i, acct.Path)
		}
	}
}

func TestDerivePath(t *testing.T) {
	t.Parallel()
	a := loadAnvil(t)
	acct, err := DerivePath(a.Mnemonic, "", "m/44h/60h/0h/0/2")
	if err != nil {
		t.Fatal(err)
	}
	if got := acct.Address.Hex(); got != a.Accounts[2].Address {
		t.Fatalf("address = %s, want %s", got, a.Accounts[2].Address)
	}
}

func TestPassphraseChangesAccounts(t *testing.T) {
	t.Parallel()
	a := loadAnvil(t)
	acct, err := DeriveAccount(a.Mnemonic, "TREZOR", 0)
	if err != nil {
		t.Fatal(err)
	}
	if acct.Address.Hex() == a.Accounts[0].Address {
		t.Fatal("a passphrase gave the same account as none")
	}
	if acct.Address != types.PubkeyToAddress(acct.PrivateKey.PubKey()) {
		t.Fatal("address does not belong to the key")
	}
}

func TestDeriveAccountErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		mnemonic string
		path     string
		index    uint32
		want     error
	}{
		{"bad checksum", "test test test test test test test test test test test test", "", 0, bip39.ErrChecksum},
		{"unknown word", "test test test test test test test test test test test junky", "", 0, bip39.ErrUnknownWord},
		{"too few words", "test junk", "", 0, bip39.ErrInvalidMnemonic},
		{"hardened index", "test test test test test test test test test test test junk", "", hd.HardenedOffset, hd.ErrInvalidPath},
		{"bad path", "test test test test test test test test test test test junk", "m/44'/x", 0, hd.ErrInvalidPath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var err error
			if tt.path != "" {
				_, err = DerivePath(tt.mnemonic, "", tt.path)
			} else {
				_, err = DeriveAccount(tt.mnemonic, "", tt.index)
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := DeriveAccounts("test test test test test test test test test test test junk", "", hd.HardenedOffset); !errors.Is(err, hd.ErrInvalidPath) {
		t.Fatalf("DeriveAccounts(2^31): err = %v", err)
	}
}

func itoa(i uint32) string { return strconv.FormatUint(uint64(i), 10) }

func BenchmarkDeriveAccount(b *testing.B) {
	for b.Loop() {
		if _, err := DeriveAccount("test test test test test test test test test test test junk", "", 0); err != nil {
			b.Fatal(err)
		}
	}
}
