package node

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/params"
)

func TestInitDataDir(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "new", "dir")
	g := params.DevGenesis(1_700_000_000_000)
	stored, created, err := InitDataDir(dir, g)
	if err != nil || !created || stored != g {
		t.Fatalf("first init: created %v, err %v", created, err)
	}
	back, err := StoredGenesis(dir)
	if err != nil {
		t.Fatal(err)
	}
	if genesisHash(back) != genesisHash(g) {
		t.Fatalf("stored genesis %s, want %s", genesisHash(back), genesisHash(g))
	}
	// The same genesis again is a no-op.
	if _, created, err := InitDataDir(dir, params.DevGenesis(1_700_000_000_000)); err != nil || created {
		t.Fatalf("second init, same genesis: created %v, err %v", created, err)
	}
	// Another genesis is refused, and the stored one kept.
	other := params.DevGenesis(1_700_000_000_001)
	if _, _, err := InitDataDir(dir, other); !errors.Is(err, ErrOtherNetwork) {
		t.Fatalf("init with another genesis: err = %v, want ErrOtherNetwork", err)
	}
	if back, _ := StoredGenesis(dir); back.Timestamp != g.Timestamp {
		t.Fatal("refused init replaced the stored genesis")
	}
}

func TestInitDataDirRacesHaveOneWinner(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const n = 8
	var wg sync.WaitGroup
	results := make([]uint64, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			stored, _, err := InitDataDir(dir, params.DevGenesis(1_700_000_000_000+uint64(i)))
			if err == nil {
				results[i] = stored.Timestamp
			}
			errs[i] = err
		})
	}
	wg.Wait()
	winner, err := StoredGenesis(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		switch {
		case errs[i] == nil && results[i] != winner.Timestamp:
			t.Errorf("initialiser %d got genesis %d, stored is %d", i, results[i], winner.Timestamp)
		case errs[i] != nil && !errors.Is(errs[i], ErrOtherNetwork):
			t.Errorf("initialiser %d: %v", i, errs[i])
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".genesis.json.*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestOpenGenesis(t *testing.T) {
	t.Parallel()
	dev := params.DevGenesis(1_700_000_000_000)
	otherChainID := params.DevGenesis(1_700_000_000_000)
	otherChainID.ChainID = 4242 // same genesis hash: the id is not in the header
	tests := []struct {
		name    string
		stored  *params.Genesis
		raw     string // stored file content instead of stored
		given   *params.Genesis
		wantErr error
	}{
		{name: "empty directory, no genesis", wantErr: ErrNoGenesis},
		{name: "empty directory, genesis given", given: dev},
		{name: "stored, none given", stored: dev},
		{name: "stored, same given", stored: dev, given: params.DevGenesis(1_700_000_000_000)},
		{name: "stored, another network given", stored: dev, given: params.DevGenesis(1), wantErr: ErrOtherNetwork},
		{name: "stored, other chain id same hash", stored: dev, given: otherChainID, wantErr: ErrOtherNetwork},
		{name: "damaged file", raw: `{"chainId": 1`, wantErr: params.ErrInvalidGenesis},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if tt.stored != nil {
				if _, _, err := InitDataDir(dir, tt.stored); err != nil {
					t.Fatal(err)
				}
			}
			if tt.raw != "" {
				if err := os.WriteFile(filepath.Join(dir, GenesisFileName), []byte(tt.raw), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			g, err := OpenGenesis(dir, tt.given)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if genesisHash(g) != genesisHash(dev) {
				t.Fatalf("genesis %s, want %s", genesisHash(g), genesisHash(dev))
			}
			if _, err := StoredGenesis(dir); err != nil {
				t.Fatalf("genesis not stored: %v", err)
			}
		})
	}
}

func TestResetDataDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	g := params.DevGenesis(1_700_000_000_000)
	if _, _, err := InitDataDir(dir, g); err != nil {
		t.Fatal(err)
	}
	bc, closeDB, err := OpenChain(dir, g, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	_ = bc
	// A node (here, an open chain) holds the directory: no reset.
	if err := ResetDataDir(dir); !errors.Is(err, ErrDataDirInUse) {
		t.Fatalf("reset while open: err = %v, want ErrDataDirInUse", err)
	}
	if err := closeDB(); err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(mine, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := ResetDataDir(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{chainDir, GenesisFileName} {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s survived the reset: %v", name, err)
		}
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("reset removed a file that is not the node's: %v", err)
	}
	// Resetting what does not exist is fine.
	if err := ResetDataDir(filepath.Join(dir, "never")); err != nil {
		t.Fatalf("reset of a missing directory: %v", err)
	}
}

func TestOpenChainErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	g := params.DevGenesis(1_700_000_000_000)
	_, closeDB, err := OpenChain(dir, g, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := OpenChain(dir, g, nil, true); !errors.Is(err, ErrDataDirInUse) {
		t.Fatalf("second open: err = %v, want ErrDataDirInUse", err)
	}
	if err := closeDB(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := OpenChain(dir, params.DevGenesis(1), nil, true); !errors.Is(err, chain.ErrGenesisMismatch) {
		t.Fatalf("open with another genesis: err = %v, want chain.ErrGenesisMismatch", err)
	}
	bc, closeDB, err := OpenChain(dir, g, nil, true)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer closeDB()
	if want, _ := chain.GenesisBlock(g); bc.GenesisHash() != want.Hash() {
		t.Fatalf("genesis %s, want %s", bc.GenesisHash(), want.Hash())
	}
}

// TestDataDirErrorKinds: each error kind of the data directory matches
// itself and no other.
func TestDataDirErrorKinds(t *testing.T) {
	t.Parallel()
	kinds := []error{ErrNoGenesis, ErrOtherNetwork, ErrNotDevChain, ErrDataDirInUse, ErrConfig}
	for i, a := range kinds {
		for j, b := range kinds {
			if got := errors.Is(fmt.Errorf("wrapped: %w", a), b); got != (i == j) {
				t.Errorf("errors.Is(%v, %v) = %v", a, b, got)
			}
		}
	}
}
