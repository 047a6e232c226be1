package contracts_test

import (
	"bytes"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/vm"
)

func TestCounter(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	ctr := c.mustDeploy(alice, "counter", 0)
	if len(c.state.Code(ctr)) == 0 {
		t.Fatal("no code deployed")
	}
	wantWord(t, c.view(ctr, "get()"), 0)

	for i := uint64(1); i <= 3; i++ {
		c.mustCall(bob, ctr, "increment()")
		if len(c.logs) != 1 {
			t.Fatalf("increment %d: %d logs, want 1", i, len(c.logs))
		}
		l := c.logs[0]
		if l.Address != ctr || len(l.Topics) != 2 || l.Topics[0] != topic("Incremented(address,uint256)") ||
			l.Topics[1] != addrTopic(bob) || !bytes.Equal(l.Data, word(i)) {
			t.Fatalf("increment %d: log %+v", i, l)
		}
		wantWord(t, c.view(ctr, "get()"), i)
	}
	if got := c.state.Storage(ctr, types.Hash{}); got != types.BytesToHash(word(3)) {
		t.Fatalf("slot 0 = %x, want 3", got)
	}
}

func TestCounterRejects(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	ctr := c.mustDeploy(alice, "counter", 0)
	tests := []struct {
		name  string
		input []byte
		value uint64
	}{
		{"unknown selector", calldata("decrement()"), 0},
		{"short call data", []byte{1, 2}, 0},
		{"empty call data", nil, 0},
		{"value sent", calldata("increment()"), 5},
	}
	for _, tt := range tests {
		v := c.vm(alice)
		_, _, err := v.Call(alice, ctr, tt.input, gasLimit, word256(tt.value))
		if err == nil || !isRevert(err) {
			t.Errorf("%s: error %v, want a revert", tt.name, err)
		}
		if len(v.Logs()) != 0 {
			t.Errorf("%s: logs survived a revert", tt.name)
		}
	}
	wantWord(t, c.view(ctr, "get()"), 0)
	if c.balance(ctr) != 0 {
		t.Fatal("value stuck in the counter after a revert")
	}
	// eth_call cannot increment: the write is refused.
	_, _, err := c.vm(alice).StaticCall(alice, ctr, calldata("increment()"), gasLimit)
	wantErr(t, err, vm.ErrWriteProtection)
	// A payable deployment of a non-payable constructor fails.
	if _, err := c.deploy(alice, "counter", 1); !isRevert(err) {
		t.Fatalf("payable deploy: %v", err)
	}
}
