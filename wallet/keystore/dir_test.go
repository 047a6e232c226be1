package keystore

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/types"
)

func openTestDir(t *testing.T) *Dir {
	t.Helper()
	d, err := OpenDir(filepath.Join(t.TempDir(), "keystore"), LightScrypt())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDirNewAccount(t *testing.T) {
	t.Parallel()
	d := openTestDir(t)
	info, err := os.Stat(d.Path())
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm&^dirMode != 0 {
		t.Errorf("directory mode %v, want at most %v", perm, dirMode)
	}

	acct, err := d.NewAccount("pw")
	if err != nil {
		t.Fatal(err)
	}
	info, err = os.Stat(acct.Path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != fileMode {
		t.Errorf("key file mode %v, want %v", perm, fileMode)
	}
	name := regexp.MustCompile(`^UTC--\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{9}Z--[0-9a-f]{40}$`)
	if base := filepath.Base(acct.Path); !name.MatchString(base) {
		t.Errorf("file name %q is not geth's UTC--<time>--<address>", base)
	}

	k, err := d.Unlock(acct.Address, "pw")
	if err != nil {
		t.Fatal(err)
	}
	if k.Address != acct.Address {
		t.Fatal("unlocked key has another address")
	}
	if _, err := d.Unlock(acct.Address, "nope"); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("wrong password: err = %v, want ErrDecrypt", err)
	}

	// No temporary files are left behind.
	entries, err := os.ReadDir(d.Path())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries, want 1", len(entries))
	}
}

func TestFileName(t *testing.T) {
	t.Parallel()
	addr, err := types.ParseAddress("0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b")
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2024, 3, 9, 7, 5, 1, 12345, time.FixedZone("CET", 3600))
	const want = "UTC--2024-03-09T06-05-01.000012345Z--008aeeda4d805471df9b2a5b0f38a0c3bcba786b"
	if got := fileName(ts, addr); got != want {
		t.Fatalf("fileName = %q, want %q", got, want)
	}
}

func TestDirAccountsAndFind(t *testing.T) {
	t.Parallel()
	d := openTestDir(t)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	step := 0
	d.now = func() time.Time { step++; return base.Add(time.Duration(step) * time.Second) }

	var want []Account
	for i := range 3 {
		a, err := d.ImportKey(testKey(t, uint64(10+i)).PrivateKey, "pw")
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, a)
	}
	// Files that are not accounts are ignored.
	for name, body := range map[string]string{
		"README":                    "not a key",
		".hidden":                   `{"address":"00","version":3}`,
		"backup~":                   "x",
		"UTC--no-address-v3":        `{"version":3,"crypto":{}}`,
		"UTC--bad-address":          `{"address":"xyz","version":3}`,
		"UTC--version-1-of-an-addr": `{"address":"008aeeda4d805471df9b2a5b0f38a0c3bcba786b","version":1}`,
	} {
		if err := os.WriteFile(filepath.Join(d.Path(), name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(d.Path(), "subdir"), 0o700); err != nil {
		t.Fatal(err)
	}

	got, err := d.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("Accounts() = %d accounts, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("account %d = %+v, want %+v (oldest first)", i, got[i], want[i])
		}
	}

	found, err := d.Find(want[1].Address)
	if err != nil || found != want[1] {
		t.Fatalf("Find = %+v, %v", found, err)
	}
	if _, err := d.Find(testKey(t, 99).Address); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Find(unknown): err = %v, want ErrNotFound", err)
	}

	// A second file for the same address makes it ambiguous.
	data, err := os.ReadFile(want[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d.Path(), "UTC--copy"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Find(want[0].Address); !errors.Is(err, ErrAmbiguous) {
		t.Fatalf("Find(duplicated): err = %v, want ErrAmbiguous", err)
	}
}

func TestDirImportExportDelete(t *testing.T) {
	t.Parallel()
	d := openTestDir(t)

	// Import a file written elsewhere (the spec's PBKDF2 vector) under a new
	// password: it is stored with our scrypt parameters and keeps its id.
	spec := readFile(t, "testdata/spec_pbkdf2.json")
	if _, err := d.Import(spec, "wrong", "new"); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("Import with wrong password: err = %v, want ErrDecrypt", err)
	}
	acct, err := d.Import(spec, "testpassword", "new")
	if err != nil {
		t.Fatal(err)
	}
	want, err := types.ParseAddress("008aeeda4d805471df9b2a5b0f38a0c3bcba786b")
	if err != nil {
		t.Fatal(err)
	}
	if acct.Address != want {
		t.Fatalf("imported address %s, want %s", acct.Address.Hex(), want.Hex())
	}
	k, err := d.Unlock(acct.Address, "new")
	if err != nil {
		t.Fatal(err)
	}
	if k.ID != "3198bc9c-6672-5ab3-d995-4942343ae5b6" {
		t.Fatalf("import changed the id to %q", k.ID)
	}
	if _, err := d.Import(spec, "testpassword", "other"); !errors.Is(err, ErrAccountExists) {
		t.Fatalf("second import: err = %v, want ErrAccountExists", err)
	}
	if _, err := d.ImportKey(k.PrivateKey, "x"); !errors.Is(err, ErrAccountExists) {
		t.Fatalf("ImportKey of a held key: err = %v, want ErrAccountExists", err)
	}

	// Export re-encrypts under another password.
	out, err := d.Export(acct.Address, "new", "exported")
	if err != nil {
		t.Fatal(err)
	}
	ek, err := Decrypt(out, "exported")
	if err != nil {
		t.Fatal(err)
	}
	if !ek.PrivateKey.Key.Equals(&k.PrivateKey.Key) {
		t.Fatal("exported key differs")
	}
	if _, err := d.Export(acct.Address, "bad", "x"); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("Export with wrong password: err = %v", err)
	}

	// Delete needs the password.
	if err := d.Delete(acct.Address, "bad"); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("Delete with wrong password: err = %v, want ErrDecrypt", err)
	}
	if err := d.Delete(acct.Address, "new"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Find(acct.Address); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after Delete: err = %v, want ErrNotFound", err)
	}
}

func TestOpenDirErrors(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenDir(file, LightScrypt()); err == nil {
		t.Fatal("OpenDir on a regular file succeeded")
	}
	if _, err := OpenDir(t.TempDir(), ScryptParams{N: 3, P: 1}); !errors.Is(err, ErrUnsupportedKDF) {
		t.Fatalf("bad params: err = %v, want ErrUnsupportedKDF", err)
	}
}
