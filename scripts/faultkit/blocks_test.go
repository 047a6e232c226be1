package main

import (
	"context"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
)

func testHead() headInfo {
	return headInfo{Hash: types.Hash{1}, Height: 41, TimeMs: 1_700_000_000_000, Bits: 0x1e040000, GasLimit: 30_000_000, StateRoot: types.Hash{9}}
}

func TestBlockOnHead(t *testing.T) {
	t.Parallel()
	head := testHead()
	now := time.UnixMilli(int64(head.TimeMs) - 5000) // a clock behind the head
	b := blockOnHead(head, params.DevPowLimitBits, now)
	h := b.Header
	switch {
	case h.Height != 42 || h.ParentHash != head.Hash || h.GasLimit != head.GasLimit || h.Bits != params.DevPowLimitBits:
		t.Fatalf("header %+v does not extend the head", h)
	case h.Time != head.TimeMs+1:
		t.Fatalf("time %d, want just after the head's %d", h.Time, head.TimeMs)
	case h.StateRoot == head.StateRoot:
		t.Fatal("the state root is the head's: an empty block could be valid")
	case h.TxRoot != b.ComputeTxRoot():
		t.Fatal("transactions root does not match")
	}
	dec, err := types.DecodeBlock(b.Encode())
	if err != nil || dec.Hash() != b.Hash() {
		t.Fatalf("round trip: %v", err)
	}
}

func TestOrphanBlock(t *testing.T) {
	t.Parallel()
	filler, err := fillerTxs(31337, 3, 1000)
	if err != nil {
		t.Fatal(err)
	}
	head := testHead()
	a, b := orphanBlock(head, params.DevPowLimitBits, time.Now(), filler), orphanBlock(head, params.DevPowLimitBits, time.Now(), nil)
	if a.Header.ParentHash == head.Hash || a.Header.ParentHash == b.Header.ParentHash {
		t.Fatal("orphans share a known parent")
	}
	if a.Header.Height <= head.Height+1 || a.Header.TxRoot != types.TxRoot(filler) || len(a.Txs) != 3 {
		t.Fatalf("orphan %+v with %d txs", a.Header, len(a.Txs))
	}
	if _, err := types.DecodeBlock(a.Encode()); err != nil {
		t.Fatalf("orphan does not decode: %v", err)
	}
}

func TestProofOfWork(t *testing.T) {
	t.Parallel()
	if got := expectedHashes(params.DevPowLimitBits); got.Cmp(big.NewInt(2)) != 0 {
		t.Fatalf("expected hashes at the dev PoW limit: %v, want 2", got)
	}
	if got := expectedHashes(0x1d00ffff); got.Cmp(big.NewInt(1<<32+1<<16+1)) != 0 { // Bitcoin's difficulty 1
		t.Fatalf("expected hashes at 0x1d00ffff: %v", got)
	}
	if got := expectedHashes(0x04800000); got.Sign() != 0 { // negative: invalid bits
		t.Fatalf("invalid bits: %v, want 0", got)
	}

	b := blockOnHead(testHead(), params.DevPowLimitBits, time.Now())
	if _, err := solve(context.Background(), b.Header, 1000); err != nil {
		t.Fatal(err)
	}
	if !meetsTarget(b.Header) {
		t.Fatal("solved header misses its target")
	}
	unsolve(b.Header)
	if meetsTarget(b.Header) {
		t.Fatal("unsolved header meets its target")
	}

	hard := blockOnHead(testHead(), 0x1d00ffff, time.Now())
	if tries, err := solve(context.Background(), hard.Header, 100); !errors.Is(err, errPoWBudget) || tries != 100 {
		t.Fatalf("2^32 hashes on a budget of 100: %d tries, %v", tries, err)
	}
}
