package main

import (
	"context"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
	qnode "github.com/quarry-chain/quarry/node"
)

// anvilAccounts reads the published addresses and keys of the test
// mnemonic (the wallet package's vectors).
func anvilAccounts(t *testing.T) map[types.Address]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "wallet", "testdata", "anvil_accounts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Mnemonic string `json:"mnemonic"`
		Accounts []struct {
			Address    string `json:"address"`
			PrivateKey string `json:"privateKey"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Mnemonic != TestMnemonic {
		t.Fatalf("vector mnemonic %q, ours %q", doc.Mnemonic, TestMnemonic)
	}
	out := make(map[types.Address]string)
	for _, a := range doc.Accounts {
		addr, err := types.ParseAddress(a.Address)
		if err != nil {
			t.Fatal(err)
		}
		out[addr] = "0x" + a.PrivateKey
	}
	return out
}

func fixedEnv(now time.Time) (*env, *strings.Builder, *strings.Builder) {
	var out, errOut strings.Builder
	return &env{stdout: &out, stderr: &errOut, now: func() time.Time { return now }}, &out, &errOut
}

// TestGenesisCommand: the file it writes parses, starts now, funds exactly
// the ten anvil accounts and keeps the dev chain's proof-of-work limit.
func TestGenesisCommand(t *testing.T) {
	t.Parallel()
	want := anvilAccounts(t)
	now := time.UnixMilli(1_790_000_000_123)
	tests := []struct {
		name    string
		args    []string
		chainID uint64
		blockMs uint64
	}{
		{"defaults", nil, testnetChainID, params.DevTargetBlockTimeMs},
		{"flags", []string{"-chain-id", "4242", "-block-ms", "2000"}, 4242, 2000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "genesis.json")
			e, _, errOut := fixedEnv(now)
			if code := run(context.Background(), append(append([]string{"genesis"}, tt.args...), path), e); code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			g, err := params.LoadGenesis(path)
			if err != nil {
				t.Fatal(err)
			}
			if g.Timestamp != uint64(now.UnixMilli()) || g.ChainID != tt.chainID || g.TargetBlockTimeMs != tt.blockMs {
				t.Fatalf("timestamp %d chain %d block %d ms", g.Timestamp, g.ChainID, g.TargetBlockTimeMs)
			}
			if g.ASERTHalfLifeMs != testnetHalfLifeBlocks*tt.blockMs || g.InitialBits != testnetInitialBits || g.PowLimitBits != params.DevPowLimitBits {
				t.Fatalf("half-life %d bits %#x limit %#x", g.ASERTHalfLifeMs, g.InitialBits, g.PowLimitBits)
			}
			funds := new(big.Int).Mul(big.NewInt(testnetFundsCoins), big.NewInt(1e18))
			if len(g.Alloc) != len(want) {
				t.Fatalf("%d accounts funded, want %d", len(g.Alloc), len(want))
			}
			for _, a := range g.Alloc {
				if _, ok := want[a.Address]; !ok {
					t.Errorf("funds %s, not a test account", a.Address.Hex())
				}
				if a.Balance.Cmp(funds) != 0 || a.Nonce != 0 || a.Code != nil {
					t.Errorf("%s: balance %v nonce %d code %x", a.Address.Hex(), a.Balance, a.Nonce, a.Code)
				}
			}
		})
	}
}

func TestGenesisCommandErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no file", []string{"genesis"}, exitUsage},
		{"zero block time", []string{"genesis", "-block-ms", "0", filepath.Join(dir, "g.json")}, exitFailed},
		{"zero chain id", []string{"genesis", "-chain-id", "0", filepath.Join(dir, "g.json")}, exitFailed},
		{"bad flag", []string{"genesis", "-nope", filepath.Join(dir, "g.json")}, exitUsage},
		{"unwritable", []string{"genesis", filepath.Join(dir, "missing", "g.json")}, exitFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, _, errOut := fixedEnv(time.Now())
			if code := run(context.Background(), tt.args, e); code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, errOut)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "g.json")); err == nil {
		t.Fatal("an invalid genesis was written")
	}
}

// TestAccountsCommand prints the published keys of the test mnemonic.
func TestAccountsCommand(t *testing.T) {
	t.Parallel()
	want := anvilAccounts(t)
	e, out, errOut := fixedEnv(time.Now())
	if code := run(context.Background(), []string{"accounts"}, e); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for _, line := range lines {
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("line %q", line)
		}
		addr, err := types.ParseAddress(f[1])
		if err != nil {
			t.Fatal(err)
		}
		if want[addr] != f[2] {
			t.Errorf("%s: key %s, want %s", f[1], f[2], want[addr])
		}
	}
}

// TestSameAccountsAsDevChain: a wallet set up for the dev chain finds the
// same accounts, equally funded, on a testnet.
func TestSameAccountsAsDevChain(t *testing.T) {
	t.Parallel()
	if TestMnemonic != qnode.DevMnemonic || testnetAccounts != qnode.DevAccountCount {
		t.Fatalf("mnemonic %q x %d, dev chain %q x %d", TestMnemonic, testnetAccounts, qnode.DevMnemonic, qnode.DevAccountCount)
	}
	funds := new(big.Int).Mul(big.NewInt(testnetFundsCoins), big.NewInt(1e18))
	if funds.Cmp(qnode.DevBalance()) != 0 {
		t.Fatalf("testnet funds %v wei, dev chain %v", funds, qnode.DevBalance())
	}
}
