package cli

import "errors"

// Exit statuses of a program run by [Program.Run].
const (
	ExitOK     = 0
	ExitFailed = 1 // the command ran and failed
	ExitUsage  = 2 // bad arguments
)

// ErrUsage marks bad command-line arguments: a command's error that wraps
// it ends the program with its usage and [ExitUsage].
var ErrUsage = errors.New("usage")
