package mempool

import (
	"log/slog"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/state"
	"github.com/quarry-chain/quarry/chain/types"
)

// Chain is what the pool needs of the chain: its parameters and a view of
// the state at the tip. *chain.BlockChain implements it.
type Chain interface {
	Params() *params.ChainConfig
	// StateReader returns a consistent view of the state at the tip; the
	// pool releases it when it takes the next one.
	StateReader() (*state.Reader, error)
}

var _ Chain = (*chain.BlockChain)(nil)

// Default limits. Together they bound the pool's memory: at most
// DefaultMaxBytes of transaction encodings in at most DefaultMaxTxs
// entries, whatever is submitted.
const (
	// DefaultMaxTxs is the most transactions the pool holds: about 11
	// blocks of plain transfers at the dev gas limit (30M / 21000 = 1428).
	// A third of that (geth's 5,120) filled within seconds under a
	// sustained 1,000 tx/s whenever a block or two came late.
	DefaultMaxTxs = 16384
	// DefaultMaxBytes bounds the sum of the encodings, in bytes: 32 MiB,
	// so a pool full of maximum-size transactions stays small beside the
	// state cache.
	DefaultMaxBytes = 32 << 20
	// DefaultMaxQueued is the most non-executable (future-nonce)
	// transactions in the whole pool, as geth's GlobalQueue. Gossip
	// validates concurrently, so under load a sender's nonces often
	// arrive out of order and wait here for a moment.
	DefaultMaxQueued = 4096
	// DefaultMaxQueuedPerSender is the most non-executable transactions
	// one sender may have, as geth's AccountQueue.
	DefaultMaxQueuedPerSender = 64
	// DefaultMaxPerSender is the most transactions of any kind one sender
	// may have: enough for a busy wallet, a fifth of the pool.
	DefaultMaxPerSender = 1024
	// DefaultPriceBump is the percentage by which a replacement must raise
	// its price (geth's default): a cheaper bump would let anyone churn
	// the network's bandwidth for nearly nothing.
	DefaultPriceBump = 10
)

// Config holds what New needs. Chain is required; zero limits take the
// defaults above.
type Config struct {
	Chain Chain
	// SigCache is shared with the chain (chain.BlockChain.SigCache) so that
	// a signature the pool verified is not verified again when its block
	// is connected. Nil: a private cache.
	SigCache chain.SigCache
	Logger   *slog.Logger

	// MinGasPrice is the lowest effective gas price admitted, in wei per
	// gas (nil or zero: 1 wei, so that free transactions cannot flood).
	MinGasPrice *uint256.Int
	// PriceBump is the percentage a replacement must raise both fee caps
	// (the gas price, for legacy transactions) by.
	PriceBump uint64
	// MaxTxSize is the largest transaction encoding admitted, in bytes
	// (default types.MaxTxSize).
	MaxTxSize int

	MaxTxs             int
	MaxBytes           int
	MaxQueued          int
	MaxQueuedPerSender int
	MaxPerSender       int

	// VerifyWorkers is how many goroutines verify the signatures of a
	// batch (default: all CPUs).
	VerifyWorkers int
}

// withDefaults returns cfg with every zero field set to its default.
func (cfg Config) withDefaults() Config {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.SigCache == nil {
		cfg.SigCache = chain.NewSigCache(0)
	}
	if cfg.MinGasPrice == nil || cfg.MinGasPrice.IsZero() {
		cfg.MinGasPrice = uint256.NewInt(1)
	} else {
		cfg.MinGasPrice = new(uint256.Int).Set(cfg.MinGasPrice)
	}
	if cfg.PriceBump == 0 {
		cfg.PriceBump = DefaultPriceBump
	}
	if cfg.MaxTxSize <= 0 {
		cfg.MaxTxSize = types.MaxTxSize
	}
	if cfg.MaxTxs <= 0 {
		cfg.MaxTxs = DefaultMaxTxs
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.MaxQueued <= 0 {
		cfg.MaxQueued = DefaultMaxQueued
	}
	if cfg.MaxQueuedPerSender <= 0 {
		cfg.MaxQueuedPerSender = DefaultMaxQueuedPerSender
	}
	if cfg.MaxPerSender <= 0 {
		cfg.MaxPerSender = DefaultMaxPerSender
	}
	return cfg
}
