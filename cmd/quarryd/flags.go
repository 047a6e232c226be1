package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/quarry-chain/quarry/mempool"
	"github.com/quarry-chain/quarry/node"
)

// Flag names. Each flag is also read from the environment variable envName
// gives it and from the --config file under the same name.
const (
	flagConfig          = "config"
	flagDataDir         = "datadir"
	flagGenesis         = "genesis"
	flagNetworkID       = "networkid"
	flagP2PListen       = "p2p.listen"
	flagBootnodes       = "bootnodes"
	flagMDNS            = "mdns"
	flagDHT             = "dht"
	flagNoP2P           = "nop2p"
	flagRPCAddr         = "rpc.addr"
	flagRPCPort         = "rpc.port"
	flagNoRPC           = "norpc"
	flagRPCCORS         = "rpc.corsdomain"
	flagRPCAuthToken    = "rpc.authtoken"
	flagMine            = "mine"
	flagMinerThreads    = "miner.threads"
	flagMinerCoinbase   = "miner.coinbase"
	flagMinerGasPrice   = "miner.gasprice"
	flagTxPoolMaxTxs    = "txpool.maxtxs"
	flagTxPoolMaxBytes  = "txpool.maxbytes"
	flagTxPoolMaxQueued = "txpool.maxqueued"
	flagTxPoolPriceBump = "txpool.pricebump"
	flagMetrics         = "metrics"
	flagPprof           = "pprof"
	flagLogLevel        = "log.level"
	flagLogFormat       = "log.format"
	flagNoSync          = "nosync"
	flagCache           = "cache"
	flagDevPeriod       = "dev.period"
	flagReset           = "reset"
)

// Defaults that differ between commands or need explaining.
const (
	defaultRPCAddr = "127.0.0.1"
	// defaultRPCPort is the port every Ethereum tool tries first.
	defaultRPCPort = 8545
	// defaultDevPeriod is the dev chain's block time in seconds: the
	// params.DevGenesis target, short enough for an edit-run loop.
	defaultDevPeriod = 1
)

// envPrefix starts every environment variable quarryd reads.
const envPrefix = "QUARRY_"

// envName is the environment variable of a flag: QUARRY_ and the flag name
// in upper case with dots and dashes as underscores (rpc.port:
// QUARRY_RPC_PORT).
func envName(flag string) string {
	return envPrefix + strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(flag))
}

// env is the EnvVars of a flag.
func env(flag string) []string { return []string{envName(flag)} }

// defaultDataDir is ~/.quarry, or .quarry in the working directory when
// there is no home directory (a service account, a bare container).
func defaultDataDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ".quarry"
	}
	return filepath.Join(home, ".quarry")
}

// defaultDevDataDir is stable across restarts, so that `quarryd dev` picks
// up its chain again, and under the temporary directory, so that the OS
// clears it eventually.
func defaultDevDataDir() string { return filepath.Join(os.TempDir(), "quarry-dev") }

// Categories group the flags in --help.
const (
	catNode    = "NODE"
	catNetwork = "NETWORK"
	catRPC     = "JSON-RPC"
	catMining  = "MINING"
	catPool    = "TRANSACTION POOL"
	catLog     = "LOGGING AND METRICS"
	catDev     = "DEV CHAIN"
)

