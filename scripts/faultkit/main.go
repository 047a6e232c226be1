package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1 // an attack case or phase did not end as expected
	exitUsage  = 2 // bad arguments
)

// errUsage marks bad command-line arguments (exit status 2).
var errUsage = errors.New("usage")

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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &env{stdout: os.Stdout, stderr: os.Stderr, now: time.Now})
	stop()
	os.Exit(code)
}

// run executes one subcommand and returns the exit status.
func run(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(e.stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		fs := flag.NewFlagSet("faultkit "+c.name, flag.ContinueOnError)
		fs.SetOutput(e.stderr)
		fs.Usage = func() {
			fmt.Fprintf(e.stderr, "usage: faultkit %s [flags] %s\n%s\n", c.name, c.args, c.usage)
			fs.PrintDefaults()
		}
		runFn := c.setup(fs, e)
		if err := fs.Parse(args[1:]); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK
			}
			return exitUsage
		}
		if err := runFn(ctx, fs.Args()); err != nil {
			fmt.Fprintf(e.stderr, "faultkit %s: %v\n", c.name, err)
			if errors.Is(err, errUsage) {
				fs.Usage()
				return exitUsage
			}
			return exitFailed
		}
		return exitOK
	}
	fmt.Fprintf(e.stderr, "faultkit: unknown command %q\n", args[0])
	printUsage(e.stderr)
	return exitUsage
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: faultkit <command> [flags] [args]   (faultkit <command> -h for its flags)")
	for _, c := range commands() {
		first, _, _ := strings.Cut(c.usage, "\n")
		fmt.Fprintf(w, "  %-13s %s\n", c.name, first)
	}
}
