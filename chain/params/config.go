package params

import (
	"math"
	"math/big"

	"github.com/quarry-chain/quarry/chain/types"
)

// Defaults and bounds of the genesis fields. Each bound keeps a value in the
// range where the rules that use it make sense; none is a tuning choice.
const (
	// DefaultMaxDriftMs is the maxDriftMs used when the genesis file omits
	// it: 15 s, in unix milliseconds. A block may be at most this far ahead
	// of a node's clock, which tolerates ordinary NTP error without letting a
	// miner push timestamps (and so ASERT's schedule) far into the future.
	DefaultMaxDriftMs = 15_000

	// MaxChainID keeps EIP-155's v = chainId*2 + 36 below 2^53, the largest
	// integer JavaScript wallets (MetaMask, ethers) represent exactly.
	MaxChainID = (1<<53 - 1 - 36) / 2

	// MaxTimestamp (ms) keeps the genesis time, and the imaginary anchor
	// parent time ASERT derives from it, inside int64.
	MaxTimestamp = math.MaxInt64

	// MaxTargetBlockTimeMs is one day: slower blocks are not a chain anyone
	// would use, and the bound keeps ASERT's products small.
	MaxTargetBlockTimeMs = 24 * 60 * 60 * 1000

	// MaxASERTHalfLifeMs is one year. The minimum is one target block time:
	// a shorter half-life would let one block's timestamp more than double or
	// halve the difficulty.
	MaxASERTHalfLifeMs = 365 * 24 * 60 * 60 * 1000

	// MinGasLimit is the gas of one plain transfer (21000): a block must be
	// able to hold at least one transaction. MaxGasLimit keeps gas
	// arithmetic within int64 for every consumer.
	MinGasLimit = 21_000
	MaxGasLimit = math.MaxInt64

	// MinMaxBlockBytes leaves room for a header and a few transactions;
	// MaxMaxBlockBytes (1 GiB) bounds what a peer may make a node buffer.
	MinMaxBlockBytes = 1 << 10
	MaxMaxBlockBytes = 1 << 30

	// MaxMaxDriftMs is one day, far beyond any sane clock error.
	MaxMaxDriftMs = 24 * 60 * 60 * 1000

	// MaxExtraDataBytes is the size of the header's extra field.
	MaxExtraDataBytes = types.HeaderExtraSize

	// maxHalvings is where the subsidy is certainly zero: the initial
	// reward is below 2^256, so 256 halvings shift every bit out.
	maxHalvings = 256
)

// ChainConfig is the consensus configuration derived from a validated
// genesis: what the validation rules, the miner and the difficulty rule
// read. It is a read-only value: the big numbers sit behind accessors that
// return copies, so one ChainConfig can be shared by every goroutine.
type ChainConfig struct {
	ChainID         uint64
	GenesisTime     uint64 // unix ms; ASERT's anchor
	TargetBlockTime uint64 // ms
	ASERTHalfLife   uint64 // ms
	InitialBits     uint32 // genesis bits; ASERT's anchor target
	PowLimitBits    uint32 // easiest allowed target
	GasLimit        uint64 // every block's gas limit
	MaxBlockBytes   uint64 // encoded block size limit
	MaxDrift        uint64 // ms a block's time may lead the local clock
	HalvingInterval uint64 // blocks; 0 = never

	initialSubsidy *big.Int
}

// Config returns the chain configuration of g, which must be valid: as
// ParseGenesis and LoadGenesis return it, or checked with Validate when built
// in Go. (An invalid configuration does not make the rules panic: the
// difficulty rule reports it as an error on every block.)
func (g *Genesis) Config() *ChainConfig {
	return &ChainConfig{
		ChainID:         g.ChainID,
		GenesisTime:     g.Timestamp,
		TargetBlockTime: g.TargetBlockTimeMs,
		ASERTHalfLife:   g.ASERTHalfLifeMs,
		InitialBits:     g.InitialBits,
		PowLimitBits:    g.PowLimitBits,
		GasLimit:        g.GasLimit,
		MaxBlockBytes:   g.MaxBlockBytes,
		MaxDrift:        g.MaxDriftMs,
		HalvingInterval: g.Reward.HalvingInterval,
		initialSubsidy:  copyAmount(g.Reward.Initial),
	}
}

// copyAmount returns a copy of v, or zero for nil.
func copyAmount(v *big.Int) *big.Int {
	if v == nil {
		return new(big.Int)
	}
	return new(big.Int).Set(v)
}

// PowLimit returns the easiest allowed target, decoded from PowLimitBits
// (a fresh value each call; nil only for a ChainConfig not made by Config
// whose PowLimitBits is invalid).
func (c *ChainConfig) PowLimit() *big.Int {
	t, err := types.CompactToTarget(c.PowLimitBits)
	if err != nil {
		return nil
	}
	return t
}

// InitialSubsidy returns a copy of the block subsidy before any halving.
func (c *ChainConfig) InitialSubsidy() *big.Int {
	return copyAmount(c.initialSubsidy)
}

// Subsidy returns the newly created wei that the block at height may credit
// to its coinbase (fees come on top): the initial reward shifted right once
// per completed HalvingInterval, as Bitcoin's GetBlockSubsidy. With
// HalvingInterval 0 it never halves; after 256 halvings it is zero. The
// genesis block (height 0) has no coinbase transaction to pay, but the
// formula is defined there too. The result is a fresh value.
func (c *ChainConfig) Subsidy(height uint64) *big.Int {
	s := c.InitialSubsidy()
	if c.HalvingInterval == 0 {
		return s
	}
	halvings := height / c.HalvingInterval
	if halvings >= maxHalvings {
		return s.SetUint64(0)
	}
	return s.Rsh(s, uint(halvings))
}
