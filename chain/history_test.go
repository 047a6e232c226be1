package chain

import (
	"errors"
	"testing"
)

func TestStateOfRecentBlocks(t *testing.T) {
	t.Parallel()
	//   genesis -> a1 -> ... -> a6, a transfer in each; b1 a side branch.
	h := newHarness(t)
	bob := h.addrs[1]
	parent := "genesis"
	for i, name := range []string{"a1", "a2", "a3", "a4", "a5", "a6"} {
		h.block(name, parent, withTxs(h.transfer(0, bob, uint64(1000+i), uint64(i))))
		parent = name
	}
	h.block("b1", "genesis")
	h.accept("a1", "a2", "a3", "a4", "a5", "a6", "b1")
	for _, name := range []string{"genesis", "a1", "a3", "a5", "a6"} {
		t.Run(name, func(t *testing.T) {
			gb := h.blocks[name]
			r, release, err := h.bc.StateReaderAt(gb.block.Header)
			if err != nil {
				t.Fatal(err)
			}
			defer release()
			if r.Root() != gb.block.Header.StateRoot {
				t.Fatalf("root %s, header %s", r.Root(), gb.block.Header.StateRoot)
			}
			for addr, want := range gb.after {
				acct, _, err := r.Account(addr)
				if err != nil || acct.Balance != want.balance || acct.Nonce != want.nonce {
					t.Fatalf("%s at %s: %+v, %v; want balance %s nonce %d", addr, name, acct, err, want.balance.Dec(), want.nonce)
				}
			}
		})
	}
	if _, _, err := h.bc.StateReaderAt(h.blocks["b1"].block.Header); !errors.Is(err, ErrStateUnavailable) {
		t.Fatalf("side-branch block: %v, want ErrStateUnavailable", err)
	}
}

func TestStateBeyondHistoryIsUnavailable(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.accept(h.chainOf("a", "genesis", MaxStateHistory+2)...)
	if _, _, err := h.bc.StateReaderAt(h.blocks["a1"].block.Header); !errors.Is(err, ErrStateUnavailable) {
		t.Fatalf("block %d below the tip: %v, want ErrStateUnavailable", MaxStateHistory+1, err)
	}
	r, release, err := h.bc.StateReaderAt(h.blocks["a2"].block.Header)
	if err != nil {
		t.Fatalf("block %d below the tip: %v", MaxStateHistory, err)
	}
	defer release()
	if r.Root() != h.blocks["a2"].block.Header.StateRoot {
		t.Fatalf("root %s, want a2's", r.Root())
	}
}

func TestCallOnStaleTipHeader(t *testing.T) {
	t.Parallel()
	// A client resolves "latest", then a block lands before its call runs:
	// the call must still see the state of the header it named.
	h := newHarness(t)
	h.accept(h.chainOf("a", "genesis", 2)...)
	stale := h.bc.Best().Header
	h.block("a3", "a2", withTxs(h.transfer(0, h.addrs[1], 7, 0)))
	h.accept("a3")
	res, err := h.bc.Call(CallMsg{From: h.addrs[0], To: &h.addrs[1], Value: *ether(999)}, stale)
	if err != nil || res.Err != nil || res.GasUsed != 21000 {
		t.Fatalf("call at the previous tip: %+v, %v", res, err)
	}
	// The same call spending more than the account had then is refused,
	// judged by the old state.
	if _, err := h.bc.Call(CallMsg{From: h.addrs[0], To: &h.addrs[1], Value: *ether(1001)}, stale); !errors.Is(err, ErrCallFunds) {
		t.Fatalf("overdraft at the previous tip: %v, want ErrCallFunds", err)
	}
}
