package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/quarry-chain/quarry/scripts/internal/cli"
)

// Exit statuses.
const (
	exitOK      = cli.ExitOK
	exitFailed  = cli.ExitFailed // a check failed, timed out, or a node answered an error
	exitUsage   = cli.ExitUsage  // bad arguments
	pollEvery   = 250 * time.Millisecond
	callTimeout = 5 * time.Second
)

// errUsage marks bad command-line arguments (exit status 2).
var errUsage = cli.ErrUsage

// command is one subcommand: its flags are defined on fs by setup, which
// returns the function that runs it with the remaining arguments.
type command struct {
	name  string
	args  string // synopsis of the positional arguments
	usage string
	setup func(fs *flag.FlagSet, env *env) func(ctx context.Context, args []string) error
}

// env is what a subcommand may touch: its output streams and the clock.
type env struct {
	stdout, stderr io.Writer
	now            func() time.Time
}

func commands() []command {
	return []command{
		genesisCommand(),
		accountsCommand(),
		callCommand(),
		waitCommand(),
		statusCommand(),
		agreeCommand(),
		transfersCommand(),
		sendCommand(),
		receiptsCommand(),
		includedCommand(),
		portsCommand(),
	}
}

func main() {
	cli.Main(func(ctx context.Context, args []string) int {
		return run(ctx, args, &env{stdout: os.Stdout, stderr: os.Stderr, now: time.Now})
	})
}

// run executes one subcommand and returns the exit status. The commands
// go into cli's table with e bound to their setup.
func run(ctx context.Context, args []string, e *env) int {
	p := cli.Program{Name: "testnetkit"}
	for _, c := range commands() {
		p.Commands = append(p.Commands, cli.Command{Name: c.name, Args: c.args, Usage: c.usage,
			Setup: func(fs *flag.FlagSet) cli.Runner { return c.setup(fs, e) }})
	}
	return p.Run(ctx, args, e.stderr)
}

// needArgs checks the count of positional arguments.
func needArgs(args []string, min int) error {
	if len(args) < min {
		return fmt.Errorf("%w: want at least %d arguments, got %d", errUsage, min, len(args))
	}
	return nil
}
