package contracts_test

import (
	"bytes"
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/vm"
)

const supply = 1_000_000

func deployToken(t *testing.T) (*chain, types.Address) {
	t.Helper()
	c := newChain(t)
	tok := c.mustDeploy(alice, "token", 0, word(supply))
	return c, tok
}

// wantTransferLog checks that the last transaction emitted exactly one
// log, Transfer(from, to, value), from the token.
func wantTransferLog(t *testing.T, c *chain, tok, from, to types.Address, value uint64) {
	t.Helper()
	if len(c.logs) != 1 {
		t.Fatalf("%d logs, want 1", len(c.logs))
	}
	l := c.logs[0]
	want := []types.Hash{topic("Transfer(address,address,uint256)"), addrTopic(from), addrTopic(to)}
	if l.Address != tok || len(l.Topics) != 3 || l.Topics[0] != want[0] || l.Topics[1] != want[1] ||
		l.Topics[2] != want[2] || !bytes.Equal(l.Data, word(value)) {
		t.Fatalf("log %+v, want Transfer(%s, %s, %d)", l, from, to, value)
	}
}

func TestTokenDeploy(t *testing.T) {
	t.Parallel()
	c, tok := deployToken(t)
	wantTransferLog(t, c, tok, types.Address{}, alice, supply)
	if got := abiString(t, c.view(tok, "name()")); got != "Quarry Token" {
		t.Errorf("name() = %q", got)
	}
	if got := abiString(t, c.view(tok, "symbol()")); got != "QRY" {
		t.Errorf("symbol() = %q", got)
	}
	wantWord(t, c.view(tok, "decimals()"), 18)
	wantWord(t, c.view(tok, "totalSupply()"), supply)
	wantWord(t, c.view(tok, "balanceOf(address)", addr(alice)), supply)
	wantWord(t, c.view(tok, "balanceOf(address)", addr(bob)), 0)

	// Solidity's storage layout: balances at keccak(owner . 1).
	slot := types.Keccak256(addr(alice), word(1))
	if got := c.state.Storage(tok, slot); got != types.BytesToHash(word(supply)) {
		t.Errorf("balance slot of alice = %x", got)
	}
	if got := c.state.Storage(tok, types.Hash{}); got != types.BytesToHash(word(supply)) {
		t.Errorf("totalSupply slot = %x", got)
	}
	if n := c.state.Nonce(tok); n != 1 {
		t.Errorf("contract nonce %d, want 1", n)
	}
}

func TestTokenDeployNeedsArgument(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	for _, args := range [][][]byte{nil, {word(1), word(2)}, {{1, 2, 3}}} {
		if _, err := c.deploy(alice, "token", 0, args...); !isRevert(err) {
			t.Errorf("deploy with %d argument bytes: %v, want a revert", len(bytes.Join(args, nil)), err)
		}
	}
}

func TestTokenTransfer(t *testing.T) {
	t.Parallel()
	c, tok := deployToken(t)
	wantWord(t, c.mustCall(alice, tok, "transfer(address,uint256)", addr(bob), word(250)), 1)
	wantTransferLog(t, c, tok, alice, bob, 250)
	wantWord(t, c.view(tok, "balanceOf(address)", addr(alice)), supply-250)
	wantWord(t, c.view(tok, "balanceOf(address)", addr(bob)), 250)

	// To oneself: balance unchanged, event emitted.
	wantWord(t, c.mustCall(bob, tok, "transfer(address,uint256)", addr(bob), word(100)), 1)
	wantTransferLog(t, c, tok, bob, bob, 100)
	wantWord(t, c.view(tok, "balanceOf(address)", addr(bob)), 250)

	// Zero is a valid amount.
	wantWord(t, c.mustCall(carol, tok, "transfer(address,uint256)", addr(bob), word(0)), 1)
	wantWord(t, c.view(tok, "totalSupply()"), supply)
}

func TestTokenTransferBeyondBalanceReverts(t *testing.T) {
	t.Parallel()
	c, tok := deployToken(t)
	c.mustCall(alice, tok, "transfer(address,uint256)", addr(bob), word(10))
	ret, err := c.call(bob, tok, 0, "transfer(address,uint256)", addr(carol), word(11))
	wantErr(t, err, vm.ErrExecutionReverted)
	if len(c.logs) != 0 {
		t.Fatal("a reverted transfer left logs")
	}
	// Revert data is Error("insufficient balance"), which ethers decodes.
	sel := types.Keccak256([]byte("Error(string)"))
	if len(ret) != 100 || !bytes.Equal(ret[:4], sel[:4]) || abiString(t, ret[4:]) != "insufficient balance" {
		t.Fatalf("revert data %x", ret)
	}
	wantWord(t, c.view(tok, "balanceOf(address)", addr(bob)), 10)
	wantWord(t, c.view(tok, "balanceOf(address)", addr(carol)), 0)
}

