package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/node"
)

func dumpGenesisCommand() *cli.Command {
	return &cli.Command{
		Name:  "dumpgenesis",
		Usage: "print a genesis configuration as JSON, and its genesis block hash",
		Description: `With --genesis FILE, validates FILE and prints it in canonical form;
with --dev, prints the genesis a new dev chain would start from now.
The genesis hash (which names the network) goes to standard error.`,
		Flags: []cli.Flag{
			&cli.PathFlag{Name: "genesis", Usage: "genesis JSON `FILE` to validate and print"},
			&cli.BoolFlag{Name: "dev", Usage: "print the dev chain's genesis"},
		},
		Action: func(c *cli.Context) error {
			var g *params.Genesis
			switch path := c.Path("genesis"); {
			case path != "" && c.Bool("dev"):
				return usagef("dumpgenesis: --genesis and --dev exclude each other")
			case path != "":
				var err error
				if g, err = params.LoadGenesis(path); err != nil {
					return err
				}
			default:
				var err error
				if g, err = node.DevGenesis(uint64(time.Now().UnixMilli()), 0); err != nil {
					return err
				}
			}
			block, err := chain.GenesisBlock(g)
			if err != nil {
				return err
			}
			out, err := json.MarshalIndent(g, "", "  ")
			if err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "%s\n", out)
			fmt.Fprintf(c.App.ErrWriter, "genesis hash: %s\n", block.Hash())
			return nil
		},
	}
}
