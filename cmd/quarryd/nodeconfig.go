package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/holiman/uint256"
	ma "github.com/multiformats/go-multiaddr"
	"github.com/urfave/cli/v2"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/miner"
	"github.com/quarry-chain/quarry/node"
	"github.com/quarry-chain/quarry/p2p"
)

// newLogger builds the logger of --log.level and --log.format, writing to w.
func newLogger(c *cli.Context, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	switch s := strings.ToLower(c.String(flagLogLevel)); s {
	case "debug":
		level = slog.LevelDebug
	case "info":
		level = slog.LevelInfo
	case "warn", "warning":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	default:
		return nil, usagef("--%s %q: want debug, info, warn or error", flagLogLevel, s)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch s := strings.ToLower(c.String(flagLogFormat)); s {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	default:
		return nil, usagef("--%s %q: want text or json", flagLogFormat, s)
	}
}

// dataDir is --datadir made absolute, with a leading ~ expanded (a config
// file or environment variable does not get the shell's expansion).
func dataDir(c *cli.Context) (string, error) {
	dir := c.Path(flagDataDir)
	if dir == "" {
		return "", usagef("--%s is empty", flagDataDir)
	}
	if dir == "~" || strings.HasPrefix(dir, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("--%s %s: %w", flagDataDir, dir, err)
		}
		dir = filepath.Join(home, dir[1:])
	}
	return filepath.Abs(dir)
}

// nodeConfig builds a node.Config from the flags of run and dev, all but
// the genesis, which the command resolves. Every flag value is checked
// here, before anything touches the data directory.
func nodeConfig(c *cli.Context, log *slog.Logger) (node.Config, error) {
	dir, err := dataDir(c)
	if err != nil {
		return node.Config{}, err
	}
	cfg := node.Config{
		DataDir: dir,
		Logger:  log,
		Version: version,
		NoSync:  c.Bool(flagNoSync),
		NoP2P:   c.Bool(flagNoP2P),
		NoRPC:   c.Bool(flagNoRPC),
		Mine:    c.Bool(flagMine),
	}

	cfg.P2P = p2p.DefaultConfig()
	cfg.P2P.ListenAddrs = c.StringSlice(flagP2PListen)
	for _, s := range cfg.P2P.ListenAddrs {
		if _, err := ma.NewMultiaddr(s); err != nil {
			return cfg, usagef("--%s %q: %v", flagP2PListen, s, err)
		}
	}
	cfg.P2P.Bootnodes = c.StringSlice(flagBootnodes)
	for _, s := range cfg.P2P.Bootnodes {
		if _, err := p2p.ParsePeerAddr(s); err != nil {
			return cfg, &usageError{fmt.Errorf("--%s: %w", flagBootnodes, err)}
		}
	}
	cfg.P2P.MDNS = c.Bool(flagMDNS)
	cfg.P2P.DHT = c.Bool(flagDHT)

	port := c.Int(flagRPCPort)
	if port < 0 || port > 65535 {
		return cfg, usagef("--%s %d: not a port (0 to 65535)", flagRPCPort, port)
	}
	cfg.RPC.Addr = net.JoinHostPort(c.String(flagRPCAddr), strconv.Itoa(port))
	cfg.RPC.CORSOrigins = c.StringSlice(flagRPCCORS)
	cfg.RPC.AuthToken = c.String(flagRPCAuthToken)

	price, err := uint256.FromDecimal(c.String(flagMinerGasPrice))
	if err != nil {
		return cfg, usagef("--%s %q: want a whole number of wei: %v", flagMinerGasPrice, c.String(flagMinerGasPrice), err)
	}
	cfg.Pool.MinGasPrice = price
	// The pool takes a zero bump as its default; an explicit 0 (which would
	// let same-price replacements churn the network) is refused instead.
	if cfg.Pool.PriceBump = c.Uint64(flagTxPoolPriceBump); cfg.Pool.PriceBump == 0 {
		return cfg, usagef("--%s must be at least 1 (percent)", flagTxPoolPriceBump)
	}
	for _, lim := range []struct {
		flag string
		dst  *int
	}{
		{flagTxPoolMaxTxs, &cfg.Pool.MaxTxs},
		{flagTxPoolMaxBytes, &cfg.Pool.MaxBytes},
		{flagTxPoolMaxQueued, &cfg.Pool.MaxQueued},
	} {
		v := c.Int(lim.flag)
		if v <= 0 {
			return cfg, usagef("--%s %d: must be positive", lim.flag, v)
		}
		*lim.dst = v
	}

	if cfg.CacheMiB = c.Int(flagCache); cfg.CacheMiB < node.MinCacheMiB {
		return cfg, usagef("--%s %d: want at least %d", flagCache, cfg.CacheMiB, node.MinCacheMiB)
	}

	threads := c.Int(flagMinerThreads)
	if threads < 0 || threads > miner.MaxThreads {
		return cfg, usagef("--%s %d: want 0 (one per CPU) to %d", flagMinerThreads, threads, miner.MaxThreads)
	}
	cfg.Miner.Threads = threads
	if s := c.String(flagMinerCoinbase); s != "" {
		if cfg.Miner.Coinbase, err = types.ParseAddress(s); err != nil {
			return cfg, usagef("--%s %q: %v", flagMinerCoinbase, s, err)
		}
	}

	if addr := c.String(flagMetrics); addr != "" {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return cfg, usagef("--%s %q: want host:port: %v", flagMetrics, addr, err)
		}
		cfg.MetricsAddr = addr
	}
	if c.Bool(flagPprof) {
		if cfg.MetricsAddr == "" {
			return cfg, usagef("--%s needs --%s: the profiles are served on the metrics address", flagPprof, flagMetrics)
		}
		cfg.Pprof = true
	}
	return cfg, nil
}

// givenGenesis loads --genesis, if given, and checks --networkid against it.
func givenGenesis(c *cli.Context) (*params.Genesis, error) {
	path := c.Path(flagGenesis)
	if path == "" {
		return nil, nil
	}
	g, err := params.LoadGenesis(path)
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", flagGenesis, err)
	}
	return g, checkNetworkID(c, g)
}

// errNetworkID: --networkid is not the genesis chain id.
var errNetworkID = errors.New("network id mismatch")

// checkNetworkID checks --networkid, if given, against g's chain id.
func checkNetworkID(c *cli.Context, g *params.Genesis) error {
	if id := c.Uint64(flagNetworkID); id != 0 && id != g.ChainID {
		return fmt.Errorf("%w: --%s %d, but the genesis has chain id %d", errNetworkID, flagNetworkID, id, g.ChainID)
	}
	return nil
}

// openGenesis returns the genesis the data directory runs: the stored one,
// or --genesis for a fresh directory (which it then stores).
func openGenesis(c *cli.Context, dir string) (*params.Genesis, error) {
	given, err := givenGenesis(c)
	if err != nil {
		return nil, err
	}
	g, err := node.OpenGenesis(dir, given)
	if err != nil {
		return nil, err
	}
	return g, checkNetworkID(c, g)
}

// explain adds what to do about the errors an operator meets starting a
// node.
func explain(err error) error {
	switch {
	case errors.Is(err, node.ErrDataDirInUse):
		return fmt.Errorf("%w (is another quarryd running on it?)", err)
	case errors.Is(err, chain.ErrGenesisMismatch):
		return fmt.Errorf("the data directory holds another network's chain: %w (use another --datadir)", err)
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("%w (is another node running? choose another --rpc.port, --p2p.listen or --metrics)", err)
	}
	return err
}
