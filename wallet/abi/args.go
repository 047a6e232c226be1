package abi

import (
	"fmt"
	"strings"
)

// ParseTypedArgs parses a list of typed values written as
// "uint256:1000,address:0x70997970C51812dc3A010C7d01b50e0d17dc79C8", the
// form constructor arguments take on the command line. Commas inside
// brackets and quotes do not split ("uint256[]:[1,2]"). An empty string
// is an empty list.
func ParseTypedArgs(s string) ([]Value, error) {
	if len(s) > 1<<20 {
		return nil, fmt.Errorf("%w: argument list longer than 1 MiB", ErrValue)
	}
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	items, err := SplitTopLevel(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrValue, err)
	}
	out := make([]Value, len(items))
	for i, item := range items {
		typ, val, ok := strings.Cut(item, ":")
		if !ok {
			return nil, fmt.Errorf("%w: argument %d %q, want type:value", ErrValue, i+1, item)
		}
		t, err := ParseType(typ)
		if err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+1, err)
		}
		if out[i], err = ParseValue(t, val); err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+1, err)
		}
	}
	return out, nil
}
