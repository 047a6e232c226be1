package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	stopSignals := handleSignals(cancel, os.Stderr, func() { os.Exit(exitError) })
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stopSignals()
	os.Exit(code)
}

// run runs quarryd with args (args[0] is the program name) until it is done
// or ctx ends, and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := newApp(stdout, stderr).RunContext(ctx, withDefaultCommand(args))
	if err != nil {
		fmt.Fprintln(stderr, "quarryd:", err)
	}
	return exitCode(err)
}

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:      "quarryd",
		Usage:     "the Quarry proof-of-work ledger node",
		UsageText: "quarryd [command] [flags]   (the command defaults to run)",
		Version:   version,
		Writer:    stdout,
		ErrWriter: stderr,
		Commands: []*cli.Command{
			runCommand(),
			devCommand(),
			initCommand(),
			exportCommand(),
			importCommand(),
			versionCommand(),
			dumpGenesisCommand(),
		},
		// Unknown commands reach the app's action (with no command, args
		// gained "run" in withDefaultCommand).
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usagef("unknown command %q (see quarryd --help)", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
		OnUsageError: onUsageError,
		// Errors are returned to run, which picks the exit code; cli must
		// not exit the process itself.
		ExitErrHandler:         func(*cli.Context, error) {},
		UseShortOptionHandling: false,
	}
	for _, cmd := range app.Commands {
		if cmd.OnUsageError == nil {
			cmd.OnUsageError = onUsageError
		}
	}
	return app
}

// onUsageError marks flag parsing errors as usage errors.
func onUsageError(_ *cli.Context, err error, _ bool) error { return &usageError{err} }

// withDefaultCommand inserts "run" when args name no command: `quarryd`
// and `quarryd --datadir x` run a node, as geth and bitcoind do.
func withDefaultCommand(args []string) []string {
	if len(args) == 0 {
		return args
	}
	if len(args) == 1 {
		return []string{args[0], "run"}
	}
	first := args[1]
	appFlags := []string{"-h", "--help", "-help", "-v", "--version", "-version"}
	if !strings.HasPrefix(first, "-") || slices.Contains(appFlags, first) {
		return args
	}
	return slices.Concat([]string{args[0], "run"}, args[1:])
}
