package trie

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

// TestVectors checks the roots in testdata/vectors.json, which freeze the
// hash layout of doc.go, inserting each set in several orders.
func TestVectors(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vectors []struct {
		Name  string `json:"name"`
		Pairs []struct {
			Key   types.Hash `json:"key"`
			Value hexBytes   `json:"value"`
		} `json:"pairs"`
		Root types.Hash `json:"root"`
	}
	if err := json.Unmarshal(raw, &vectors); err != nil {
		t.Fatal(err)
	}
	if len(vectors) == 0 {
		t.Fatal("no vectors")
	}
	for _, v := range vectors {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(uint64(len(v.Pairs)), 0))
			var cs []Change
			for _, p := range v.Pairs {
				cs = append(cs, Change{Key: p.Key, Value: p.Value})
			}
			for range 4 {
				rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
				tr, s := newTrie(t, 0)
				for _, c := range cs {
					update(t, tr, s, []Change{c})
				}
				if tr.Root() != v.Root {
					t.Fatalf("root %s, want %s", tr.Root(), v.Root)
				}
			}
		})
	}
}

// hexBytes decodes a 0x-prefixed hex string.
type hexBytes []byte

func (h *hexBytes) UnmarshalText(text []byte) error {
	s, ok := strings.CutPrefix(string(text), "0x")
	if !ok {
		return fmt.Errorf("%q lacks 0x", text)
	}
	b, err := hex.DecodeString(s)
	*h = b
	return err
}
