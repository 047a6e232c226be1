package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
)

// Port search range: below Linux's default ephemeral range (32768-60999),
// so outgoing connections do not take a testnet's ports between the probe
// and the nodes' start, and above the well-known and common service ports.
const (
	portLow      = 10_000
	portHigh     = 32_000
	portAttempts = 50
)

// errNoPorts: no free block of ports was found.
var errNoPorts = errors.New("no free block of ports")

func portsCommand() command {
	return command{
		name:  "ports",
		usage: "print the first of -count consecutive free TCP ports on 127.0.0.1",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			count := fs.Int("count", 2, "how many consecutive ports")
			return func(ctx context.Context, args []string) error {
				if *count < 1 || *count > 1000 {
					return fmt.Errorf("%w: -count %d not in [1, 1000]", errUsage, *count)
				}
				base, err := freePorts(*count, func() int { return portLow + rand.IntN(portHigh-portLow-*count) })
				if err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, base)
				return nil
			}
		},
	}
}

// freePorts tries bases from pick until one has count consecutive ports
// that can all be bound on 127.0.0.1. The ports are released before it
// returns, so another process may still take one; the nodes then fail to
// start with a clear "address in use", and a retry picks another base.
func freePorts(count int, pick func() int) (int, error) {
	for range portAttempts {
		base := pick()
		if portsFree(base, count) {
			return base, nil
		}
	}
	return 0, fmt.Errorf("%w: %d ports, %d attempts", errNoPorts, count, portAttempts)
}

func portsFree(base, count int) bool {
	var open []net.Listener
	defer func() {
		for _, l := range open {
			l.Close()
		}
	}()
	for p := base; p < base+count; p++ {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			return false
		}
		open = append(open, l)
	}
	return true
}
