package contracts_test

import (
	"bytes"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/vm"
)

// Alice buys from bob; carol arbitrates.
func deployEscrow(t *testing.T, c *chain, amount uint64) types.Address {
	t.Helper()
	return c.mustDeploy(alice, "escrow", amount, addr(bob), addr(carol))
}

func wantSettled(t *testing.T, c *chain, esc, to types.Address, amount uint64) {
	t.Helper()
	if len(c.logs) != 1 || c.logs[0].Address != esc || len(c.logs[0].Topics) != 2 ||
		c.logs[0].Topics[0] != topic("Settled(address,uint256)") || c.logs[0].Topics[1] != addrTopic(to) ||
		!bytes.Equal(c.logs[0].Data, word(amount)) {
		t.Fatalf("logs %+v, want Settled(%s, %d)", c.logs, to, amount)
	}
}

func TestEscrowRelease(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	esc := deployEscrow(t, c, 400)
	if c.balance(esc) != 400 || c.balance(alice) != 1_000_000-400 {
		t.Fatalf("after deposit: escrow %d, alice %d", c.balance(esc), c.balance(alice))
	}
	wantWord(t, c.view(esc, "settled()"), 0)
	if got := c.view(esc, "seller()"); !bytes.Equal(got, addr(bob)) {
		t.Fatalf("seller() = %x", got)
	}
	if got := c.view(esc, "buyer()"); !bytes.Equal(got, addr(alice)) {
		t.Fatalf("buyer() = %x", got)
	}

	// The seller cannot release to himself.
	_, err := c.call(bob, esc, 0, "release()")
	wantErr(t, err, vm.ErrExecutionReverted)

	c.mustCall(alice, esc, "release()")
	wantSettled(t, c, esc, bob, 400)
	if c.balance(esc) != 0 || c.balance(bob) != 1_000_000+400 {
		t.Fatalf("after release: escrow %d, bob %d", c.balance(esc), c.balance(bob))
	}
	wantWord(t, c.view(esc, "settled()"), 1)

	// Only once, and no refund afterwards.
	for _, tx := range []struct {
		from types.Address
		sig  string
	}{{alice, "release()"}, {carol, "refund()"}, {bob, "refund()"}} {
		_, err := c.call(tx.from, esc, 0, tx.sig)
		wantErr(t, err, vm.ErrExecutionReverted)
	}
}

func TestEscrowRefundByArbiter(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	esc := deployEscrow(t, c, 1000)
	// The buyer cannot refund himself; the arbiter can.
	_, err := c.call(alice, esc, 0, "refund()")
	wantErr(t, err, vm.ErrExecutionReverted)
	c.mustCall(carol, esc, "refund()")
	wantSettled(t, c, esc, alice, 1000)
	if c.balance(alice) != 1_000_000 || c.balance(esc) != 0 {
		t.Fatalf("after refund: alice %d, escrow %d", c.balance(alice), c.balance(esc))
	}
}

// A payee whose code refuses payment makes release revert as a whole:
// the escrow stays unsettled and keeps the money.
func TestEscrowPayeeRefuses(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	refuser := types.Address{0xee}
	c.state.SetCode(refuser, []byte{byte(vm.PUSH0), byte(vm.PUSH0), byte(vm.REVERT)})
	esc := c.mustDeploy(alice, "escrow", 50, addr(refuser), addr(carol))
	_, err := c.call(alice, esc, 0, "release()")
	wantErr(t, err, vm.ErrExecutionReverted)
	wantWord(t, c.view(esc, "settled()"), 0)
	if c.balance(esc) != 50 || c.balance(refuser) != 0 {
		t.Fatalf("escrow %d, payee %d", c.balance(esc), c.balance(refuser))
	}
	if len(c.logs) != 0 {
		t.Fatal("logs survived the revert")
	}
}

func TestEscrowDeployChecks(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	dirty := addr(bob)
	dirty[3] = 9
	tests := []struct {
		name  string
		value uint64
		args  [][]byte
	}{
		{"no deposit", 0, [][]byte{addr(bob), addr(carol)}},
		{"missing arbiter", 10, [][]byte{addr(bob)}},
		{"dirty seller", 10, [][]byte{dirty, addr(carol)}},
	}
	for _, tt := range tests {
		before := c.balance(alice)
		if _, err := c.deploy(alice, "escrow", tt.value, tt.args...); !isRevert(err) {
			t.Errorf("%s: %v, want a revert", tt.name, err)
		}
		if c.balance(alice) != before {
			t.Errorf("%s: deposit kept after a failed deploy", tt.name)
		}
	}
	// More than the buyer has.
	if _, err := c.deploy(alice, "escrow", 2_000_000, addr(bob), addr(carol)); err == nil {
		t.Error("deploy beyond balance succeeded")
	} else {
		wantErr(t, err, vm.ErrInsufficientBalance)
	}
}
