package node

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"os"
	"slices"
	"time"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/wallet"
)

// The dev chain's accounts are those every Ethereum developer tool derives
// from the well-known test mnemonic (anvil's and Hardhat's defaults), so a
// wallet or script configured for one works against the other unchanged.
// Their private keys are public: never send real value to them.
const (
	// DevMnemonic is the BIP-39 test mnemonic of Hardhat and anvil.
	DevMnemonic = "test test test test test test test test test test test junk"
	// DevPath is where the accounts sit: m/44'/60'/0'/0/i for i = 0..9.
	DevPath = "m/44'/60'/0'/0/i"
	// DevAccountCount is how many accounts the dev genesis funds: anvil's
	// default, so its account list reads the same.
	DevAccountCount = 10
	// devBalanceCoins is each account's genesis balance in coins (10^18
	// wei): anvil's default, ample for any test and far below the total
	// that would overflow anything.
	devBalanceCoins = 10_000
)

// ErrNotDevChain: a dev command was pointed at a data directory that holds
// another network.
var ErrNotDevChain = errors.New("node: data directory does not hold a dev chain")

// DevBalance returns each dev account's genesis balance in wei (10,000
// coins). A function, so nobody can change it for everyone.
func DevBalance() *big.Int {
	coin := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	return coin.Mul(coin, big.NewInt(devBalanceCoins))
}

// DevAccounts returns the DevAccountCount accounts of DevMnemonic, with their
// private keys, in index order.
func DevAccounts() ([]wallet.Account, error) {
	accts, err := wallet.DeriveAccounts(DevMnemonic, "", DevAccountCount)
	if err != nil {
		return nil, fmt.Errorf("node: dev accounts: %w", err)
	}
	return accts, nil
}

// DevGenesis returns a fresh dev chain's genesis starting at timestampMs
// (unix ms): params.DevGenesis with every dev account funded with
// DevBalance. A blockTime above zero replaces the target block time (and
// scales the ASERT half-life with it, so the difficulty settles within the
// same number of blocks); zero keeps params.DevTargetBlockTimeMs.
func DevGenesis(timestampMs uint64, blockTime time.Duration) (*params.Genesis, error) {
	g := params.DevGenesis(timestampMs)
	if blockTime > 0 {
		if blockTime%time.Millisecond != 0 {
			return nil, fmt.Errorf("%w: dev block time %v is not a whole number of milliseconds", ErrConfig, blockTime)
		}
		ms := uint64(blockTime / time.Millisecond)
		g.TargetBlockTimeMs = ms
		g.ASERTHalfLifeMs = ms * (params.DevASERTHalfLifeMs / params.DevTargetBlockTimeMs)
	}
	accts, err := DevAccounts()
	if err != nil {
		return nil, err
	}
	g.Alloc = g.Alloc[:0]
	for _, a := range accts {
		g.Alloc = append(g.Alloc, params.GenesisAccount{Address: a.Address, Balance: DevBalance()})
	}
	sortByAddress(g.Alloc)
	if err := g.Validate(); err != nil {
		return nil, fmt.Errorf("%w: dev genesis: %w", ErrConfig, err)
	}
	return g, nil
}

// OpenDevGenesis returns the dev chain's genesis for dataDir: the one
// stored there by an earlier start, or a new DevGenesis(now, blockTime),
// which it stores so that later starts continue the same chain (same
// genesis hash, so wallets' cached nonces stay right). created reports a
// new chain. A stored genesis of another network fails with
// ErrNotDevChain.
func OpenDevGenesis(dataDir string, now time.Time, blockTime time.Duration) (g *params.Genesis, created bool, err error) {
	g, err = StoredGenesis(dataDir)
	switch {
	case err == nil:
		if g.ChainID != params.DevChainID {
			return nil, false, fmt.Errorf("%w: %s holds chain id %d, not the dev chain's %d (choose another --datadir)",
				ErrNotDevChain, dataDir, g.ChainID, params.DevChainID)
		}
		return g, false, nil
	case !errors.Is(err, os.ErrNotExist):
		return nil, false, err
	}
	fresh, err := DevGenesis(uint64(now.UnixMilli()), blockTime)
	if err != nil {
		return nil, false, err
	}
	// InitDataDir keeps the genesis another process stored first, if two
	// start at once on an empty directory: use whichever won.
	g, created, err = InitDataDir(dataDir, fresh)
	if err != nil {
		return nil, false, err
	}
	return g, created, nil
}

// sortByAddress puts genesis accounts in address order, as Genesis requires.
func sortByAddress(alloc []params.GenesisAccount) {
	slices.SortFunc(alloc, func(a, b params.GenesisAccount) int { return bytes.Compare(a.Address[:], b.Address[:]) })
}
