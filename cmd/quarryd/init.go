package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/node"
)

func initCommand() *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "initialise a data directory with a genesis file",
		ArgsUsage: " ",
		Description: `Stores the genesis in --datadir (creating it), which ties the directory to
that network: run reads it from there, and a later init with another
genesis is refused. Initialising again with the same genesis does nothing.`,
		Flags:  storeFlags(defaultDataDir()),
		Before: applyConfigFile,
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usagef("init takes no arguments, got %q (quarryd init --genesis FILE)", c.Args().First())
			}
			if c.Path(flagGenesis) == "" {
				return usagef("init needs --%s FILE", flagGenesis)
			}
			dir, err := dataDir(c)
			if err != nil {
				return err
			}
			g, err := givenGenesis(c)
			if err != nil {
				return err
			}
			_, created, err := node.InitDataDir(dir, g)
			if err != nil {
				return err
			}
			block, err := chain.GenesisBlock(g)
			if err != nil {
				return err
			}
			if created {
				fmt.Fprintf(c.App.Writer, "initialised %s: chain id %d, genesis %s\n", dir, g.ChainID, block.Hash())
			} else {
				fmt.Fprintf(c.App.Writer, "%s already holds this genesis: chain id %d, genesis %s\n", dir, g.ChainID, block.Hash())
			}
			return nil
		},
	}
}
