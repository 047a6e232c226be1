package main

import (
	"errors"
	"fmt"
)

// Exit codes.
const (
	exitOK    = 0
	exitRun   = 1 // the node could not be reached, funding failed, ...
	exitUsage = 2 // bad flags
	exitLoss  = 3 // the run lost a transaction or included one twice
)

// Error kinds.
var (
	// ErrUsage: a flag is missing, malformed or out of range.
	ErrUsage = errors.New("usage")
	// ErrFunding: the funding (or token deployment) batch failed.
	ErrFunding = errors.New("funding failed")
	// ErrTimeout: the run's deadline passed before a phase finished.
	ErrTimeout = errors.New("timed out")
	// ErrLoss: accepted transactions had no receipt by the timeout, or a
	// transaction was included twice.
	ErrLoss = errors.New("transactions lost or included twice")
)

func usagef(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrUsage}, args...)...)
}

// exitCode maps an error of run to the process's exit code.
func exitCode(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, ErrUsage):
		return exitUsage
	case errors.Is(err, ErrLoss):
		return exitLoss
	default:
		return exitRun
	}
}
