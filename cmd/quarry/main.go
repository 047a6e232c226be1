package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	e := env{
		stdin:  os.Stdin,
		stdout: os.Stdout,
		stderr: os.Stderr,
		getenv: os.Getenv,
	}
	if fd := int(os.Stdin.Fd()); term.IsTerminal(fd) {
		e.readPassword = func(prompt string) (string, error) {
			os.Stderr.WriteString(prompt)
			b, err := term.ReadPassword(fd)
			os.Stderr.WriteString("\n")
			return string(b), err
		}
	}
	// An interrupt cancels a wait or a request in flight; the command
	// then fails as any other would.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runContext(ctx, os.Args, e)
	stop()
	os.Exit(code)
}
