package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
)

func bannedCommand() command {
	return command{
		name: "banned",
		args: "PEERID...",
		usage: "check that the node has banned every given peer id (admin_addPeer refuses it)\n" +
			"Needs admin_ access (a loopback RPC listener). Exit status 1 names the peers not banned.",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			url := fs.String("rpc", "", "the node's JSON-RPC `URL` (required)")
			return func(ctx context.Context, args []string) error {
				if *url == "" || len(args) == 0 {
					return fmt.Errorf("%w: want -rpc URL and at least one peer id", errUsage)
				}
				ids := make([]peer.ID, len(args))
				for i, a := range args {
					id, err := peer.Decode(a)
					if err != nil {
						return fmt.Errorf("%w: peer id %q: %v", errUsage, a, err)
					}
					ids[i] = id
				}
				c := newRPCClient(*url, 10*time.Second)
				var free []string
				for _, id := range ids {
					banned, err := probeBan(ctx, c, id)
					if err != nil {
						return err
					}
					state := "banned"
					if !banned {
						state = "NOT banned"
						free = append(free, id.String())
					}
					fmt.Fprintf(e.stdout, "%s %s\n", id, state)
				}
				if len(free) > 0 {
					return fmt.Errorf("%w: %d of %d peers not banned: %s", errFailed, len(free), len(ids), strings.Join(free, " "))
				}
				return nil
			}
		},
	}
}