// storeFlags are the flags of every command that opens a data directory.
func storeFlags(dataDir string) []cli.Flag {
	return []cli.Flag{
		&cli.PathFlag{Name: flagConfig, Category: catNode, EnvVars: env(flagConfig),
			Usage: "read flag values from a TOML `FILE` (keys are flag names; command line and environment win)"},
		&cli.PathFlag{Name: flagDataDir, Category: catNode, EnvVars: env(flagDataDir), Value: dataDir,
			Usage: "data `DIR`ectory: chain database, stored genesis, p2p key, pending transactions"},
		&cli.PathFlag{Name: flagGenesis, Category: catNode, EnvVars: env(flagGenesis),
			Usage: "genesis JSON `FILE` for a new data directory (checked against a used one)"},
		&cli.Uint64Flag{Name: flagNetworkID, Category: catNode, EnvVars: env(flagNetworkID),
			Usage: "refuse to start unless the genesis chain id is `ID` (0: no check)"},
		&cli.StringFlag{Name: flagLogLevel, Category: catLog, EnvVars: env(flagLogLevel), Value: "info",
			Usage: "log `LEVEL`: debug, info, warn or error"},
		&cli.StringFlag{Name: flagLogFormat, Category: catLog, EnvVars: env(flagLogFormat), Value: "text",
			Usage: "log `FORMAT`: text or json"},
		&cli.BoolFlag{Name: flagNoSync, EnvVars: env(flagNoSync), Hidden: true,
			Usage: "skip fsync of database writes (tests only: a power loss may lose blocks)"},
	}
}

// nodeFlagDefaults are the defaults that differ between run and dev.
type nodeFlagDefaults struct {
	dataDir      string
	listen       []string // nil: no network unless asked
	mine         bool
	minerThreads int
}

// nodeFlags are the flags of the commands that run a node.
func nodeFlags(d nodeFlagDefaults) []cli.Flag {
	listenUsage := "listen on multiaddr `ADDR` (repeatable)"
	if d.listen == nil {
		listenUsage += "; giving one starts the network"
	}
	var listen *cli.StringSlice
	if d.listen != nil {
		listen = cli.NewStringSlice(d.listen...)
	}
	flags := storeFlags(d.dataDir)
	return append(flags,
		&cli.IntFlag{Name: flagCache, Category: catNode, EnvVars: env(flagCache), Value: node.DefaultCacheMiB,
			Usage: "`MiB` of memory for the chain's caches: half trie nodes, a quarter accounts, a quarter database blocks (a state fits in about 100 bytes per account)"},
		&cli.StringSliceFlag{Name: flagP2PListen, Category: catNetwork, EnvVars: env(flagP2PListen), Value: listen,
			Usage: listenUsage},
		&cli.StringSliceFlag{Name: flagBootnodes, Category: catNetwork, EnvVars: env(flagBootnodes),
			Usage: "comma-separated multiaddrs with /p2p/<peer id> to dial at start and keep connected (`ADDRS`)"},
		&cli.BoolFlag{Name: flagMDNS, Category: catNetwork, EnvVars: env(flagMDNS),
			Usage: "discover peers on the local network (mDNS)"},
		&cli.BoolFlag{Name: flagDHT, Category: catNetwork, EnvVars: env(flagDHT),
			Usage: "discover peers through the network's Kademlia DHT, joined through --bootnodes (for larger networks)"},
		&cli.BoolFlag{Name: flagNoP2P, Category: catNetwork, EnvVars: env(flagNoP2P),
			Usage: "run without a network"},
		&cli.StringFlag{Name: flagRPCAddr, Category: catRPC, EnvVars: env(flagRPCAddr), Value: defaultRPCAddr,
			Usage: "JSON-RPC (HTTP and WebSocket) listen `HOST`"},
		&cli.IntFlag{Name: flagRPCPort, Category: catRPC, EnvVars: env(flagRPCPort), Value: defaultRPCPort,
			Usage: "JSON-RPC (HTTP and WebSocket) `PORT` (0: any free port)"},
		&cli.BoolFlag{Name: flagNoRPC, Category: catRPC, EnvVars: env(flagNoRPC),
			Usage: "run without JSON-RPC"},
		&cli.StringSliceFlag{Name: flagRPCCORS, Category: catRPC, EnvVars: env(flagRPCCORS),
			Usage: "comma-separated web page `ORIGINS` allowed to call (\"*\" for any, but only origins named here get admin_/miner_; browser wallet extensions such as MetaMask are always allowed)"},
		&cli.StringFlag{Name: flagRPCAuthToken, Category: catRPC, EnvVars: env(flagRPCAuthToken),
			Usage: "bearer `TOKEN` required for admin_ and miner_ methods (without one they are served on loopback only)"},
		&cli.BoolFlag{Name: flagMine, Category: catMining, EnvVars: env(flagMine), Value: d.mine,
			Usage: "mine blocks"},
		&cli.IntFlag{Name: flagMinerThreads, Category: catMining, EnvVars: env(flagMinerThreads), Value: d.minerThreads,
			Usage: "mining `THREADS` (0: one per CPU)"},
		&cli.StringFlag{Name: flagMinerCoinbase, Category: catMining, EnvVars: env(flagMinerCoinbase),
			Usage: "`ADDRESS` that receives block rewards and fees"},
		&cli.StringFlag{Name: flagMinerGasPrice, Category: catMining, EnvVars: env(flagMinerGasPrice), Value: "1",
			Usage: "lowest gas price admitted to the pool and mined, in `WEI`"},
		&cli.IntFlag{Name: flagTxPoolMaxTxs, Category: catPool, EnvVars: env(flagTxPoolMaxTxs), Value: mempool.DefaultMaxTxs,
			Usage: "most transactions the pool holds (`N`)"},
		&cli.IntFlag{Name: flagTxPoolMaxBytes, Category: catPool, EnvVars: env(flagTxPoolMaxBytes), Value: mempool.DefaultMaxBytes,
			Usage: "most `BYTES` of transactions the pool holds"},
		&cli.IntFlag{Name: flagTxPoolMaxQueued, Category: catPool, EnvVars: env(flagTxPoolMaxQueued), Value: mempool.DefaultMaxQueued,
			Usage: "most future-nonce transactions the pool holds (`N`)"},
		&cli.Uint64Flag{Name: flagTxPoolPriceBump, Category: catPool, EnvVars: env(flagTxPoolPriceBump), Value: mempool.DefaultPriceBump,
			Usage: "`PERCENT` a replacement transaction must raise its price by (at least 1)"},
		&cli.StringFlag{Name: flagMetrics, Category: catLog, EnvVars: env(flagMetrics),
			Usage: "serve Prometheus metrics at http://`ADDR`/metrics (host:port; default off)"},
		&cli.BoolFlag{Name: flagPprof, Category: catLog, EnvVars: env(flagPprof),
			Usage: "also serve Go's runtime profiles at /debug/pprof/ on the --metrics address"},
	)
}

