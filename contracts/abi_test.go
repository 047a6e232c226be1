package contracts_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/contracts"
)

type abiEntry struct {
	Type   string `json:"type"`
	Name   string `json:"name"`
	Inputs []struct {
		Type string `json:"type"`
	} `json:"inputs"`
}

func signature(e abiEntry) string {
	types := make([]string, len(e.Inputs))
	for i, in := range e.Inputs {
		types[i] = in.Type
	}
	return e.Name + "(" + strings.Join(types, ",") + ")"
}

// TestABIMatchesCode checks each contract's ABI file against its code:
// every function's selector and every event's topic is in the code, and
// the code dispatches no selector the ABI lacks.
func TestABIMatchesCode(t *testing.T) {
	t.Parallel()
	names := contracts.Names()
	if len(names) != 3 {
		t.Fatalf("contracts %v", names)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			src, err := contracts.ABI(name)
			if err != nil {
				t.Fatal(err)
			}
			var entries []abiEntry
			if err := json.Unmarshal([]byte(src), &entries); err != nil {
				t.Fatal(err)
			}
			code, err := contracts.CreationCode(name)
			if err != nil {
				t.Fatal(err)
			}
			functions := 0
			for _, e := range entries {
				h := types.Keccak256([]byte(signature(e)))
				switch e.Type {
				case "function":
					functions++
					if !bytes.Contains(code, h[:4]) {
						t.Errorf("selector of %s not in the code", signature(e))
					}
				case "event":
					if !bytes.Contains(code, h[:]) {
						t.Errorf("topic of %s not in the code", signature(e))
					}
				}
			}
			qasm, _ := contracts.Source(name)
			if n := strings.Count(qasm, "selector(\""); n != functions {
				t.Errorf("the code dispatches %d selectors, the ABI has %d functions", n, functions)
			}
		})
	}
	if _, err := contracts.CreationCode("nope"); !errors.Is(err, contracts.ErrUnknownContract) {
		t.Errorf("unknown contract: %v", err)
	}
}
