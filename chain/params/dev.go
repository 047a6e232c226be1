package params

import (
	"math/big"

	"github.com/quarry-chain/quarry/chain/types"
)

// Dev chain parameters, for a chain on one laptop: blocks every second at a
// difficulty one CPU core meets, and a funded account whose key every
// Ethereum developer tool already knows.
const (
	// DevChainID is the chain id local Ethereum tooling expects of a dev
	// chain (MetaMask, Hardhat and anvil use 1337 or 31337).
	DevChainID = 1337

	// DevTargetBlockTimeMs: one block per second keeps the edit-run loop
	// fast while still exercising difficulty adjustment.
	DevTargetBlockTimeMs = 1_000

	// DevASERTHalfLifeMs is 20 blocks' worth of time: the difficulty doubles
	// or halves when the chain runs 20 s ahead of or behind schedule, so it
	// settles within a minute of starting on any machine.
	DevASERTHalfLifeMs = 20 * DevTargetBlockTimeMs

	// DevInitialBits starts at a target of 2^235, about 2^21 (2 million)
	// expected hashes per block: ~0.2 s on one core with the SHA-NI miner,
	// ~1 s without it. (At 2^16 the SHA-NI miner made ~150 blocks in the
	// first seconds before ASERT caught up.)
	DevInitialBits = 0x1e080000

	// DevPowLimitBits is the easiest target, 0x7fffff * 2^232 (about 2
	// hashes per block, Bitcoin regtest's limit), leaving ASERT room to lower
	// the difficulty further on a slow machine.
	DevPowLimitBits = 0x207fffff

	// DevGasLimit is Ethereum mainnet's order of magnitude (30M gas).
	DevGasLimit = 30_000_000

	// DevMaxBlockBytes (4 MiB) holds a full DevGasLimit block of calldata.
	DevMaxBlockBytes = 4 << 20
)

// DevAccount returns the dev chain's pre-funded account: account 0 of the
// well-known test mnemonic "test test test test test test test test test
// test test junk" (m/44'/60'/0'/0/0), the first account of anvil and
// Hardhat, whose private key is public
// (0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80).
// Never send real value to it. (A function, not a variable, so nobody can
// change it for everyone.)
func DevAccount() types.Address {
	return types.Address{
		0xf3, 0x9f, 0xd6, 0xe5, 0x1a, 0xad, 0x88, 0xf6, 0xf4, 0xce,
		0x6a, 0xb8, 0x82, 0x72, 0x79, 0xcf, 0xff, 0xb9, 0x22, 0x66,
	}
}

// DevGenesis returns the genesis of a local development chain starting at
// timestampMs (unix ms). Pass the current time when the dev chain is
// created: ASERT schedules blocks from the genesis time, so a genesis far in
// the past makes the chain look hopelessly behind schedule and pins the
// difficulty at the PoW limit until it has caught up. The dev account holds
// 1,000,000 coins (10^24 wei) and blocks pay 2 coins, never halved.
func DevGenesis(timestampMs uint64) *Genesis {
	coin := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	return &Genesis{
		ChainID:           DevChainID,
		Timestamp:         timestampMs,
		TargetBlockTimeMs: DevTargetBlockTimeMs,
		ASERTHalfLifeMs:   DevASERTHalfLifeMs,
		InitialBits:       DevInitialBits,
		PowLimitBits:      DevPowLimitBits,
		Reward:            Reward{Initial: new(big.Int).Mul(big.NewInt(2), coin)},
		GasLimit:          DevGasLimit,
		MaxBlockBytes:     DevMaxBlockBytes,
		MaxDriftMs:        DefaultMaxDriftMs,
		ExtraData:         []byte("quarry dev"),
		Alloc: []GenesisAccount{{
			Address: DevAccount(),
			Balance: new(big.Int).Mul(big.NewInt(1_000_000), coin),
		}},
	}
}
