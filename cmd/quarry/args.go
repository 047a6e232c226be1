package main

import (
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/holiman/uint256"
	"github.com/urfave/cli/v2"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/wallet/units"
)

// Argument parsing. Every error here is a usage error (exit 2).

// positional checks the number of positional arguments, and catches a
// flag written after them (the flag parser stops at the first argument,
// so it would be taken as an argument).
func positional(c *cli.Context, min, max int, names string) ([]string, error) {
	args := c.Args().Slice()
	for _, arg := range args {
		name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if strings.HasPrefix(arg, "-") && name != "" && hasFlag(c.Command, name) {
			return nil, usagef("flag %s must come before the arguments (quarry %s [options] %s)", arg, c.Command.FullName(), names)
		}
	}
	if len(args) < min || (max >= 0 && len(args) > max) {
		return nil, usagef("%s: want arguments %s, got %d", c.Command.FullName(), names, len(args))
	}
	return args, nil
}

func hasFlag(cmd *cli.Command, name string) bool {
	if cmd == nil {
		return false
	}
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}

func parseAddress(what, s string) (types.Address, error) {
	a, err := types.ParseAddress(strings.TrimSpace(s))
	if err != nil {
		return types.Address{}, usagef("%s: bad address %q: %w", what, s, err)
	}
	return a, nil
}

func parseHash(what, s string) (types.Hash, error) {
	h, err := types.ParseHash(strings.TrimSpace(s))
	if err != nil {
		return types.Hash{}, usagef("%s: bad hash: %w", what, err)
	}
	return h, nil
}

// parseHex decodes 0x-prefixed (or bare) hex.
func parseHex(what, s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = s[2:]
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, usagef("%s: bad hex: %w", what, err)
	}
	return b, nil
}

// parseValue reads an amount ("1.5ether", "20gwei", "0.1" = ether).
func parseValue(what, s string) (*uint256.Int, error) {
	v, err := units.Parse(s)
	if err != nil {
		return nil, usagef("%s: %w", what, err)
	}
	return v, nil
}

// parseGasPrice reads a price per gas; a bare number is in gwei.
func parseGasPrice(s string) (*uint256.Int, error) {
	v, err := units.ParseDefault(s, 9)
	if err != nil {
		return nil, usagef("--gas-price: %w", err)
	}
	return v, nil
}

func parseUint(what, s string) (uint64, error) {
	s = strings.TrimSpace(s)
	var n uint64
	var err error
	if rest, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		n, err = strconv.ParseUint(rest, 16, 64)
	} else {
		n, err = strconv.ParseUint(s, 10, 64)
	}
	if err != nil {
		return 0, usagef("%s: %q is not a non-negative integer below 2^64", what, s)
	}
	return n, nil
}

// blockRef is a block argument: a tag, a number or a hash.
type blockRef struct {
	tag  string // "latest", "pending", "earliest", "safe", "finalized", or a 0x quantity
	hash *types.Hash
}

// parseBlockRef reads "latest", a height (decimal or 0x) or a block hash.
func parseBlockRef(what, s string) (blockRef, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "latest", "pending", "earliest", "safe", "finalized":
		return blockRef{tag: strings.ToLower(s)}, nil
	}
	if len(s) == 66 && strings.HasPrefix(strings.ToLower(s), "0x") {
		h, err := parseHash(what, s)
		if err != nil {
			return blockRef{}, err
		}
		return blockRef{hash: &h}, nil
	}
	n, err := parseUint(what, s)
	if err != nil {
		return blockRef{}, usagef("%s: %q is not a block number, hash or tag (latest, pending, earliest)", what, s)
	}
	return blockRef{tag: fmt.Sprintf("0x%x", n)}, nil
}

// readArgFile reads a file named on the command line ("-" for stdin).
func (a *app) readArgFile(what, path string) ([]byte, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = readAllLimited(a.stdin)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, usagef("%s: %w", what, err)
	}
	return b, nil
}
