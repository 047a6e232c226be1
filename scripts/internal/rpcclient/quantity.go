package rpcclient

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Quantity is a JSON-RPC hex quantity ("0x1a").
type Quantity uint64

func (q *Quantity) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	n, err := ParseQuantity(s)
	*q = Quantity(n)
	return err
}

// ParseQuantity parses a hex quantity: "0x" and 1 to 16 hex digits.
func ParseQuantity(s string) (uint64, error) {
	digits, ok := strings.CutPrefix(s, "0x")
	if !ok || digits == "" || len(digits) > 16 {
		return 0, fmt.Errorf("bad quantity %q", s)
	}
	n, err := strconv.ParseUint(digits, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("bad quantity %q: %w", s, err)
	}
	return n, nil
}
