package cli

import (
	"context"
	"flag"
)

// Runner runs a command with the positional arguments its flags left.
type Runner func(ctx context.Context, args []string) error

// Command is one subcommand of a [Program].
type Command struct {
	Name  string
	Args  string // synopsis of the positional arguments
	Usage string // what it does; the first line is its summary in the program's list
	// Setup defines the command's flags on fs and returns the function that
	// runs it once they are parsed.
	Setup func(fs *flag.FlagSet) Runner
}
