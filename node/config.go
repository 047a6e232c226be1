package node

import (
	"log/slog"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/mempool"
	"github.com/quarry-chain/quarry/miner"
	"github.com/quarry-chain/quarry/p2p"
	"github.com/quarry-chain/quarry/rpc"
)

// Config is everything a node needs. DataDir and Genesis are required; the
// part configs carry the operator's settings, and the node fills in their
// wiring fields (backends, chain, pool, logger) itself.
type Config struct {
	// DataDir holds the chain database, the node's p2p identity and the
	// saved pending transactions.
	DataDir string
	// Genesis defines the network.
	Genesis *params.Genesis
	Logger  *slog.Logger
	// Version is reported by web3_clientVersion and the p2p identity.
	Version string
	// CacheMiB is the memory for the chain's caches, in MiB (0:
	// DefaultCacheMiB): half for the state trie's inner nodes, a quarter
	// each for committed accounts and the database's block cache. A node
	// whose caches hold its whole state reads nothing from disk to connect
	// a block (about 100 bytes per account).
	CacheMiB int
	// NoSync skips fsync on database writes (tests and benchmarks only: a
	// power loss may lose the last blocks; a process crash loses nothing).
	NoSync bool

	// P2P configures the network; NoP2P runs a node without one.
	P2P   p2p.Config
	NoP2P bool

	// RPC configures the JSON-RPC server; NoRPC runs without one.
	RPC   rpc.Config
	NoRPC bool

	// Pool configures the mempool.
	Pool mempool.Config

	// Miner configures the miner; Mine starts it with the node.
	Miner miner.Config
	Mine  bool

	// MetricsAddr serves Prometheus metrics at /metrics ("" = off).
	MetricsAddr string
	// Pprof also serves Go's runtime profiles at /debug/pprof/ on
	// MetricsAddr: operators profile a live node without a rebuild.
	Pprof bool
}

// DefaultCacheMiB is the chain's cache memory when Config.CacheMiB is 0:
// 64 MiB of trie nodes, 32 of accounts, 32 of database blocks.
const DefaultCacheMiB = 128

// MinCacheMiB is the smallest Config.CacheMiB a node accepts.
const MinCacheMiB = 16

// cacheSplit divides mib between the trie node cache, the account cache
// (both in bytes) and the database block cache (in MiB).
func cacheSplit(mib int) (trieBytes, accountBytes int64, dbMiB int) {
	if mib == 0 {
		mib = DefaultCacheMiB
	}
	quarter := int64(mib) << 20 / 4
	return 2 * quarter, quarter, max(mib/4, 1)
}
