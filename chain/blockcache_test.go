package chain

import (
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

// TestBlockCache: a stored block is served from memory, and nothing a
// caller does to a block it passed in or got back reaches the cache.
func TestBlockCache(t *testing.T) {
	h := newHarness(t)
	blk := h.block("b1", "genesis", withTxs(h.transfer(0, h.addrs[1], 1, 0), h.transfer(1, h.addrs[2], 2, 0)))
	want := blk.Hash()
	wantTxs := []types.Hash{blk.Txs[0].Hash(), blk.Txs[1].Hash()}
	h.accept("b1")
	if !h.bc.blocks.has(want) {
		t.Fatal("a processed block is not cached")
	}
	// The caller changes the block it passed in, and the one it gets back.
	blk.Header.Height = 99
	blk.Txs[0] = blk.Txs[1]
	got, err := h.bc.BlockByHash(want)
	if err != nil {
		t.Fatal(err)
	}
	got.Header.GasUsed = 1
	got.Txs = got.Txs[:1]

	check := func(name string) {
		t.Helper()
		b, err := h.bc.BlockByHash(want)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b.Hash() != want || len(b.Txs) != 2 || b.Txs[0].Hash() != wantTxs[0] || b.Txs[1].Hash() != wantTxs[1] {
			t.Fatalf("%s: block %s with %d txs, want %s with %v", name, b.Hash(), len(b.Txs), want, wantTxs)
		}
	}
	check("hit")
	h.bc.blocks.purge()
	check("miss")
	if !h.bc.blocks.has(want) {
		t.Fatal("a block read from the store is not cached")
	}
	if _, err := h.bc.BlockByHash(types.Hash{1}); err == nil {
		t.Fatal("an unknown block was found")
	}
	if h.bc.blocks.has(types.Hash{1}) {
		t.Fatal("a failed read was cached")
	}
}
