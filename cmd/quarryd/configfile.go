package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"

	"github.com/BurntSushi/toml"
	"github.com/urfave/cli/v2"
)

// errConfigFile: the --config file could not be read or holds a key or
// value quarryd does not take.
var errConfigFile = errors.New("config file")

// badConfigFile is a mistake in the content of the config file at path:
// not TOML, a key given twice or naming no flag, a value a flag does not
// take. Like a bad flag it is a usage error (exit 2); a file that cannot
// be read is not.
func badConfigFile(path string, err error) error {
	return &usageError{fmt.Errorf("%w %s: %w", errConfigFile, path, err)}
}

// applyConfigFile sets every flag of the command that neither the command
// line nor the environment set from the --config file, which is what makes
// the precedence flag > environment > file > default.
//
// Keys are flag names. A dotted name may be written as a table, so
// `rpc.port = 8545`, `"rpc.port" = 8545` and `[rpc] port = 8545` are the
// same key. A key that names no flag of any command is an error (a typo
// must not be silently ignored); one that names a flag of another command
// (dev.period in a file given to run) is skipped, so one file can serve
// them all.
func applyConfigFile(c *cli.Context) error {
	path := c.Path(flagConfig)
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%w: %w", errConfigFile, err)
	}
	var doc map[string]any
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return badConfigFile(path, err)
	}
	values := make(map[string]any)
	if err := flatten("", doc, values); err != nil {
		return badConfigFile(path, err)
	}
	known := knownConfigKeys()
	ours := make(map[string]bool)
	for _, f := range c.Command.Flags {
		ours[f.Names()[0]] = true
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		switch {
		case !known[key]:
			return badConfigFile(path, fmt.Errorf("unknown key %q (keys are flag names, such as rpc.port)", key))
		case !ours[key] || c.IsSet(key):
			continue
		}
		texts, err := flagTexts(values[key])
		if err != nil {
			return badConfigFile(path, fmt.Errorf("%s: %w", key, err))
		}
		for _, s := range texts {
			if err := c.Set(key, s); err != nil {
				return badConfigFile(path, fmt.Errorf("%s = %q: %w", key, s, err))
			}
		}
	}
	return nil
}

// flatten turns nested tables into dotted keys.
func flatten(prefix string, table map[string]any, out map[string]any) error {
	for k, v := range table {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		if sub, ok := v.(map[string]any); ok {
			if err := flatten(key, sub, out); err != nil {
				return err
			}
			continue
		}
		if _, dup := out[key]; dup {
			return fmt.Errorf("key %q given twice", key)
		}
		out[key] = v
	}
	return nil
}

// flagTexts writes a TOML value as the command-line text(s) of a flag: one
// per element of an array (for repeatable flags such as p2p.listen).
func flagTexts(v any) ([]string, error) {
	if arr, ok := v.([]any); ok {
		out := make([]string, 0, len(arr))
		for _, e := range arr {
			s, err := flagText(e)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := flagText(v)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

func flagText(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		// TOML has no big integers; a whole float is accepted, for
		// txpool.maxbytes = 3.2e7 and the like.
		if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			return "", fmt.Errorf("%v is not a whole number", v)
		}
		return strconv.FormatInt(int64(v), 10), nil
	}
	return "", fmt.Errorf("a %T value is not allowed (use a string, number, boolean or array of them)", v)
}
