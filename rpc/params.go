package rpc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// Parameter decoding. Every decoder is strict (see package hexutil) and
// reports a -32602 naming the argument's position and name.

var (
	errWantString = errors.New("want a hex string")
	errMissing    = errors.New("missing value for required argument")
)

// arity checks the number of arguments: at least min, at most max.
func (c *call) arity(min, max int) error {
	switch n := len(c.params); {
	case n > max:
		return invalidParams("too many arguments, want at most %d, got %d", max, n)
	case n < min:
		return invalidParams("missing value for required argument %d", n)
	}
	return nil
}

// has reports whether argument i is present and not null.
func (c *call) has(i int) bool {
	return i < len(c.params) && string(c.params[i]) != "null"
}

// arg returns argument i, or a missing-argument error.
func (c *call) arg(i int, name string) (json.RawMessage, error) {
	if !c.has(i) {
		return nil, &paramError{i, name, errMissing}
	}
	return c.params[i], nil
}

// str returns argument i as a Go string, refusing other JSON types.
func (c *call) str(i int, name string) (string, error) {
	raw, err := c.arg(i, name)
	if err != nil {
		return "", err
	}
	return rawString(raw, i, name)
}

// rawString decodes a JSON string strictly (no other types).
func rawString(raw json.RawMessage, i int, name string) (string, error) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", &paramError{i, name, fmt.Errorf("want a string, got %s", jsonKind(raw))}
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", &paramError{i, name, errors.New(jsonErrorText(err))}
	}
	return s, nil
}

// address decodes argument i as a 20-byte address.
func (c *call) address(i int, name string) (types.Address, error) {
	s, err := c.str(i, name)
	if err != nil {
		return types.Address{}, err
	}
	a, err := parseAddress(s)
	if err != nil {
		return types.Address{}, &paramError{i, name, err}
	}
	return a, nil
}

// parseAddress requires the 0x prefix and 40 hex digits; mixed case must be
// a valid EIP-55 checksum.
func parseAddress(s string) (types.Address, error) {
	var a types.Address
	if err := hexutil.DecodeFixed(s, a[:]); err != nil {
		return types.Address{}, err
	}
	return types.ParseAddress(s)
}

// hash decodes argument i as a 32-byte hash.
func (c *call) hash(i int, name string) (types.Hash, error) {
	s, err := c.str(i, name)
	if err != nil {
		return types.Hash{}, err
	}
	var h types.Hash
	if err := hexutil.DecodeFixed(s, h[:]); err != nil {
		return types.Hash{}, &paramError{i, name, err}
	}
	return h, nil
}

// quantity decodes argument i as a 64-bit quantity.
func (c *call) quantity(i int, name string) (uint64, error) {
	s, err := c.str(i, name)
	if err != nil {
		return 0, err
	}
	n, err := hexutil.DecodeUint64(s)
	if err != nil {
		return 0, &paramError{i, name, err}
	}
	return n, nil
}

// data decodes argument i as hex data.
func (c *call) data(i int, name string) ([]byte, error) {
	s, err := c.str(i, name)
	if err != nil {
		return nil, err
	}
	b, err := hexutil.Decode(s)
	if err != nil {
		return nil, &paramError{i, name, err}
	}
	return b, nil
}

// boolean decodes argument i as a JSON boolean, def when absent.
func (c *call) boolean(i int, name string, def bool) (bool, error) {
	if !c.has(i) {
		return def, nil
	}
	switch string(c.params[i]) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, &paramError{i, name, fmt.Errorf("want a boolean, got %s", jsonKind(c.params[i]))}
}

// decodeObject decodes argument i, a JSON object, into v with unknown
// fields refused.
func (c *call) object(i int, name string, v any, strict bool) error {
	raw, err := c.arg(i, name)
	if err != nil {
		return err
	}
	if raw[0] != '{' {
		return &paramError{i, name, fmt.Errorf("want an object, got %s", jsonKind(raw))}
	}
	if err := decodeJSON(raw, v, strict); err != nil {
		return &paramError{i, name, err}
	}
	return nil
}

// decodeJSON unmarshals raw into v, refusing unknown fields when strict,
// and strips encoding/json's prefix from errors.
func decodeJSON(raw json.RawMessage, v any, strict bool) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		var hexErr error
		if errors.Is(err, hexutil.ErrInvalidHex) {
			hexErr = err
		}
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr):
			return fmt.Errorf("field %q: want %s, got %s", typeErr.Field, typeErr.Type, typeErr.Value)
		case hexErr != nil:
			return hexErr
		}
		return errors.New(jsonErrorText(err))
	}
	return nil
}

// u256Ptr converts an optional hex quantity.
func u256Ptr(v *hexutil.U256) *uint256.Int {
	if v == nil {
		return nil
	}
	return v.Int()
}

// storageSlot decodes argument i, a storage key. As geth does, it takes
// 1 to 64 hex digits (a quantity like "0x0" or a full 32-byte word) and
// left-pads them to 32 bytes.
func (c *call) storageSlot(i int) (types.Hash, error) {
	s, err := c.str(i, "slot")
	if err != nil {
		return types.Hash{}, err
	}
	if len(s) < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') {
		return types.Hash{}, &paramError{i, "slot", hexutil.ErrMissingPrefix}
	}
	d := s[2:]
	if len(d) > 2*types.HashLength {
		return types.Hash{}, &paramError{i, "slot", errors.New("longer than 32 bytes")}
	}
	if len(d)%2 == 1 {
		d = "0" + d
	}
	b, err := hexutil.Decode("0x" + d)
	if err != nil {
		return types.Hash{}, &paramError{i, "slot", err}
	}
	return types.BytesToHash(b), nil
}
