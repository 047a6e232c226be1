package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/urfave/cli/v2"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/wallet"
	"github.com/quarry-chain/quarry/wallet/bip39"
	"github.com/quarry-chain/quarry/wallet/keystore"
)

func (a *app) accountCommand() *cli.Command {
	return &cli.Command{
		Name:  "account",
		Usage: "manage the keys in the keystore",
		Subcommands: []*cli.Command{
			{
				Name:   "new",
				Usage:  "create a new account",
				Action: a.accountNew,
			},
			{
				Name:   "list",
				Usage:  "list the keystore's accounts",
				Action: a.accountList,
			},
			{
				Name:      "import",
				Usage:     "import a keystore v3 file, or a key with --private-key-file or --mnemonic-file",
				ArgsUsage: "[FILE]",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "private-key-file", Usage: "import the hex private key in `FILE`"},
					&cli.StringFlag{Name: "mnemonic-file", Usage: "import an account of the BIP-39 mnemonic in `FILE`"},
					&cli.StringFlag{Name: "passphrase-file", Usage: "BIP-39 passphrase (first line of `FILE`), if the mnemonic has one"},
					&cli.UintFlag{Name: "index", Usage: "account index `i` of the mnemonic (m/44'/60'/0'/0/i)"},
				},
				Action: a.accountImport,
			},
			{
				Name:      "export",
				Usage:     "print an account's keystore v3 file (encrypted under its password)",
				ArgsUsage: "ADDR",
				Action:    a.accountExport,
			},
			{
				Name:  "mnemonic",
				Usage: "generate a new BIP-39 mnemonic, optionally importing one of its accounts",
				Flags: []cli.Flag{
					&cli.IntFlag{Name: "words", Value: 12, Usage: "sentence length: 12, 15, 18, 21 or 24 words"},
					&cli.BoolFlag{Name: "import", Usage: "also import account --index into the keystore"},
					&cli.UintFlag{Name: "index", Usage: "account index `i` to import"},
				},
				Action: a.accountMnemonic,
			},
		},
	}
}

type accountJSON struct {
	Address types.Address `json:"address"`
	File    string        `json:"file,omitempty"`
	Path    string        `json:"path,omitempty"`
}

func (a *app) printAccount(acc keystore.Account, path string) error {
	if a.json {
		return a.printJSON(accountJSON{Address: acc.Address, File: acc.Path, Path: path})
	}
	_, err := fmt.Fprintln(a.stdout, acc.Address.Hex())
	return err
}

func (a *app) accountNew(c *cli.Context) error {
	if _, err := positional(c, 0, 0, ""); err != nil {
		return err
	}
	dir, err := a.keystore()
	if err != nil {
		return err
	}
	pw, err := a.password("New password", true)
	if err != nil {
		return err
	}
	acc, err := dir.NewAccount(pw)
	if err != nil {
		return walletError(err)
	}
	return a.printAccount(acc, "")
}

func (a *app) accountList(c *cli.Context) error {
	if _, err := positional(c, 0, 0, ""); err != nil {
		return err
	}
	dir, err := a.keystore()
	if err != nil {
		return err
	}
	accs, err := dir.Accounts()
	if err != nil {
		return walletError(err)
	}
	if a.json {
		out := make([]accountJSON, len(accs))
		for i, acc := range accs {
			out[i] = accountJSON{Address: acc.Address, File: acc.Path}
		}
		return a.printJSON(out)
	}
	for i, acc := range accs {
		fmt.Fprintf(a.stdout, "#%d  %s  %s\n", i, acc.Address.Hex(), acc.Path)
	}
	return nil
}

func (a *app) accountImport(c *cli.Context) error {
	keyFile, mnemonicFile := c.String("private-key-file"), c.String("mnemonic-file")
	want := 1
	if keyFile != "" || mnemonicFile != "" {
		want = 0
	}
	if keyFile != "" && mnemonicFile != "" {
		return usagef("account import: give --private-key-file or --mnemonic-file, not both")
	}
	args, err := positional(c, want, want, "FILE")
	if err != nil {
		return err
	}
	dir, err := a.keystore()
	if err != nil {
		return err
	}
	switch {
	case keyFile != "":
		priv, err := readPrivateKey(keyFile)
		if err != nil {
			return err
		}
		pw, err := a.password("New password", true)
		if err != nil {
			return err
		}
		acc, err := dir.ImportKey(priv, pw)
		if err != nil {
			return walletError(err)
		}
		return a.printAccount(acc, "")
	case mnemonicFile != "":
		derived, err := a.deriveFromFiles(mnemonicFile, c.String("passphrase-file"), c.Uint("index"))
		if err != nil {
			return err
		}
		return a.importDerived(dir, derived)
	default:
		keyJSON, err := a.readArgFile("key file", args[0])
		if err != nil {
			return err
		}
		pw, err := a.password("Password of the key file", false)
		if err != nil {
			return err
		}
		// The file keeps its password; change it with geth or ethers if
		// wanted. Import re-encrypts with this keystore's parameters.
		acc, err := dir.Import(keyJSON, pw, pw)
		if err != nil {
			return walletError(err)
		}
		return a.printAccount(acc, "")
	}
}

