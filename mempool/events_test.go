package mempool

import (
	"testing"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/types"
)

// TestNewHeadDropsIncludedAndInvalid connects a block and checks that the
// pool drops what it included, a double spend of an included nonce, and
// what the sender can no longer pay for, and keeps the rest.
func TestNewHeadDropsIncludedAndInvalid(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 4, nil)
	alice, bob := types.Address{0xa1}, types.Address{0xb0}
	included := e.tx(0, txSpec{nonce: 0})
	next := e.tx(0, txSpec{nonce: 1})
	// Sender 1 pooled a spend to alice; a block takes its rival to bob.
	toAlice := e.tx(1, txSpec{to: &alice, value: ether(1), price: 2})
	toBob := e.tx(1, txSpec{to: &bob, value: ether(1), price: 1})
	// Sender 2 pooled nonces 1 and 2 of 400 ether each; a block spends
	// 500 at nonce 0, so only nonce 1 stays affordable.
	big1 := e.tx(2, txSpec{nonce: 1, value: ether(400)})
	big2 := e.tx(2, txSpec{nonce: 2, value: ether(400)})
	spend := e.tx(2, txSpec{nonce: 0, value: ether(500)})
	untouched := e.tx(3, txSpec{nonce: 0})
	e.mustAdd(included, next, toAlice, big1, big2, untouched)
	if p, q := e.pool.Status(); p != 4 || q != 2 {
		t.Fatalf("status %d/%d before the block", p, q)
	}

	var announced []*types.Transaction
	e.pool.SubscribeExecutable(func(txs []*types.Transaction) { announced = append(announced, txs...) })
	e.accept(e.block(e.genesisBlock(), "b1", included, toBob, spend))

	for _, tc := range []struct {
		name string
		tx   *types.Transaction
		want bool
	}{
		{"included", included, false},
		{"next nonce", next, true},
		{"double spend of an included nonce", toAlice, false},
		{"still affordable", big1, true},
		{"no longer affordable", big2, false},
		{"untouched sender", untouched, true},
	} {
		if got := e.pool.Has(tc.tx.Hash()); got != tc.want {
			t.Errorf("%s: in pool = %v, want %v", tc.name, got, tc.want)
		}
	}
	if p, q := e.pool.Status(); p != 3 || q != 0 {
		t.Fatalf("status %d/%d after the block, want 3/0", p, q)
	}
	if len(announced) != 1 || announced[0] != big1 {
		t.Fatalf("announced %v, want big1 (promoted by the block)", announced)
	}
	if n, _ := e.pool.PendingNonce(e.addrs[0]); n != 2 {
		t.Fatalf("pending nonce %d, want 2", n)
	}
	checkInvariants(t, e.pool)
}

// TestReorgReinjects switches branches and checks that the transactions
// of the disconnected blocks come back unless the new branch holds them.
//
//	genesis ── a1 (A0, D) ── a2 (A1)
//	      └─── b1 (A0) ── b2 ── b3       b3 has more work: reorg to it
func TestReorgReinjects(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 3, nil)
	a0 := e.tx(0, txSpec{nonce: 0, price: 3})
	a1 := e.tx(0, txSpec{nonce: 1, price: 3})
	d := e.tx(1, txSpec{nonce: 0, price: 2})
	x := e.tx(2, txSpec{nonce: 0, price: 1})
	e.mustAdd(a0, a1, d, x)

	g := e.genesisBlock()
	a1b := e.block(g, "a1", a0, d)
	a2b := e.block(a1b, "a2", a1)
	e.accept(a1b, a2b)
	if p, q := e.pool.Status(); p != 1 || q != 0 || !e.pool.Has(x.Hash()) {
		t.Fatalf("after a2: status %d/%d, want only x", p, q)
	}

	var events []string
	unsub := e.bc.Subscribe(func(ev chain.Event) {
		switch ev.(type) {
		case chain.BlockConnected:
			events = append(events, "connected")
		case chain.BlockDisconnected:
			events = append(events, "disconnected")
		case chain.Reorg:
			events = append(events, "reorg")
		case chain.NewHead:
			events = append(events, "head")
		}
	})
	defer unsub()
	b1 := e.block(g, "b1", a0)
	b2 := e.block(b1, "b2")
	b3 := e.block(b2, "b3")
	e.accept(b1, b2, b3)
	if e.bc.Best().Hash != b3.Hash() {
		t.Fatal("chain did not reorganise to b3")
	}
	want := "disconnected disconnected connected connected connected reorg head"
	if got := joinWords(events); got != want {
		t.Fatalf("events %q, want %q", got, want)
	}

	for _, tc := range []struct {
		name string
		tx   *types.Transaction
		want bool
	}{
		{"re-included by b1", a0, false},
		{"returned from a2", a1, true},
		{"returned from a1", d, true},
		{"never mined", x, true},
	} {
		if got := e.pool.Has(tc.tx.Hash()); got != tc.want {
			t.Errorf("%s: in pool = %v, want %v", tc.name, got, tc.want)
		}
	}
	if p, q := e.pool.Status(); p != 3 || q != 0 {
		t.Fatalf("status %d/%d, want 3/0", p, q)
	}
	tmpl := e.pool.Pending(testGasLimit)
	if len(tmpl) != 3 || tmpl[0].Hash() != a1.Hash() || tmpl[1].Hash() != d.Hash() || tmpl[2].Hash() != x.Hash() {
		for _, tx := range tmpl {
			t.Logf("nonce %d price %s hash %s", tx.Nonce, tx.GasPrice.Dec(), tx.Hash())
		}
		t.Fatalf("template of %d, want a1 d x (by price): %s %s %s", len(tmpl), a1.Hash(), d.Hash(), x.Hash())
	}
	// The template is a valid block on the new tip.
	e.accept(e.block(b3, "b4", tmpl...))
	if p, q := e.pool.Status(); p != 0 || q != 0 {
		t.Fatalf("status %d/%d after mining the template", p, q)
	}
	checkInvariants(t, e.pool)
}

// TestReorgEventOnly feeds the pool only the Reorg and NewHead events of
// a reorganisation, as a node forwarding summaries would.
func TestReorgEventOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 1, nil)
	tx := e.tx(0, txSpec{})
	e.mustAdd(tx)
	g := e.genesisBlock()
	a1 := e.block(g, "a1", tx)
	e.accept(a1)
	if e.pool.Has(tx.Hash()) {
		t.Fatal("included transaction kept")
	}
	// Pretend a1 was replaced by an empty branch: the chain is not asked,
	// only the pool is told (its state reader still shows a1's state, so
	// the transaction stays out: nonce too low).
	b1 := e.block(g, "b1")
	e.pool.HandleChainEvent(chain.Reorg{Fork: g.Hash(), Disconnected: []*types.Block{a1}, Connected: []*types.Block{b1}})
	e.pool.HandleChainEvent(chain.NewHead{Block: b1})
	if e.pool.Has(tx.Hash()) {
		t.Fatal("transaction returned though the state still has it mined")
	}
	// Now really reorganise: b1 b2 outweigh a1.
	e.accept(b1, e.block(b1, "b2"))
	if !e.pool.Has(tx.Hash()) {
		t.Fatal("transaction not returned after the real reorganisation")
	}
	checkInvariants(t, e.pool)
}

func joinWords(ws []string) string {
	s := ""
	for i, w := range ws {
		if i > 0 {
			s += " "
		}
		s += w
	}
	return s
}
