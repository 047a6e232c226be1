package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// Main runs run with the process's arguments (without the program name)
// and a context that SIGINT or SIGTERM cancels, then exits with the status
// run returns. A program's main calls it and nothing else.
func Main(run func(ctx context.Context, args []string) int) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
