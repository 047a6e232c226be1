package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"math/big"
	"os"
	"slices"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/wallet"
)

// TestMnemonic is the well-known development mnemonic (anvil's and
// Hardhat's, node.DevMnemonic): the dev chain funds the same accounts, so
// every tool and wallet set up for one works on the other. Its keys are
// public.
const TestMnemonic = "test test test test test test test test test test test junk"

// Testnet parameters (see params.DevGenesis for the dev chain's).
const (
	// testnetAccounts is how many test-mnemonic accounts are funded, as
	// anvil does.
	testnetAccounts = 10

	// testnetChainID differs from the dev chain's 1337 so that wallets
	// keep the two apart (a dev chain and a testnet may run side by side).
	testnetChainID = 31337

	// testnetFundsCoins is each account's balance in coins (10^18 wei):
	// anvil's default, as on the dev chain (node.DevBalance).
	testnetFundsCoins = 10_000

	// testnetInitialBits starts at a target of 2^234, about 2^22 (4M)
	// expected hashes per block: half a second of one miner thread with
	// SHA extensions (about 9 MH/s measured), two without. Nearer the
	// testnet's equilibrium than the dev chain's 2^16, which would open
	// with a burst of a hundred blocks a second and the forks that come
	// with it while ASERT catches up.
	testnetInitialBits = 0x1e040000

	// testnetHalfLifeBlocks is the ASERT half-life in block times: shorter
	// than the dev chain's 60 so that a testnet settles within its first
	// minute even as miners stop and start.
	testnetHalfLifeBlocks = 20
)

// testnetGenesis returns the genesis of a new testnet starting at nowMs
// (unix ms): ASERT schedules from the genesis time, so it must be now.
func testnetGenesis(nowMs, chainID, blockMs uint64, accounts []wallet.Account) *params.Genesis {
	g := params.DevGenesis(nowMs)
	g.ChainID = chainID
	g.TargetBlockTimeMs = blockMs
	g.ASERTHalfLifeMs = testnetHalfLifeBlocks * blockMs
	g.InitialBits = testnetInitialBits
	g.ExtraData = []byte("quarry testnet")
	coin := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	funds := new(big.Int).Mul(big.NewInt(testnetFundsCoins), coin)
	g.Alloc = g.Alloc[:0]
	for _, a := range accounts {
		g.Alloc = append(g.Alloc, params.GenesisAccount{Address: a.Address, Balance: new(big.Int).Set(funds)})
	}
	slices.SortFunc(g.Alloc, func(a, b params.GenesisAccount) int { return bytes.Compare(a.Address[:], b.Address[:]) })
	return g
}

func testAccounts() ([]wallet.Account, error) {
	return wallet.DeriveAccounts(TestMnemonic, "", testnetAccounts)
}

func genesisCommand() command {
	return command{
		name:  "genesis",
		args:  "FILE",
		usage: "write a testnet genesis (10 funded test accounts, timestamp now) to FILE",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			chainID := fs.Uint64("chain-id", testnetChainID, "EIP-155 chain id")
			blockMs := fs.Uint64("block-ms", params.DevTargetBlockTimeMs, "target block time in `ms`")
			return func(_ context.Context, args []string) error {
				if err := needArgs(args, 1); err != nil {
					return err
				}
				accounts, err := testAccounts()
				if err != nil {
					return err
				}
				g := testnetGenesis(uint64(e.now().UnixMilli()), *chainID, *blockMs, accounts)
				if err := g.Validate(); err != nil {
					return err
				}
				data, err := g.MarshalJSON()
				if err != nil {
					return err
				}
				var out bytes.Buffer
				if err := indentJSON(&out, data); err != nil {
					return err
				}
				return os.WriteFile(args[0], out.Bytes(), 0o644)
			}
		},
	}
}

func accountsCommand() command {
	return command{
		name:  "accounts",
		usage: "print the funded test accounts: index, address, private key",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			return func(context.Context, []string) error {
				accounts, err := testAccounts()
				if err != nil {
					return err
				}
				for i, a := range accounts {
					fmt.Fprintf(e.stdout, "(%d) %s 0x%s\n", i, a.Address.Hex(), hex.EncodeToString(a.PrivateKey.Serialize()))
				}
				return nil
			}
		},
	}
}
