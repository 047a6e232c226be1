package node

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
)

// devVectors reads the published anvil/Hardhat accounts of the test
// mnemonic.
func devVectors(t *testing.T) (mnemonic string, accounts []struct {
	Index      uint32 `json:"index"`
	Address    string `json:"address"`
	PrivateKey string `json:"privateKey"`
}) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "dev_accounts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Mnemonic string `json:"mnemonic"`
		Accounts []struct {
			Index      uint32 `json:"index"`
			Address    string `json:"address"`
			PrivateKey string `json:"privateKey"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v.Mnemonic, v.Accounts
}

func TestDevAccountsAreTheToolsAccounts(t *testing.T) {
	t.Parallel()
	mnemonic, want := devVectors(t)
	if mnemonic != DevMnemonic {
		t.Fatalf("DevMnemonic = %q, vectors use %q", DevMnemonic, mnemonic)
	}
	got, err := DevAccounts()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != DevAccountCount || len(want) != DevAccountCount {
		t.Fatalf("%d accounts, %d vectors, want %d", len(got), len(want), DevAccountCount)
	}
	for i, w := range want {
		wantAddr, err := types.ParseAddress(w.Address)
		if err != nil {
			t.Fatal(err)
		}
		if got[i].Address != wantAddr {
			t.Errorf("account %d: address %s, want %s", i, got[i].Address, wantAddr)
		}
		if key := hex.EncodeToString(got[i].PrivateKey.Serialize()); key != w.PrivateKey {
			t.Errorf("account %d: key %s, want %s", i, key, w.PrivateKey)
		}
	}
	if got[0].Address != params.DevAccount() {
		t.Errorf("account 0 = %s, params.DevAccount() = %s", got[0].Address, params.DevAccount())
	}
}

func TestDevGenesisFundsEveryAccount(t *testing.T) {
	t.Parallel()
	g, err := DevGenesis(1_700_000_000_000, 0)
	if err != nil {
		t.Fatal(err)
	}
	accts, err := DevAccounts()
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Alloc) != DevAccountCount {
		t.Fatalf("alloc has %d accounts, want %d", len(g.Alloc), DevAccountCount)
	}
	tenThousand, _ := new(big.Int).SetString("10000000000000000000000", 10)
	if DevBalance().Cmp(tenThousand) != 0 {
		t.Fatalf("DevBalance = %v, want 10^22 wei", DevBalance())
	}
	funded := make(map[types.Address]*big.Int)
	for _, a := range g.Alloc {
		funded[a.Address] = a.Balance
	}
	for i, a := range accts {
		if b := funded[a.Address]; b == nil || b.Cmp(tenThousand) != 0 {
			t.Errorf("account %d (%s) balance %v, want 10^22", i, a.Address, b)
		}
	}
	if g.ChainID != params.DevChainID || g.TargetBlockTimeMs != params.DevTargetBlockTimeMs || g.Timestamp != 1_700_000_000_000 {
		t.Errorf("chain id %d, block time %d ms, timestamp %d", g.ChainID, g.TargetBlockTimeMs, g.Timestamp)
	}
	// The result round-trips through the genesis file format: it is what
	// the data directory stores.
	data, err := g.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err := params.ParseGenesis(data)
	if err != nil {
		t.Fatalf("stored dev genesis does not parse: %v", err)
	}
	if genesisHash(back) != genesisHash(g) {
		t.Fatal("genesis hash changed through JSON")
	}
}

func TestDevGenesisBlockTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		blockTime    time.Duration
		wantTargetMs uint64
		wantHalfLife uint64
		wantErr      error
	}{
		{"default", 0, params.DevTargetBlockTimeMs, params.DevASERTHalfLifeMs, nil},
		// The half-life keeps its ratio to the block time.
		{"five seconds", 5 * time.Second, 5_000, 5_000 * params.DevASERTHalfLifeMs / params.DevTargetBlockTimeMs, nil},
		{"sub-millisecond", 1500 * time.Microsecond, 0, 0, ErrConfig},
		{"beyond the genesis limit", 1000 * 24 * time.Hour, 0, 0, ErrConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g, err := DevGenesis(1_700_000_000_000, tt.blockTime)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if g.TargetBlockTimeMs != tt.wantTargetMs || g.ASERTHalfLifeMs != tt.wantHalfLife {
				t.Fatalf("target %d ms, half-life %d ms; want %d, %d", g.TargetBlockTimeMs, g.ASERTHalfLifeMs, tt.wantTargetMs, tt.wantHalfLife)
			}
		})
	}
}

func TestOpenDevGenesisPersistsAcrossRestarts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, created, err := OpenDevGenesis(dir, time.UnixMilli(1_700_000_000_000), 0)
	if err != nil || !created {
		t.Fatalf("first start: created %v, err %v", created, err)
	}
	// A later start, at another time and with another block time, continues
	// the same chain.
	again, created, err := OpenDevGenesis(dir, time.UnixMilli(1_800_000_000_000), 3*time.Second)
	if err != nil || created {
		t.Fatalf("restart: created %v, err %v", created, err)
	}
	if genesisHash(again) != genesisHash(first) || again.Timestamp != first.Timestamp {
		t.Fatalf("restart genesis %s, first %s", genesisHash(again), genesisHash(first))
	}
	if err := ResetDataDir(dir); err != nil {
		t.Fatal(err)
	}
	fresh, created, err := OpenDevGenesis(dir, time.UnixMilli(1_800_000_000_000), 0)
	if err != nil || !created {
		t.Fatalf("after reset: created %v, err %v", created, err)
	}
	if genesisHash(fresh) == genesisHash(first) {
		t.Fatal("reset kept the old chain's genesis")
	}
}

func TestOpenDevGenesisRefusesAnotherNetwork(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	g := params.DevGenesis(1_700_000_000_000)
	g.ChainID = 4242
	if _, _, err := InitDataDir(dir, g); err != nil {
		t.Fatal(err)
	}
	if _, _, err := OpenDevGenesis(dir, time.Now(), 0); !errors.Is(err, ErrNotDevChain) {
		t.Fatalf("err = %v, want ErrNotDevChain", err)
	}
}

// TestDevNodeRestartsOnItsChain runs a dev node on a data directory, stops
// it, and starts it again: the chain continues from the same head.
func TestDevNodeRestartsOnItsChain(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	start := func() (*Node, func()) {
		g, _, err := OpenDevGenesis(dir, time.Now(), 0)
		if err != nil {
			t.Fatal(err)
		}
		cfg := Config{DataDir: dir, Genesis: g, NoSync: true, NoP2P: true, NoRPC: true, Mine: true}
		cfg.Miner.Threads = 1
		n, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		return n, func() {
			if err := n.Stop(); err != nil {
				t.Fatal(err)
			}
		}
	}
	n, stop := start()
	genesis := n.Chain().GenesisHash()
	waitFor(t, "two blocks", 30*time.Second, func() bool { return n.Chain().Best().Height >= 2 })
	stop()
	head := n.Chain().Best()

	n, stop = start()
	defer stop()
	if n.Chain().GenesisHash() != genesis {
		t.Fatalf("genesis %s after restart, was %s", n.Chain().GenesisHash(), genesis)
	}
	if got := n.Chain().Best(); got.Height < head.Height {
		t.Fatalf("restart at height %d, stopped at %d", got.Height, head.Height)
	}
	waitFor(t, "a block on top", 30*time.Second, func() bool { return n.Chain().Best().Height > head.Height })
	if _, err := n.Chain().BlockByHash(head.Hash); err != nil {
		t.Fatalf("old head %s lost: %v", head.Hash, err)
	}
}
