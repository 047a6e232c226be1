// Package cli runs the subcommands of the helper programs under scripts/
// (faultkit, testnetkit): it finds the command named by the first
// argument, parses its flags, runs it, and turns the outcome into an exit
// status, printing the program's and the command's usage where asked or
// where the arguments are wrong. The programs keep their commands; this
// package keeps the dispatch they share, so that both behave alike.
//
// # Errors
//
// A command returns an error wrapping [ErrUsage] for bad arguments (exit
// status [ExitUsage], followed by its usage) and any other error for a
// failure ([ExitFailed]); either is printed as "PROGRAM COMMAND: error".
package cli
