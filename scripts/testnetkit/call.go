package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
)

func callCommand() command {
	return command{
		name: "call",
		args: "URL METHOD [PARAM...]",
		usage: "one JSON-RPC call; prints the result, or one field of it (-get)\n" +
			"Each PARAM is JSON if it parses as JSON (false, 7, [1]), else a string (latest, 0x1f, 12D3KooW...).",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			get := fs.String("get", "", "print only this `path` of the result (keys and indexes, dot-separated; # for a length)")
			raw := fs.String("params", "", "the params array as JSON, instead of PARAMs")
			return func(ctx context.Context, args []string) error {
				if err := needArgs(args, 2); err != nil {
					return err
				}
				var params any
				switch {
				case *raw != "" && len(args) > 2:
					return fmt.Errorf("%w: -params and PARAMs exclude each other", errUsage)
				case *raw != "":
					if !json.Valid([]byte(*raw)) {
						return fmt.Errorf("%w: -params is not JSON", errUsage)
					}
					params = json.RawMessage(*raw)
				default:
					params = shellParams(args[2:])
				}
				result, err := newClient(args[0]).CallRaw(ctx, args[1], params)
				if err != nil {
					return err
				}
				out, err := extract(result, *get)
				if err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, out)
				return nil
			}
		},
	}
}

// shellParams turns command-line words into JSON-RPC params: a word that is
// valid JSON stays as it is, any other word becomes a string.
func shellParams(words []string) []any {
	out := make([]any, len(words))
	for i, w := range words {
		if json.Valid([]byte(w)) {
			out[i] = json.RawMessage(w)
		} else {
			out[i] = w
		}
	}
	return out
}
