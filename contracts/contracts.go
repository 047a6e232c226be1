package contracts

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/quarry-chain/quarry/vm/asm"
)

//go:embed *.qasm *.abi.json
var sources embed.FS

// ErrUnknownContract is returned for a name without a .qasm file.
var ErrUnknownContract = errors.New("unknown contract")

// Names returns the names of the example contracts, sorted.
func Names() []string {
	entries, _ := fs.Glob(sources, "*.qasm") // the pattern is valid, so no error
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e, ".qasm"))
	}
	slices.Sort(names)
	return names
}

// Source returns the assembly source of the named contract ("token").
func Source(name string) (string, error) {
	b, err := sources.ReadFile(name + ".qasm")
	if err != nil {
		return "", fmt.Errorf("%w: %q", ErrUnknownContract, name)
	}
	return string(b), nil
}

// CreationCode assembles the named contract's creation code. Append the
// ABI-encoded constructor arguments to deploy it.
func CreationCode(name string) ([]byte, error) {
	src, err := Source(name)
	if err != nil {
		return nil, err
	}
	code, err := asm.Assemble(src)
	if err != nil {
		return nil, fmt.Errorf("contract %s: %w", name, err)
	}
	return code, nil
}

// ABI returns the named contract's ABI in the Ethereum JSON format, for
// ethers.js, viem and other clients.
func ABI(name string) (string, error) {
	b, err := sources.ReadFile(name + ".abi.json")
	if err != nil {
		return "", fmt.Errorf("%w: %q", ErrUnknownContract, name)
	}
	return string(b), nil
}
