package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/quarry-chain/quarry/node"
)

func runCommand() *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "run a node (the default command)",
		Description: `Runs a node on --datadir. A data directory is initialised with a genesis
once (quarryd init, or --genesis on the first run) and runs that network
from then on; a --genesis of another network is refused.

The first SIGINT or SIGTERM stops the node in order and exits 0; a second
one exits at once.`,
		Flags:  runFlags(),
		Before: applyConfigFile,
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usagef("run takes no arguments, got %q (flags go after the command: quarryd dev --datadir DIR)", c.Args().First())
			}
			log, err := newLogger(c, c.App.ErrWriter)
			if err != nil {
				return err
			}
			cfg, err := nodeConfig(c, log)
			if err != nil {
				return err
			}
			if cfg.Mine && !c.IsSet(flagMinerCoinbase) {
				return usagef("--%s needs --%s ADDRESS: block rewards would otherwise go to the zero address", flagMine, flagMinerCoinbase)
			}
			if cfg.Genesis, err = openGenesis(c, cfg.DataDir); err != nil {
				return err
			}
			return runNode(c, cfg, nil)
		},
	}
}

// runNode starts a node, calls started (if not nil), runs until the
// command's context ends (a signal), and stops the node in order.
func runNode(c *cli.Context, cfg node.Config, started func(*node.Node) error) error {
	n, err := node.New(cfg)
	if err != nil {
		return explain(err)
	}
	if err := n.Start(c.Context); err != nil {
		return errors.Join(explain(err), n.Stop())
	}
	if started != nil {
		if err := started(n); err != nil {
			return errors.Join(err, n.Stop())
		}
	}
	<-c.Context.Done()
	cfg.Logger.Info("shutting down")
	if err := n.Stop(); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
