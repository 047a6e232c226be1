package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/quarry-chain/quarry/wallet/keystore"
	"github.com/quarry-chain/quarry/wallet/rpcclient"
)

// env is what the program takes from its surroundings, injected so that
// tests run the whole CLI in process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// readPassword reads a line without echo after printing prompt; nil
	// when stdin is not a terminal.
	readPassword func(prompt string) (string, error)
	// pollInterval is how often waiting polls the node (default 500 ms).
	pollInterval time.Duration
}

// Defaults of the global options.
const (
	defaultRPC      = "http://127.0.0.1:8545"
	defaultKeystore = "~/.quarry/keystore"
	defaultPoll     = 500 * time.Millisecond
)

// app is one run of the program: its environment and global options.
type app struct {
	env
	rpcURL       string
	keystoreDir  string
	json         bool
	passwordFile string
	lightKDF     bool

	client *rpcclient.Client // made on first use
}

// run builds the CLI, runs it on args and returns the exit code, having
// printed any error to stderr.
func run(args []string, e env) int {
	return runContext(context.Background(), args, e)
}

// runContext is run under ctx (cancelled on an interrupt).
func runContext(ctx context.Context, args []string, e env) int {
	err := newApp(e).RunContext(ctx, args)
	if err != nil {
		fmt.Fprintln(e.stderr, "quarry:", err)
	}
	return exitCode(err)
}

func newApp(e env) *cli.App {
	if e.pollInterval <= 0 {
		e.pollInterval = defaultPoll
	}
	a := &app{env: e}
	ca := &cli.App{
		Name:      "quarry",
		Usage:     "the Quarry wallet and client",
		Version:   version,
		Reader:    e.stdin,
		Writer:    e.stdout,
		ErrWriter: e.stderr,
		// Event signatures and ABI values contain commas; repeat a flag
		// to give several values instead.
		DisableSliceFlagSeparator: true,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "rpc", Usage: "node JSON-RPC `URL` (env QUARRY_RPC)", Value: defaultRPC},
			&cli.StringFlag{Name: "keystore", Usage: "keystore `DIR`ectory (env QUARRY_KEYSTORE)", Value: defaultKeystore},
			&cli.BoolFlag{Name: "json", Usage: "print machine-readable JSON"},
			&cli.StringFlag{Name: "password-file", Usage: "read the password from the first line of `FILE` (or set QUARRY_PASSWORD)"},
			&cli.BoolFlag{Name: "lightkdf", Usage: "encrypt new key files with light scrypt (tests and dev chains only; env QUARRY_LIGHTKDF=1)"},
		},
		Before: func(c *cli.Context) error {
			a.rpcURL = a.lookup(c, "rpc", "QUARRY_RPC", defaultRPC)
			a.keystoreDir = a.lookup(c, "keystore", "QUARRY_KEYSTORE", defaultKeystore)
			a.json = c.Bool("json")
			a.passwordFile = c.String("password-file")
			a.lightKDF = c.Bool("lightkdf") || a.getenv("QUARRY_LIGHTKDF") == "1"
			return nil
		},
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usagef("unknown command %q (see quarry help)", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
		Commands: []*cli.Command{
			a.accountCommand(),
			a.balanceCommand(),
			a.nonceCommand(),
			a.sendCommand(),
			a.signCommand(),
			a.txCommand(),
			a.receiptCommand(),
			a.blockCommand(),
			a.contractCommand(),
			a.logsCommand(),
			a.chainCommand(),
			a.peersCommand(),
			a.mineCommand(),
		},
		// Errors carry their exit code; main decides how to exit.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError(err)
		},
	}
	for _, c := range ca.Commands {
		markUsageErrors(c)
	}
	return ca
}

// lookup reads a global string option: the flag, else the environment
// variable (through env.getenv, so tests need not touch the process
// environment), else the default.
func (a *app) lookup(c *cli.Context, flag, envName, def string) string {
	if c.IsSet(flag) {
		return c.String(flag)
	}
	if v := a.getenv(envName); v != "" {
		return v
	}
	return def
}

// markUsageErrors makes flag parsing errors of c and its subcommands
// usage errors, and gives commands with subcommands an action that
// rejects unknown ones (urfave's default shows help and exits 3, which
// is our wallet code).
func markUsageErrors(c *cli.Command) {
	c.OnUsageError = func(_ *cli.Context, err error, _ bool) error { return usageError(err) }
	if len(c.Subcommands) > 0 && c.Action == nil {
		c.Action = func(cc *cli.Context) error {
			if cc.Args().Present() {
				return usagef("unknown command %q for %s (see quarry %s help)", cc.Args().First(), c.Name, c.Name)
			}
			return cli.ShowSubcommandHelp(cc)
		}
	}
	for _, s := range c.Subcommands {
		markUsageErrors(s)
	}
}

// rpc returns the node client.
func (a *app) rpc() (*rpcclient.Client, error) {
	if a.client == nil {
		c, err := rpcclient.New(a.rpcURL, nil)
		if err != nil {
			return nil, usageError(err)
		}
		a.client = c
	}
	return a.client, nil
}

// keystore opens the keystore directory.
func (a *app) keystore() (*keystore.Dir, error) {
	dir := a.keystoreDir
	if dir == "~" || strings.HasPrefix(dir, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, walletError(fmt.Errorf("keystore %s: %w", dir, err))
		}
		dir = filepath.Join(home, strings.TrimPrefix(dir[1:], "/"))
	}
	params := keystore.StandardScrypt()
	if a.lightKDF {
		params = keystore.LightScrypt()
	}
	d, err := keystore.OpenDir(dir, params)
	if err != nil {
		return nil, walletError(err)
	}
	return d, nil
}

// errNoPassword: no way to ask for a password was available.
var errNoPassword = errors.New("no password: use --password-file, QUARRY_PASSWORD or run on a terminal")

// password returns the password for what, from --password-file,
// QUARRY_PASSWORD or a prompt (asked twice when confirm is set, for a new
// password).
func (a *app) password(what string, confirm bool) (string, error) {
	if a.passwordFile != "" {
		b, err := os.ReadFile(a.passwordFile)
		if err != nil {
			return "", walletError(fmt.Errorf("password file: %w", err))
		}
		line, _, _ := strings.Cut(string(b), "\n")
		return strings.TrimSuffix(line, "\r"), nil
	}
	if p := a.getenv("QUARRY_PASSWORD"); p != "" {
		return p, nil
	}
	if a.readPassword == nil {
		return "", walletError(errNoPassword)
	}
	p, err := a.readPassword(what + ": ")
	if err != nil {
		return "", walletError(fmt.Errorf("reading password: %w", err))
	}
	if confirm {
		again, err := a.readPassword("Repeat " + strings.ToLower(what[:1]) + what[1:] + ": ")
		if err != nil {
			return "", walletError(fmt.Errorf("reading password: %w", err))
		}
		if again != p {
			return "", walletError(errors.New("passwords do not match"))
		}
	}
	return p, nil
}

// ctx returns the context commands run under.
func ctxOf(c *cli.Context) context.Context {
	if c.Context != nil {
		return c.Context
	}
	return context.Background()
}
