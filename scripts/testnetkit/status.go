package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"
)

// errDiverged: the nodes do not share one chain (status -strict).
var errDiverged = errors.New("nodes diverged")

func statusCommand() command {
	return command{
		name:  "status",
		args:  "[NAME=]URL...",
		usage: "print each node's height, head, peers and hash rate, and flag divergence",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			lag := fs.Uint64("lag", 2, "flag a node more than this many `blocks` behind the highest")
			strict := fs.Bool("strict", false, "exit 1 on divergence or a node down")
			return func(ctx context.Context, args []string) error {
				nodes, err := parseNodes(args)
				if err != nil {
					return err
				}
				snaps := takeSnapshots(ctx, nodes)
				tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "NODE\tRPC\tHEIGHT\tHEAD\tPEERS\tHASHRATE\tMINING")
				down := 0
				for _, s := range snaps {
					if s.err != nil {
						down++
						fmt.Fprintf(tw, "%s\t%s\tdown\t\t\t\t\n", s.name, s.url)
						continue
					}
					mining := "no"
					if s.mining {
						mining = "yes"
					}
					fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\t%s\t%s\n", s.name, s.url, s.height, s.head, s.peers, formatRate(s.hashrate), mining)
				}
				tw.Flush()
				problems := divergence(snaps, *lag, forkPoint(ctx, nodes, snaps))
				for _, p := range problems {
					fmt.Fprintln(e.stdout, "DIVERGED:", p)
				}
				if len(problems) == 0 && down < len(snaps) {
					fmt.Fprintf(e.stdout, "ok: the %d running nodes share one chain (tips within %d blocks)\n", len(snaps)-down, *lag)
				}
				if *strict && (len(problems) > 0 || down > 0) {
					return fmt.Errorf("%w (%d problems, %d nodes down)", errDiverged, len(problems), down)
				}
				return nil
			}
		},
	}
}
