package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"time"

	"github.com/quarry-chain/quarry/scripts/internal/cli"
)

// Exit statuses.
const (
	exitOK     = cli.ExitOK
	exitFailed = cli.ExitFailed // an attack case or phase did not end as expected
	exitUsage  = cli.ExitUsage  // bad arguments
)

// errUsage marks bad command-line arguments (exit status 2).
var errUsage = cli.ErrUsage

// errFailed marks a run whose report holds a failed case or phase (exit
// status 1); the report itself says which.
var errFailed = errors.New("expectations not met")

// command is one subcommand: setup defines its flags on fs and returns the
// function that runs it with the remaining arguments.
type command struct {
	name  string
	args  string // synopsis of the positional arguments
	usage string
	setup func(fs *flag.FlagSet, e *env) func(ctx context.Context, args []string) error
}

// env is what a subcommand may touch: its output streams and the clock.
type env struct {
	stdout, stderr io.Writer
	now            func() time.Time
}

func commands() []command {
	return []command{
		hostilePeerCommand(),
		hostileRPCCommand(),
		bannedCommand(),
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
	p := cli.Program{Name: "faultkit"}
	for _, c := range commands() {
		p.Commands = append(p.Commands, cli.Command{Name: c.name, Args: c.args, Usage: c.usage,
			Setup: func(fs *flag.FlagSet) cli.Runner { return c.setup(fs, e) }})
	}
	return p.Run(ctx, args, e.stderr)
}