// runFlags are the flags of `quarryd run`.
func runFlags() []cli.Flag {
	return nodeFlags(nodeFlagDefaults{
		dataDir: defaultDataDir(),
		listen:  []string{"/ip4/0.0.0.0/tcp/30333", "/ip4/0.0.0.0/udp/30333/quic-v1"},
	})
}

// devFlags are the flags of `quarryd dev`.
func devFlags() []cli.Flag {
	flags := nodeFlags(nodeFlagDefaults{dataDir: defaultDevDataDir(), mine: true, minerThreads: 1})
	return append(flags,
		&cli.Uint64Flag{Name: flagDevPeriod, Category: catDev, EnvVars: env(flagDevPeriod), Value: defaultDevPeriod,
			Usage: "target block time of a new dev chain in `SECONDS`; 0 mines only when transactions wait"},
		&cli.BoolFlag{Name: flagReset, Category: catDev, EnvVars: env(flagReset),
			Usage: "delete the dev chain in --datadir and start a new one"},
	)
}

// knownConfigKeys are the names a config file may use: every flag of every
// command, so that one file can serve run, dev, export and import, each
// taking the keys it has flags for.
func knownConfigKeys() map[string]bool {
	keys := make(map[string]bool)
	for _, set := range [][]cli.Flag{runFlags(), devFlags()} {
		for _, f := range set {
			keys[f.Names()[0]] = true
		}
	}
	delete(keys, flagConfig)
	return keys
}
