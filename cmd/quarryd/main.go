// Command quarryd is the Quarry full node daemon.
//
// Today it derives and prints genesis configurations (dumpgenesis); the
// node itself (run, dev, init, import, export) lands with the node package.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	if err := newApp(os.Stdout, os.Stderr).Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "quarryd:", err)
		os.Exit(1)
	}
}

func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:      "quarryd",
		Usage:     "the Quarry proof-of-work ledger node",
		Version:   version,
		Writer:    stdout,
		ErrWriter: stderr,
		Commands: []*cli.Command{
			dumpGenesisCommand(),
		},
	}
}
