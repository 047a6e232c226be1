package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/holiman/uint256"
	"github.com/urfave/cli/v2"

	"github.com/quarry-chain/quarry/node"
	"github.com/quarry-chain/quarry/wallet"
	"github.com/quarry-chain/quarry/wallet/units"
)

// Modes.
const (
	modeTransfer = "transfer"
	modeToken    = "token"
)

// Defaults and bounds of the flags.
const (
	defaultRPC        = "http://127.0.0.1:8545"
	defaultAccounts   = 100
	defaultTxs        = 10_000
	defaultClients    = 16
	defaultTimeout    = 5 * time.Minute
	defaultMaxPending = 4096 // below the node pool's default 5,120 entries
	// maxAccounts bounds K: the funding batch is K (token mode 2K+1)
	// transactions from one sender, sent in chunks the pool takes.
	maxAccounts = 100_000
	// maxTxs bounds N: the plan holds every signed transaction in memory
	// (about 200 bytes each).
	maxTxs = 10_000_000
	// maxClients bounds C: each is a goroutine with its own connection.
	maxClients = 4096
	// maxRate bounds --rate: a send slot every microsecond.
	maxRate = 1_000_000
)

// config is one run's settings, checked.
type config struct {
	rpcs        []string
	key         *btcec.PrivateKey
	accounts    int
	txs         int
	clients     int
	value       *uint256.Int
	gasPrice    *uint256.Int // nil: ask the node (eth_gasPrice)
	timeout     time.Duration
	mode        string
	json        bool
	maxPending  int
	rate        int       // sends per second, 0 for no limit
	acceptedOut string    // file recording each accepted transaction, "" for none
	progress    io.Writer // stderr, or io.Discard
}

func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:      "quarry-bench",
		Usage:     "load a Quarry node or testnet with transfers and measure acceptance, inclusion and latency",
		Writer:    stdout,
		ErrWriter: stderr,
		// Errors are printed once, by run.
		ExitErrHandler:  func(*cli.Context, error) {},
		HideHelpCommand: true,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return fmt.Errorf("%w: %w", ErrUsage, err)
		},
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "rpc", Value: cli.NewStringSlice(defaultRPC), Usage: "node JSON-RPC `URL`; repeat or separate with commas to spread the load over several nodes"},
			&cli.StringFlag{Name: "key", Usage: "hex private `KEY` of the funded account (default: dev account 0, whose key is public)"},
			&cli.IntFlag{Name: "mnemonic-index", Usage: "use dev mnemonic account `I` (0-9) as the funded account"},
			&cli.IntFlag{Name: "accounts", Value: defaultAccounts, Usage: "`K` fresh accounts that send the load"},
			&cli.IntFlag{Name: "txs", Value: defaultTxs, Usage: "`N` transactions to send"},
			&cli.IntFlag{Name: "clients", Value: defaultClients, Usage: "`C` concurrent senders"},
			&cli.StringFlag{Name: "value", Value: "1wei", Usage: "`AMOUNT` each transfer sends (default unit wei; in token mode, token base units)"},
			&cli.StringFlag{Name: "gas-price", Usage: "gas `PRICE` (default unit gwei; default: the node's eth_gasPrice)"},
			&cli.DurationFlag{Name: "timeout", Value: defaultTimeout, Usage: "give up on funding, or on receipts after the first send, after `D`"},
			&cli.StringFlag{Name: "mode", Value: modeTransfer, Usage: "`MODE`: transfer (ether) or token (the example token contract)"},
			&cli.IntFlag{Name: "max-pending", Value: defaultMaxPending, Usage: "pause sending while `P` accepted transactions await inclusion (0: no limit)"},
			&cli.IntFlag{Name: "rate", Usage: "send at most `R` transactions per second in all (0: as fast as the nodes take them)"},
			&cli.StringFlag{Name: "accepted-out", Usage: "write each accepted transaction to `FILE` as it is accepted: hash, sender, nonce, node URL"},
			&cli.BoolFlag{Name: "json", Usage: "print the report as JSON"},
			&cli.BoolFlag{Name: "quiet", Usage: "no progress line on stderr"},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usagef("unexpected argument %q", c.Args().First())
			}
			cfg, err := parseConfig(c)
			if err != nil {
				return err
			}
			if c.Bool("quiet") {
				cfg.progress = io.Discard
			}
			rep, runErr := bench(c.Context, cfg)
			if rep != nil {
				if err := rep.write(c.App.Writer, cfg.json); err != nil {
					return err
				}
			}
			return runErr
		},
	}
}