func TestTokenApproveTransferFrom(t *testing.T) {
	t.Parallel()
	c, tok := deployToken(t)
	wantWord(t, c.mustCall(alice, tok, "approve(address,uint256)", addr(bob), word(300)), 1)
	if len(c.logs) != 1 || c.logs[0].Topics[0] != topic("Approval(address,address,uint256)") ||
		c.logs[0].Topics[1] != addrTopic(alice) || c.logs[0].Topics[2] != addrTopic(bob) ||
		!bytes.Equal(c.logs[0].Data, word(300)) {
		t.Fatalf("approval logs %+v", c.logs)
	}
	wantWord(t, c.view(tok, "allowance(address,address)", addr(alice), addr(bob)), 300)
	wantWord(t, c.view(tok, "allowance(address,address)", addr(bob), addr(alice)), 0)

	wantWord(t, c.mustCall(bob, tok, "transferFrom(address,address,uint256)", addr(alice), addr(carol), word(200)), 1)
	wantTransferLog(t, c, tok, alice, carol, 200)
	wantWord(t, c.view(tok, "allowance(address,address)", addr(alice), addr(bob)), 100)
	wantWord(t, c.view(tok, "balanceOf(address)", addr(carol)), 200)

	// Beyond the allowance: reverts with its own reason, changes nothing.
	ret, err := c.call(bob, tok, 0, "transferFrom(address,address,uint256)", addr(alice), addr(carol), word(101))
	wantErr(t, err, vm.ErrExecutionReverted)
	if abiString(t, ret[4:]) != "insufficient allowance" {
		t.Fatalf("revert reason %q", abiString(t, ret[4:]))
	}
	wantWord(t, c.view(tok, "allowance(address,address)", addr(alice), addr(bob)), 100)

	// Carol approved bob for more than she has: the balance check fails
	// and the allowance is not spent.
	c.mustCall(carol, tok, "approve(address,uint256)", addr(bob), word(1000))
	_, err = c.call(bob, tok, 0, "transferFrom(address,address,uint256)", addr(carol), addr(bob), word(201))
	wantErr(t, err, vm.ErrExecutionReverted)
	wantWord(t, c.view(tok, "allowance(address,address)", addr(carol), addr(bob)), 1000)

	// An unlimited allowance is not reduced.
	maxWord := new(uint256.Int).SetAllOne().Bytes()
	c.mustCall(alice, tok, "approve(address,uint256)", addr(carol), maxWord)
	c.mustCall(carol, tok, "transferFrom(address,address,uint256)", addr(alice), addr(bob), word(5))
	if got := c.view(tok, "allowance(address,address)", addr(alice), addr(carol)); !bytes.Equal(got, maxWord) {
		t.Fatalf("unlimited allowance became %x", got)
	}
}

func TestTokenRejectsMalformedCalls(t *testing.T) {
	t.Parallel()
	c, tok := deployToken(t)
	dirty := addr(bob)
	dirty[0] = 1 // an "address" with bits above 160
	tests := []struct {
		name string
		data []byte
	}{
		{"short transfer", calldata("transfer(address,uint256)", addr(bob))},
		{"dirty address", calldata("transfer(address,uint256)", dirty, word(1))},
		{"dirty balanceOf", calldata("balanceOf(address)", dirty)},
		{"short transferFrom", calldata("transferFrom(address,address,uint256)", addr(alice), addr(bob))},
		{"unknown", calldata("mint(address,uint256)", addr(bob), word(1))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := c.vm(alice).Call(alice, tok, tt.data, gasLimit, nil)
			wantErr(t, err, vm.ErrExecutionReverted)
		})
	}
}

// TestTokenGas pins the cost of a transfer, so that changes to the gas
// table or the contract show up in review.
func TestTokenGas(t *testing.T) {
	t.Parallel()
	c, tok := deployToken(t)
	_, left, err := c.vm(alice).Call(alice, tok, calldata("transfer(address,uint256)", addr(bob), word(1)), gasLimit, nil)
	if err != nil {
		t.Fatal(err)
	}
	used := gasLimit - left
	// Two SLOADs, one SSTORE reset and one SSTORE set dominate:
	// 2*800 + 5000 + 20000 = 26600, the rest is dispatch, hashing, the log.
	const wantTransferGas = 28713
	if used != wantTransferGas {
		t.Fatalf("transfer used %d gas", used)
	}
}
