package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// errTimeout: a wait did not see its condition in time.
var errTimeout = errors.New("timed out")

// progressEvery is how often a long wait says what it is waiting for.
const progressEvery = 5 * time.Second

// poll calls check every pollEvery until it returns done or an error, or
// until timeout, when it fails with errTimeout and the last reason check
// gave for not being done. Every progressEvery it writes that reason to
// progress, so that a slow CI run shows where the time goes.
func poll(ctx context.Context, timeout time.Duration, progress io.Writer, check func(ctx context.Context) (done bool, reason string, err error)) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	start := time.Now()
	lastReport := start
	reason := "no answer yet"
	for {
		done, why, err := check(ctx)
		switch {
		case err != nil:
			return err
		case done:
			return nil
		}
		if why != "" {
			reason = why
		}
		if now := time.Now(); now.Sub(lastReport) >= progressEvery {
			fmt.Fprintf(progress, "  still waiting after %.0fs: %s\n", now.Sub(start).Seconds(), reason)
			lastReport = now
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w after %v: %s", errTimeout, timeout, reason)
		case <-tick.C:
		}
	}
}

func waitCommand() command {
	return command{
		name:  "wait",
		args:  "[NAME=]URL...",
		usage: "wait until every node is up, has -peers peers and has advanced -blocks blocks",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			peers := fs.Int("peers", -1, "peers each node needs (default: all the other nodes)")
			blocks := fs.Uint64("blocks", 2, "blocks each node's height must rise by")
			timeout := fs.Duration("timeout", 90*time.Second, "give up after this long")
			return func(ctx context.Context, args []string) error {
				nodes, err := parseNodes(args)
				if err != nil {
					return err
				}
				want := *peers
				if want < 0 {
					want = len(nodes) - 1
				}
				first := make(map[string]uint64)
				start := e.now()
				err = poll(ctx, *timeout, e.stderr, func(ctx context.Context) (bool, string, error) {
					snaps := takeSnapshots(ctx, nodes)
					var waiting []string
					for _, s := range snaps {
						if s.err != nil {
							waiting = append(waiting, fmt.Sprintf("node %s not answering (%v)", s.name, s.err))
							continue
						}
						h0, seen := first[s.name]
						if !seen {
							first[s.name], h0 = s.height, s.height
						}
						if s.peers < want {
							waiting = append(waiting, fmt.Sprintf("node %s has %d of %d peers", s.name, s.peers, want))
						}
						if s.height < h0+*blocks {
							waiting = append(waiting, fmt.Sprintf("node %s at height %d, waiting for %d", s.name, s.height, h0+*blocks))
						}
					}
					return len(waiting) == 0, strings.Join(waiting, "; "), nil
				})
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stderr, "all %d nodes up with %d+ peers and advancing (%.1fs)\n", len(nodes), want, e.now().Sub(start).Seconds())
				return nil
			}
		},
	}
}

func agreeCommand() command {
	return command{
		name:  "agree",
		args:  "[NAME=]URL...",
		usage: "wait until the nodes share one chain, tips within -lag blocks (-exact: the same head)",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			lag := fs.Uint64("lag", 2, "tips may differ by this many `blocks`")
			exact := fs.Bool("exact", false, "wait for every node to have the same head (mining stopped)")
			stateRoot := fs.Bool("state-root", false, "with -exact: also the same state root at that head, printed")
			stable := fs.Int("stable", 1, "the condition must hold for this many consecutive polls")
			timeout := fs.Duration("timeout", 60*time.Second, "give up after this long")
			return func(ctx context.Context, args []string) error {
				nodes, err := parseNodes(args)
				if err != nil {
					return err
				}
				if *exact {
					*lag = 0
				}
				held := 0
				var last []snapshot
				err = poll(ctx, *timeout, e.stderr, func(ctx context.Context) (bool, string, error) {
					snaps := takeSnapshots(ctx, nodes)
					last = snaps
					for _, s := range snaps {
						if s.err != nil {
							held = 0
							return false, fmt.Sprintf("node %s not answering (%v)", s.name, s.err), nil
						}
					}
					forks := forkPoint(ctx, nodes, snaps)
					if forks == nil {
						held = 0
						return false, "a node did not give its block at the common height", nil
					}
					if problems := divergence(snaps, *lag, forks); len(problems) > 0 {
						held = 0
						return false, strings.Join(problems, "; "), nil
					}
					if *exact && *stateRoot {
						roots := map[string][]string{}
						for _, s := range snaps {
							roots[s.stateRoot] = append(roots[s.stateRoot], s.name)
						}
						if len(roots) > 1 || snaps[0].stateRoot == "" {
							held = 0
							return false, "state roots differ at the same head: " + describeGroups(roots), nil
						}
					}
					held++
					return held >= *stable, "", nil
				})
				if err != nil {
					return err
				}
				heights := make([]string, len(last))
				for i, s := range last {
					heights[i] = fmt.Sprintf("%s@%d", s.name, s.height)
				}
				what := fmt.Sprintf("tips within %d blocks", *lag)
				if *exact {
					what = "the same head " + last[0].head
				}
				if *exact && *stateRoot {
					what += " and state root " + last[0].stateRoot
				}
				fmt.Fprintf(e.stderr, "nodes agree: %s (%s)\n", what, strings.Join(heights, " "))
				return nil
			}
		},
	}
}