// parseConfig checks the flags and builds the run's config.
func parseConfig(c *cli.Context) (*config, error) {
	cfg := &config{
		accounts:    c.Int("accounts"),
		txs:         c.Int("txs"),
		clients:     c.Int("clients"),
		timeout:     c.Duration("timeout"),
		mode:        c.String("mode"),
		json:        c.Bool("json"),
		maxPending:  c.Int("max-pending"),
		rate:        c.Int("rate"),
		acceptedOut: c.String("accepted-out"),
		progress:    c.App.ErrWriter,
	}
	for _, r := range c.StringSlice("rpc") {
		for _, u := range strings.Split(r, ",") {
			if u = strings.TrimSpace(u); u != "" {
				cfg.rpcs = append(cfg.rpcs, u)
			}
		}
	}
	if len(cfg.rpcs) == 0 {
		return nil, usagef("--rpc: no node URL")
	}
	if err := checkRange("accounts", cfg.accounts, 1, maxAccounts); err != nil {
		return nil, err
	}
	if err := checkRange("txs", cfg.txs, 1, maxTxs); err != nil {
		return nil, err
	}
	if err := checkRange("clients", cfg.clients, 1, maxClients); err != nil {
		return nil, err
	}
	if err := checkRange("max-pending", cfg.maxPending, 0, math.MaxInt32); err != nil {
		return nil, err
	}
	if err := checkRange("rate", cfg.rate, 0, maxRate); err != nil {
		return nil, err
	}
	if cfg.timeout <= 0 {
		return nil, usagef("--timeout %v: want a positive duration", cfg.timeout)
	}
	if cfg.mode != modeTransfer && cfg.mode != modeToken {
		return nil, usagef("--mode %q: want %s or %s", cfg.mode, modeTransfer, modeToken)
	}
	v, err := units.ParseDefault(c.String("value"), 0)
	if err != nil {
		return nil, usagef("--value: %w", err)
	}
	cfg.value = v
	if s := c.String("gas-price"); s != "" {
		gp, err := units.ParseDefault(s, 9)
		if err != nil {
			return nil, usagef("--gas-price: %w", err)
		}
		if gp.IsZero() {
			return nil, usagef("--gas-price: must be above zero")
		}
		cfg.gasPrice = gp
	}
	cfg.key, err = fundedKey(c)
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

func checkRange(name string, v, lo, hi int) error {
	if v < lo || v > hi {
		return usagef("--%s %d: want %d to %d", name, v, lo, hi)
	}
	return nil
}

// fundedKey returns the key of --key, or of --mnemonic-index in the dev
// mnemonic (default 0).
func fundedKey(c *cli.Context) (*btcec.PrivateKey, error) {
	if c.IsSet("key") && c.IsSet("mnemonic-index") {
		return nil, usagef("--key and --mnemonic-index: give one, not both")
	}
	if c.IsSet("key") {
		return parseKey(c.String("key"))
	}
	i := c.Int("mnemonic-index")
	if i < 0 || i >= node.DevAccountCount {
		return nil, usagef("--mnemonic-index %d: want 0 to %d", i, node.DevAccountCount-1)
	}
	acct, err := wallet.DeriveAccount(node.DevMnemonic, "", uint32(i))
	if err != nil {
		return nil, fmt.Errorf("dev account %d: %w", i, err)
	}
	return acct.PrivateKey, nil
}

// errBadKey: --key is not 32 bytes of hex, or not a valid secp256k1 scalar.
var errBadKey = errors.New("want 64 hex digits of a secp256k1 private key")

func parseKey(s string) (*btcec.PrivateKey, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "0x")
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return nil, usagef("--key: %w", errBadKey)
	}
	var scalar btcec.ModNScalar
	if overflow := scalar.SetByteSlice(b); overflow || scalar.IsZero() {
		return nil, usagef("--key: %w", errBadKey)
	}
	k, _ := btcec.PrivKeyFromBytes(b)
	return k, nil
}
