package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Program is a command-line program made of subcommands.
type Program struct {
	Name     string // the program's name in its messages
	Commands []Command
}

// Run runs the command args[0] with the rest of args and returns the exit
// status. Usage and errors go to stderr; the command's own output is its
// business. No arguments, or help, -h or --help, print the program's usage.
func (p Program) Run(ctx context.Context, args []string, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		p.PrintUsage(stderr)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	for _, c := range p.Commands {
		if c.Name == args[0] {
			return p.runCommand(ctx, c, args[1:], stderr)
		}
	}
	fmt.Fprintf(stderr, "%s: unknown command %q\n", p.Name, args[0])
	p.PrintUsage(stderr)
	return ExitUsage
}

func (p Program) runCommand(ctx context.Context, c Command, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet(p.Name+" "+c.Name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s %s [flags] %s\n%s\n", p.Name, c.Name, c.Args, c.Usage)
		fs.PrintDefaults()
	}
	run := c.Setup(fs)
	if err := fs.Parse(args); err != nil {
		// The flag package has printed the problem and the usage.
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if err := run(ctx, fs.Args()); err != nil {
		fmt.Fprintf(stderr, "%s %s: %v\n", p.Name, c.Name, err)
		if errors.Is(err, ErrUsage) {
			fs.Usage()
			return ExitUsage
		}
		return ExitFailed
	}
	return ExitOK
}

// PrintUsage writes the program's synopsis and each command's summary, the
// summaries in one column.
func (p Program) PrintUsage(w io.Writer) {
	fmt.Fprintf(w, "usage: %[1]s <command> [flags] [args]   (%[1]s <command> -h for its flags)\n", p.Name)
	width := 0
	for _, c := range p.Commands {
		width = max(width, len(c.Name))
	}
	for _, c := range p.Commands {
		first, _, _ := strings.Cut(c.Usage, "\n")
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.Name, first)
	}
}
