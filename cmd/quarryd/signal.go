package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// handleSignals calls cancel on the first SIGINT or SIGTERM, so that the
// running command shuts down in order (the node stops mining, the network
// and RPC, and closes its database), and force on the second, for a
// shutdown that hangs. stop releases the signals.
func handleSignals(cancel func(), log io.Writer, force func()) (stop func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			fmt.Fprintf(log, "quarryd: %v received, shutting down (again to force)\n", s)
			cancel()
		case <-done:
			return
		}
		select {
		case s := <-sigs:
			fmt.Fprintf(log, "quarryd: %v received again, exiting at once\n", s)
			force()
		case <-done:
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}