func (a *app) importDerived(dir *keystore.Dir, derived wallet.Account) error {
	pw, err := a.password("New password", true)
	if err != nil {
		return err
	}
	acc, err := dir.ImportKey(derived.PrivateKey, pw)
	if err != nil {
		return walletError(err)
	}
	return a.printAccount(acc, derived.Path.String())
}

// errBadPrivateKey: a private key file that does not hold a key.
var errBadPrivateKey = errors.New("private key file must hold 64 hex digits, a valid secp256k1 key")

func readPrivateKey(path string) (*btcec.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, walletError(fmt.Errorf("private key file: %w", err))
	}
	s := strings.TrimSpace(string(b))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	raw, err := hex.DecodeString(s)
	if err != nil || len(raw) != 32 {
		return nil, walletError(errBadPrivateKey)
	}
	var k btcec.ModNScalar
	if overflow := k.SetByteSlice(raw); overflow || k.IsZero() {
		return nil, walletError(errBadPrivateKey)
	}
	priv, _ := btcec.PrivKeyFromBytes(raw)
	return priv, nil
}

func (a *app) deriveFromFiles(mnemonicFile, passphraseFile string, index uint) (wallet.Account, error) {
	b, err := os.ReadFile(mnemonicFile)
	if err != nil {
		return wallet.Account{}, walletError(fmt.Errorf("mnemonic file: %w", err))
	}
	passphrase := ""
	if passphraseFile != "" {
		p, err := os.ReadFile(passphraseFile)
		if err != nil {
			return wallet.Account{}, walletError(fmt.Errorf("passphrase file: %w", err))
		}
		passphrase, _, _ = strings.Cut(string(p), "\n")
		passphrase = strings.TrimSuffix(passphrase, "\r")
	}
	if index >= 1<<31 {
		return wallet.Account{}, usagef("--index %d: must be below 2^31", index)
	}
	acc, err := wallet.DeriveAccount(strings.TrimSpace(string(b)), passphrase, uint32(index))
	if err != nil {
		return wallet.Account{}, walletError(err)
	}
	return acc, nil
}

func (a *app) accountExport(c *cli.Context) error {
	args, err := positional(c, 1, 1, "ADDR")
	if err != nil {
		return err
	}
	addr, err := parseAddress("ADDR", args[0])
	if err != nil {
		return err
	}
	dir, err := a.keystore()
	if err != nil {
		return err
	}
	if _, err := dir.Find(addr); err != nil {
		return walletError(fmt.Errorf("%s in %s: %w", addr.Hex(), dir.Path(), err))
	}
	pw, err := a.password("Password", false)
	if err != nil {
		return err
	}
	keyJSON, err := dir.Export(addr, pw, pw)
	if err != nil {
		return walletError(err)
	}
	_, err = fmt.Fprintf(a.stdout, "%s\n", keyJSON)
	return err
}

func (a *app) accountMnemonic(c *cli.Context) error {
	if _, err := positional(c, 0, 0, ""); err != nil {
		return err
	}
	words := c.Int("words")
	if words < 12 || words > 24 || words%3 != 0 {
		return usagef("--words %d: want 12, 15, 18, 21 or 24", words)
	}
	m, err := bip39.GenerateMnemonic(words / 3 * 32)
	if err != nil {
		return walletError(err)
	}
	index := c.Uint("index")
	if index >= 1<<31 {
		return usagef("--index %d: must be below 2^31", index)
	}
	derived, err := wallet.DeriveAccount(m.String(), "", uint32(index))
	if err != nil {
		return walletError(err)
	}
	fmt.Fprintln(a.stderr, "Write the mnemonic down and keep it secret: anyone who has it controls these accounts.")
	if c.Bool("import") {
		dir, err := a.keystore()
		if err != nil {
			return err
		}
		pw, err := a.password("New password", true)
		if err != nil {
			return err
		}
		if _, err := dir.ImportKey(derived.PrivateKey, pw); err != nil {
			return walletError(err)
		}
	}
	if a.json {
		return a.printJSON(struct {
			Mnemonic string        `json:"mnemonic"`
			Path     string        `json:"path"`
			Address  types.Address `json:"address"`
			Imported bool          `json:"imported"`
		}{m.String(), derived.Path.String(), derived.Address, c.Bool("import")})
	}
	fmt.Fprintln(a.stdout, m.String())
	fmt.Fprintf(a.stdout, "%s  %s\n", derived.Path, derived.Address.Hex())
	return nil
}
