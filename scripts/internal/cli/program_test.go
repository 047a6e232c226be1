package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"
)

// testProgram has a command that echoes its flag and arguments, and one
// that fails as its -err flag says.
func testProgram(out *strings.Builder) Program {
	return Program{Name: "kit", Commands: []Command{
		{Name: "echo", Args: "WORD...", Usage: "print the words\nwith more to say", Setup: func(fs *flag.FlagSet) Runner {
			upper := fs.Bool("upper", false, "in capitals")
			return func(_ context.Context, args []string) error {
				s := strings.Join(args, " ")
				if *upper {
					s = strings.ToUpper(s)
				}
				fmt.Fprintln(out, s)
				return nil
			}
		}},
		{Name: "long-named", Usage: "fail as -err says", Setup: func(fs *flag.FlagSet) Runner {
			kind := fs.String("err", "", "usage or failed")
			return func(ctx context.Context, _ []string) error {
				switch *kind {
				case "usage":
					return fmt.Errorf("%w: -err usage given", ErrUsage)
				case "failed":
					return errors.New("it broke")
				case "ctx":
					return ctx.Err()
				}
				return nil
			}
		}},
	}}
}

const kitUsage = "usage: kit <command> [flags] [args]   (kit <command> -h for its flags)\n" +
	"  echo        print the words\n" +
	"  long-named  fail as -err says\n"

func TestProgramRun(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string // exact when it ends in a newline, else a substring
	}{
		{"no arguments", nil, ExitUsage, "", kitUsage},
		{"help", []string{"help"}, ExitOK, "", kitUsage},
		{"-h", []string{"-h"}, ExitOK, "", kitUsage},
		{"--help", []string{"--help", "echo"}, ExitOK, "", kitUsage},
		{"unknown", []string{"frob", "x"}, ExitUsage, "", "kit: unknown command \"frob\"\n" + kitUsage},
		{"runs", []string{"echo", "a", "b"}, ExitOK, "a b\n", ""},
		{"flags then args", []string{"echo", "-upper", "a", "-b"}, ExitOK, "A -B\n", ""},
		{"command help", []string{"echo", "-h"}, ExitOK, "", "usage: kit echo [flags] WORD...\nprint the words\nwith more to say\n  -upper\n    \tin capitals\n"},
		{"bad flag", []string{"echo", "-nope"}, ExitUsage, "", "flag provided but not defined: -nope\nusage: kit echo [flags] WORD..."},
		{"usage error", []string{"long-named", "-err", "usage"}, ExitUsage, "", "kit long-named: usage: -err usage given\nusage: kit long-named [flags] \nfail as -err says\n  -err string\n    \tusage or failed\n"},
		{"failure", []string{"long-named", "-err", "failed"}, ExitFailed, "", "kit long-named: it broke\n"},
		{"success", []string{"long-named"}, ExitOK, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr strings.Builder
			code := testProgram(&stdout).Run(context.Background(), tt.args, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, stderr.String())
			}
			if stdout.String() != tt.stdout {
				t.Errorf("stdout %q, want %q", stdout.String(), tt.stdout)
			}
			if strings.HasSuffix(tt.stderr, "\n") || tt.stderr == "" {
				if stderr.String() != tt.stderr {
					t.Errorf("stderr %q, want %q", stderr.String(), tt.stderr)
				}
			} else if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q, want it to contain %q", stderr.String(), tt.stderr)
			}
		})
	}
}

// TestProgramRunContext checks that the command gets the caller's context.
func TestProgramRunContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr strings.Builder
	code := testProgram(&stdout).Run(ctx, []string{"long-named", "-err", "ctx"}, &stderr)
	if code != ExitFailed || stderr.String() != "kit long-named: context canceled\n" {
		t.Errorf("exit %d, stderr %q; want %d and the cancellation", code, stderr.String(), ExitFailed)
	}
}
