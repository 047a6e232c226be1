package mempool

import (
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

func TestPendingOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 3, nil)
	// Sender 0: 1 then 9 (the 9 must wait for the 1). Sender 1: 5, 5.
	// Sender 2: 7 with a large gas limit.
	s0n0, s0n1 := e.tx(0, txSpec{nonce: 0, price: 1}), e.tx(0, txSpec{nonce: 1, price: 9})
	s1n0, s1n1 := e.tx(1, txSpec{nonce: 0, price: 5}), e.tx(1, txSpec{nonce: 1, price: 5})
	s2n0 := e.tx(2, txSpec{nonce: 0, price: 7, gas: 100_000})
	e.mustAdd(s0n1, s1n1, s0n0, s1n0, s2n0)
	tests := []struct {
		name string
		gas  uint64
		want []*types.Transaction
	}{
		{"everything", testGasLimit, []*types.Transaction{s2n0, s1n0, s1n1, s0n0, s0n1}},
		{"two transfers", 42_000, []*types.Transaction{s1n0, s1n1}}, // s2n0 does not fit: skipped
		{"room for the big one", 121_000, []*types.Transaction{s2n0, s1n0}},
		{"below one transfer", 20_999, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.pool.Pending(tt.gas)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d txs, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("position %d: nonce %d price %s, want nonce %d price %s", i,
						got[i].Nonce, got[i].GasPrice.Dec(), tt.want[i].Nonce, tt.want[i].GasPrice.Dec())
				}
			}
		})
	}
}

func TestIteratorPopSkipsSender(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 2, nil)
	e.mustAdd(e.tx(0, txSpec{nonce: 0, price: 9}), e.tx(0, txSpec{nonce: 1, price: 9}), e.tx(1, txSpec{price: 1}))
	it := e.pool.Iterate()
	first, ok := it.Peek()
	if !ok || first.Sender != e.addrs[0] || first.Tx.Nonce != 0 {
		t.Fatalf("first %+v", first)
	}
	it.Pop() // say it failed: sender 0's nonce 1 must not follow
	next, ok := it.Peek()
	if !ok || next.Sender != e.addrs[1] {
		t.Fatalf("after Pop: %+v", next)
	}
	it.Shift()
	if _, ok := it.Peek(); ok {
		t.Fatal("iterator not exhausted")
	}
	// The snapshot does not see later admissions.
	e.mustAdd(e.tx(1, txSpec{nonce: 1}))
	if _, ok := it.Peek(); ok {
		t.Fatal("iterator saw a later admission")
	}
}
