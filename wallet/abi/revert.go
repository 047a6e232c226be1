package abi

import (
	"fmt"
)

// Selectors of the two standard revert payloads.
var (
	errorSelector = [4]byte{0x08, 0xc3, 0x79, 0xa0} // Error(string)
	panicSelector = [4]byte{0x4e, 0x48, 0x7b, 0x71} // Panic(uint256)
)

// DecodeRevert reads a revert payload: the reason of Error(string), or
// "panic 0x.." for Panic(uint256). It reports false for anything else.
func DecodeRevert(data []byte) (string, bool) {
	if len(data) < 4 {
		return "", false
	}
	switch [4]byte(data[:4]) {
	case errorSelector:
		vals, err := Decode([]Type{{Kind: String}}, data[4:])
		if err != nil {
			return "", false
		}
		return string(vals[0].raw), true
	case panicSelector:
		vals, err := Decode([]Type{{Kind: Uint, Size: 256}}, data[4:])
		if err != nil {
			return "", false
		}
		return fmt.Sprintf("panic 0x%x", vals[0].Big()), true
	}
	return "", false
}
