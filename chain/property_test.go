package chain

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/kvdb"
)

// TestRandomTreeAnyOrder builds random block trees (random parents, random
// block times so that work differs, transfers whose nonces follow each
// branch) and feeds them to two fresh chains: one in creation order, one in
// a random order (so many arrive as orphans). Both must end on the block
// with the most work and the same state root.
func TestRandomTreeAnyOrder(t *testing.T) {
	t.Parallel()
	for seed := range uint64(6) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 42))
			h := newHarness(t)
			names := []string{"genesis"}
			var order []string
			for i := range 40 {
				parent := names[rng.IntN(len(names))]
				name := fmt.Sprintf("x%d", i)
				var opts []blockOpt
				opts = append(opts, withTimeStep(int64(200+rng.IntN(1800))))
				if rng.IntN(2) == 0 {
					from := rng.IntN(len(h.keys))
					nonce := h.blocks[parent].after[h.addrs[from]].nonce
					opts = append(opts, withTxs(h.transfer(from, h.addrs[(from+1)%len(h.addrs)], uint64(rng.IntN(1e6)+1), nonce)))
				}
				h.block(name, parent, opts...)
				names = append(names, name)
				order = append(order, name)
			}
			inOrder := h.freshChain()
			for _, name := range order {
				if _, err := inOrder.ProcessBlock(h.blocks[name].block); err != nil {
					t.Fatalf("in order, %s: %v", name, err)
				}
			}
			shuffled := h.freshChain()
			perm := rng.Perm(len(order))
			for _, i := range perm {
				if _, err := shuffled.ProcessBlock(h.blocks[order[i]].block); err != nil {
					t.Fatalf("shuffled, %s: %v", order[i], err)
				}
			}
			// The expected head: the unique block with the most work.
			var best *blockNode
			tie := false
			for _, name := range order {
				n := inOrder.index.lookup(h.blocks[name].block.Hash())
				if n == nil {
					t.Fatalf("%s missing from the index", name)
				}
				if best == nil || n.workSum.Cmp(best.workSum) > 0 {
					best, tie = n, false
				} else if n.workSum.Cmp(best.workSum) == 0 {
					tie = true
				}
			}
			if tie {
				t.Skip("two blocks share the most work; arrival order decides")
			}
			for which, bc := range map[string]*BlockChain{"in order": inOrder, "shuffled": shuffled} {
				if got := bc.Best().Hash; got != best.hash {
					t.Fatalf("%s: head %s, want %s", which, h.nameOf(got), h.nameOf(best.hash))
				}
				if root, _ := bc.state.Root(); root != h.blocks[h.nameOf(best.hash)].block.Header.StateRoot {
					t.Fatalf("%s: state root differs from the head's", which)
				}
			}
		})
	}
}

// freshChain opens a second chain with the harness's genesis on its own
// in-memory database.
func (h *harness) freshChain() *BlockChain {
	h.t.Helper()
	db := kvdb.OpenMemory()
	h.t.Cleanup(func() { db.Close() })
	bc, err := New(Config{DB: db, Genesis: h.genesis, Now: func() time.Time { return h.now }})
	if err != nil {
		h.t.Fatal(err)
	}
	return bc
}
