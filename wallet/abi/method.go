package abi

import (
	"fmt"
	"strings"

	"github.com/quarry-chain/quarry/chain/types"
)

// Method is a contract function: its name, parameter types and, when the
// signature gave them, its return types.
type Method struct {
	Name    string
	Inputs  []Type
	Outputs []Type
}

// ParseSignature parses "name(type,...)", optionally followed by the return
// types, as "balanceOf(address)(uint256)" or "balanceOf(address) returns
// (uint256)". Spaces around names and types are ignored.
func ParseSignature(s string) (Method, error) {
	if len(s) > maxSignature {
		return Method{}, fmt.Errorf("%w: longer than %d characters", ErrSignature, maxSignature)
	}
	open := strings.IndexByte(s, '(')
	if open < 0 {
		return Method{}, fmt.Errorf("%w: %q has no parameter list, want name(type,...)", ErrSignature, s)
	}
	name := strings.TrimSpace(s[:open])
	if !isIdentifier(name) {
		return Method{}, fmt.Errorf("%w: %q is not a function name", ErrSignature, name)
	}
	closeAt := strings.IndexByte(s[open:], ')')
	if closeAt < 0 {
		return Method{}, fmt.Errorf("%w: %q has no closing parenthesis", ErrSignature, s)
	}
	closeAt += open
	inputs, err := ParseTypes(s[open+1 : closeAt])
	if err != nil {
		return Method{}, fmt.Errorf("%w: %w", ErrSignature, err)
	}
	m := Method{Name: name, Inputs: inputs}
	rest := strings.TrimSpace(s[closeAt+1:])
	if r, ok := strings.CutPrefix(rest, "returns"); ok {
		rest = strings.TrimSpace(r)
		if rest == "" {
			return Method{}, fmt.Errorf("%w: %q: returns without types", ErrSignature, s)
		}
	}
	if rest != "" {
		if !strings.HasPrefix(rest, "(") || !strings.HasSuffix(rest, ")") {
			return Method{}, fmt.Errorf("%w: unexpected %q after the parameters", ErrSignature, rest)
		}
		if m.Outputs, err = ParseTypes(rest); err != nil {
			return Method{}, fmt.Errorf("%w: %w", ErrSignature, err)
		}
	}
	return m, nil
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// Signature returns the canonical signature, "transfer(address,uint256)":
// the text whose Keccak-256 gives the selector (and, for an event, its
// first topic).
func (m Method) Signature() string {
	return m.Name + "(" + typeList(m.Inputs) + ")"
}

func typeList(ts []Type) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.String()
	}
	return strings.Join(names, ",")
}

// Selector returns the first four bytes of the Keccak-256 of the canonical
// signature, which call data starts with.
func (m Method) Selector() [4]byte {
	h := types.Keccak256([]byte(m.Signature()))
	return [4]byte(h[:4])
}

// EncodeCall returns the call data for args: the selector followed by the
// encoded arguments.
func (m Method) EncodeCall(args []string) ([]byte, error) {
	vals, err := ParseValues(m.Inputs, args)
	if err != nil {
		return nil, err
	}
	sel := m.Selector()
	return append(sel[:], Encode(vals)...), nil
}

// EventTopic returns the first topic of the event with this signature,
// e.g. of "Transfer(address,address,uint256)".
func (m Method) EventTopic() types.Hash {
	return types.Keccak256([]byte(m.Signature()))
}
