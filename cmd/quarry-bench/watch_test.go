package main

import (
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/types"
)

func TestWatcherReorgAndDuplicates(t *testing.T) {
	t.Parallel()
	plan := []signedTx{{hash: types.Hash{1}}, {hash: types.Hash{2}}, {hash: types.Hash{3}}}
	w := newWatcher(nil, plan, 5)
	now := time.Now()
	w.add(5, &blockHashes{Hash: types.Hash{0xa5}, Transactions: []types.Hash{{1}, {9}}}, now)
	w.add(6, &blockHashes{Hash: types.Hash{0xa6}, ParentHash: types.Hash{0xa5}, Transactions: []types.Hash{{2}}}, now)
	// A block 7 on another parent: 6 is replaced, its tx 2 forgotten.
	w.add(7, &blockHashes{Hash: types.Hash{0xb7}, ParentHash: types.Hash{0xb6}}, now)
	if w.next != 6 || w.included.Load() != 1 {
		t.Fatalf("after reorg: next %d included %d, want 6 and 1", w.next, w.included.Load())
	}
	w.add(6, &blockHashes{Hash: types.Hash{0xb6}, ParentHash: types.Hash{0xa5}, Transactions: []types.Hash{{2}, {3}}}, now)
	// Tx 1 again in a later block of the same chain: included twice.
	w.add(7, &blockHashes{Hash: types.Hash{0xb7}, ParentHash: types.Hash{0xb6}, Transactions: []types.Hash{{1}}}, now)
	r := w.result()
	if got := w.included.Load(); got != 3 || r.duplicates != 1 {
		t.Fatalf("included %d duplicates %d, want 3 and 1", got, r.duplicates)
	}
	if r.at[0] != 5 || r.at[1] != 6 || r.at[2] != 6 {
		t.Errorf("heights %v, want [5 6 6]", r.at)
	}
}

func TestPercentileMs(t *testing.T) {
	t.Parallel()
	ms := func(n int) []time.Duration {
		out := make([]time.Duration, n)
		for i := range out {
			out[i] = time.Duration(i+1) * time.Millisecond
		}
		return out
	}
	tests := []struct {
		n, p int
		want float64
	}{{0, 50, 0}, {1, 99, 1}, {100, 50, 50}, {100, 95, 95}, {100, 99, 99}, {10, 95, 10}}
	for _, tt := range tests {
		if got := percentileMs(ms(tt.n), tt.p); got != tt.want {
			t.Errorf("p%d of 1..%d ms = %v, want %v", tt.p, tt.n, got, tt.want)
		}
	}
}
