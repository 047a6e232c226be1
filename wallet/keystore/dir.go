package keystore

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/quarry-chain/quarry/chain/types"
)

// File and directory modes: key files are readable by their owner only,
// and so is the directory that lists which addresses we hold.
const (
	fileMode os.FileMode = 0o600
	dirMode  os.FileMode = 0o700
)

// Account is a key file in a Dir: its address and the file's path.
type Account struct {
	Address types.Address
	Path    string
}

// Dir is a keystore directory holding one version 3 file per account, named
// as geth names them, so that a Quarry keystore and a geth keystore can be
// copied into each other. Its methods are safe for concurrent use within one
// process.
type Dir struct {
	path   string
	params ScryptParams
	now    func() time.Time

	mu sync.Mutex // serialises writes and deletes
}

// OpenDir opens the keystore directory at path, creating it (mode 0700) if
// it does not exist. New and re-encrypted files use params.
func OpenDir(path string, params ScryptParams) (*Dir, error) {
	if err := defaultLimits().checkScrypt(params.N, scryptR, params.P); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(path, dirMode); err != nil {
		return nil, fmt.Errorf("keystore: creating %s: %w", path, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("keystore: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("keystore: %s is not a directory", path)
	}
	return &Dir{path: path, params: params, now: time.Now}, nil
}

// Path returns the directory's path.
func (d *Dir) Path() string { return d.path }

// NewAccount generates a key, stores it encrypted under password and
// returns its account.
func (d *Dir) NewAccount(password string) (Account, error) {
	k, err := GenerateKey()
	if err != nil {
		return Account{}, err
	}
	return d.store(k, password)
}

// ImportKey stores priv encrypted under password.
func (d *Dir) ImportKey(priv *btcec.PrivateKey, password string) (Account, error) {
	k, err := NewKey(priv)
	if err != nil {
		return Account{}, err
	}
	return d.store(k, password)
}

// Import reads a keystore file from another tool, decrypts it with password
// (which proves the file is sound) and stores it re-encrypted under
// newPassword with this Dir's parameters, keeping its id.
func (d *Dir) Import(keyJSON []byte, password, newPassword string) (Account, error) {
	k, err := Decrypt(keyJSON, password)
	if err != nil {
		return Account{}, err
	}
	return d.store(k, newPassword)
}

// Export returns the account's key as a keystore file encrypted under
// newPassword, after unlocking it with password.
func (d *Dir) Export(addr types.Address, password, newPassword string) ([]byte, error) {
	k, err := d.Unlock(addr, password)
	if err != nil {
		return nil, err
	}
	return Encrypt(k, newPassword, d.params)
}

// Unlock decrypts the account's key.
func (d *Dir) Unlock(addr types.Address, password string) (*Key, error) {
	acct, err := d.Find(addr)
	if err != nil {
		return nil, err
	}
	raw, err := readLimited(acct.Path)
	if err != nil {
		return nil, err
	}
	k, err := Decrypt(raw, password)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(acct.Path), err)
	}
	if k.Address != addr {
		return nil, fmt.Errorf("%s: %w", filepath.Base(acct.Path), ErrAddressMismatch)
	}
	return k, nil
}

// Delete removes the account's file once password has been shown to open
// it, so that a mistyped address cannot delete someone else's key.
func (d *Dir) Delete(addr types.Address, password string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	acct, err := d.Find(addr)
	if err != nil {
		return err
	}
	if _, err := d.Unlock(addr, password); err != nil {
		return err
	}
	if err := os.Remove(acct.Path); err != nil {
		return fmt.Errorf("keystore: %w", err)
	}
	return nil
}

// Accounts lists the accounts in the directory, oldest file first (the
// names begin with their creation time). Files that are not keystore files,
// or that do not record an address (which would take the password to
// learn), are skipped, as geth skips them.
func (d *Dir) Accounts() ([]Account, error) {
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return nil, fmt.Errorf("keystore: %w", err)
	}
	var out []Account
	for _, e := range entries {
		name := e.Name()
		// Editors' backups and hidden files (including our own temporary
		// files) are not accounts; nor is anything but a regular file.
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") {
			continue
		}
		p := filepath.Join(d.path, name)
		addr, ok := peekAddress(p)
		if !ok {
			continue
		}
		out = append(out, Account{Address: addr, Path: p})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// Find returns the account holding addr.
func (d *Dir) Find(addr types.Address) (Account, error) {
	all, err := d.Accounts()
	if err != nil {
		return Account{}, err
	}
	var found []Account
	for _, a := range all {
		if a.Address == addr {
			found = append(found, a)
		}
	}
	switch len(found) {
	case 0:
		return Account{}, fmt.Errorf("%w: %s", ErrNotFound, addr.Hex())
	case 1:
		return found[0], nil
	default:
		return Account{}, fmt.Errorf("%w: %s has %d files", ErrAmbiguous, addr.Hex(), len(found))
	}
}

// store encrypts k and writes it as a new file, refusing an address that is
// already present.
func (d *Dir) store(k *Key, password string) (Account, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, err := d.Find(k.Address); err == nil {
		return Account{}, fmt.Errorf("%w: %s", ErrAccountExists, k.Address.Hex())
	} else if !errors.Is(err, ErrNotFound) {
		return Account{}, err
	}
	data, err := Encrypt(k, password, d.params)
	if err != nil {
		return Account{}, err
	}
	p := filepath.Join(d.path, fileName(d.now(), k.Address))
	if err := writeFileAtomic(d.path, p, data); err != nil {
		return Account{}, err
	}
	return Account{Address: k.Address, Path: p}, nil
}

// fileName returns geth's name for a key file:
// UTC--2006-01-02T15-04-05.000000000Z--<40 lower-case hex digits>.
func fileName(t time.Time, addr types.Address) string {
	return "UTC--" + t.UTC().Format("2006-01-02T15-04-05.000000000Z") + "--" + hex.EncodeToString(addr[:])
}

// writeFileAtomic writes data to a hidden temporary file in dir (created
// with mode 0600), syncs it, and renames it to path, so a crash leaves
// either no file or the whole file, never a truncated key.
func writeFileAtomic(dir, path string, data []byte) error {
	tmp, err := os.CreateTemp(dir, ".tmp-key-*")
	if err != nil {
		return fmt.Errorf("keystore: %w", err)
	}
	name := tmp.Name()
	cleanup := func(err error) error {
		tmp.Close()
		os.Remove(name)
		return fmt.Errorf("keystore: writing key file: %w", err)
	}
	// CreateTemp already uses 0600; set it explicitly so the guarantee does
	// not rest on an implementation detail.
	if err := tmp.Chmod(fileMode); err != nil {
		return cleanup(err)
	}
	if _, err := tmp.Write(data); err != nil {
		return cleanup(err)
	}
	if err := tmp.Sync(); err != nil {
		return cleanup(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return fmt.Errorf("keystore: writing key file: %w", err)
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return fmt.Errorf("keystore: %w", err)
	}
	return nil
}

// readLimited reads a key file, refusing anything larger than a keystore
// file can be.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("keystore: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("keystore: %w", err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrMalformedKeystore, filepath.Base(path), maxFileSize)
	}
	return data, nil
}

// peekAddress reads the address field of a key file without decrypting it.
func peekAddress(path string) (types.Address, bool) {
	data, err := readLimited(path)
	if err != nil {
		return types.Address{}, false
	}
	var f struct {
		Address string `json:"address"`
		Version int    `json:"version"`
	}
	if json.Unmarshal(data, &f) != nil || f.Version != version3 || f.Address == "" {
		return types.Address{}, false
	}
	addr, err := types.ParseAddress(f.Address)
	if err != nil {
		return types.Address{}, false
	}
	return addr, true
}
