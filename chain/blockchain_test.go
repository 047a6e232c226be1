package chain

import (
	"errors"
	"math/big"
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
)

// checkSupply asserts the invariant that makes money honest: the total of
// all balances is the genesis allocation plus the subsidies of the active
// chain, whatever reorgs happened (fees only move money).
func (h *harness) checkSupply() {
	h.t.Helper()
	best := h.bc.Best()
	want := new(big.Int)
	for _, a := range h.genesis.Alloc {
		want.Add(want, a.Balance)
	}
	for height := uint64(1); height <= best.Height; height++ {
		want.Add(want, h.bc.Params().Subsidy(height))
	}
	got := h.blocks[h.nameOf(best.Hash)].after.supply()
	if got.ToBig().Cmp(want) != 0 {
		h.t.Fatalf("supply %s, want %s", got.Dec(), want)
	}
	// And the chain agrees with the model account by account.
	h.checkBalances(h.blocks[h.nameOf(best.Hash)].after)
}

func TestExtendChainWithTransfers(t *testing.T) {
	t.Parallel()
	// genesis -> b1 -> b2 -> b3, with transfers in b1 and b3.
	h := newHarness(t)
	alice, bob := h.addrs[0], h.addrs[1]
	h.block("b1", "genesis", withTxs(h.transfer(0, bob, 5e17, 0), h.transfer(0, bob, 1, 1)))
	h.block("b2", "b1")
	h.block("b3", "b2", withTxs(h.transfer(1, alice, 7, 0)))
	for _, name := range []string{"b1", "b2", "b3"} {
		res, err := h.process(name)
		if err != nil || res.Status != StatusConnected {
			t.Fatalf("%s: %+v, %v", name, res, err)
		}
	}
	h.expectTip("b3")
	h.checkSupply()

	// Exact balances: alice paid two fees and 5e17+1 wei, got 7 back.
	fee := uint64(21000 * testGasPrice)
	r, err := h.bc.StateReader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	a, _, _ := r.Account(alice)
	want := new(uint256.Int).Mul(uint256.NewInt(1000), uint256.NewInt(1e18))
	want.Sub(want, uint256.NewInt(2*fee+5e17+1-7))
	if a.Balance != *want || a.Nonce != 2 {
		t.Fatalf("alice: %s nonce %d, want %s nonce 2", a.Balance.Dec(), a.Nonce, want.Dec())
	}
	// The miner got three subsidies and three fees.
	m, _, _ := r.Account(testMiner)
	wantMiner := new(uint256.Int).Mul(uint256.NewInt(3), uint256.MustFromBig(testSubsidy))
	wantMiner.Add(wantMiner, uint256.NewInt(3*fee))
	if m.Balance != *wantMiner {
		t.Fatalf("miner: %s, want %s", m.Balance.Dec(), wantMiner.Dec())
	}

	// Receipts and the transaction index point at the right place.
	loc, err := h.bc.TxLookup(h.blocks["b3"].block.Txs[0].Hash())
	if err != nil || loc.Height != 3 || loc.Index != 0 {
		t.Fatalf("TxLookup = %+v, %v", loc, err)
	}
	rs, err := h.bc.Receipts(h.blocks["b1"].block.Hash())
	if err != nil || len(rs) != 2 || rs[1].CumulativeGasUsed != 42000 || rs[1].Status != types.ReceiptStatusSuccessful {
		t.Fatalf("Receipts(b1) = %+v, %v", rs, err)
	}
	if _, err := h.process("b2"); !errors.Is(err, ErrDuplicateBlock) {
		t.Fatalf("b2 again: %v, want ErrDuplicateBlock", err)
	}
}

func TestReorgOneBlock(t *testing.T) {
	t.Parallel()
	//   genesis -> a1 -> a2
	//                \-> b2 -> b3     b3 makes the b branch heavier
	h := newHarness(t)
	h.chainOf("a", "genesis", 2)
	h.block("b2", "a1")
	h.block("b3", "b2")
	h.accept("a1", "a2")
	res, err := h.process("b2")
	if err != nil || res.Status != StatusSideChain {
		t.Fatalf("b2: %+v, %v; want side chain (equal work keeps the tip)", res, err)
	}
	h.expectTip("a2")
	var events []Event
	h.bc.Subscribe(func(ev Event) { events = append(events, ev) })
	res, err = h.process("b3")
	if err != nil || res.Status != StatusConnected || res.Reorged != 1 {
		t.Fatalf("b3: %+v, %v; want connected with a 1-block reorg", res, err)
	}
	h.expectTip("b3")
	h.checkSupply()
	// Disconnect a2, connect b2, b3, then the summary and the new head.
	if len(events) != 5 {
		t.Fatalf("got %d events, want 5: %#v", len(events), events)
	}
	if d, ok := events[0].(BlockDisconnected); !ok || d.Block.Hash() != h.blocks["a2"].block.Hash() {
		t.Fatalf("event 0 = %#v, want a2 disconnected", events[0])
	}
	reorg, ok := events[3].(Reorg)
	if !ok || reorg.Fork != h.blocks["a1"].block.Hash() || len(reorg.Disconnected) != 1 || len(reorg.Connected) != 2 {
		t.Fatalf("event 3 = %#v, want a reorg from a1", events[3])
	}
	if nh, ok := events[4].(NewHead); !ok || nh.Block.Hash() != h.blocks["b3"].block.Hash() {
		t.Fatalf("event 4 = %#v, want new head b3", events[4])
	}
}

func TestReorgDeepAndBackAndForth(t *testing.T) {
	t.Parallel()
	//   genesis -> a1 ... a200
	//          \-> b1 ... b201          reorg 200 deep to b
	//                        \-> ... a-branch grows to a202: back to a
	h := newHarness(t)
	bob := h.addrs[1]
	a := h.chainOf("a", "genesis", 200)
	// The a branch carries transfers that must vanish when b wins.
	h.block("a-tx", "a200", withTxs(h.transfer(0, bob, 1e18, 0)))
	b := h.chainOf("b", "genesis", 202, withCoinbase(h.addrs[3]))
	h.accept(a...)
	h.accept("a-tx")
	h.expectTip("a-tx")
	h.accept(b[:201]...) // b201 has equal work to a-tx: no switch
	h.expectTip("a-tx")
	res, err := h.process(b[201])
	if err != nil || res.Reorged != 201 {
		t.Fatalf("b202: %+v, %v; want a 201-block reorg", res, err)
	}
	h.expectTip(b[201])
	h.checkSupply()
	if _, err := h.bc.TxLookup(h.blocks["a-tx"].block.Txs[0].Hash()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a-tx's transfer still indexed after the reorg: %v", err)
	}
	// Back again: the a branch grows past b.
	h.chainOf("c", "a-tx", 2)
	h.accept("c1", "c2")
	h.expectTip("c2")
	h.checkSupply()
	if _, err := h.bc.TxLookup(h.blocks["a-tx"].block.Txs[0].Hash()); err != nil {
		t.Fatalf("a-tx's transfer not indexed after reorg back: %v", err)
	}
}

func TestInvalidBlockInHeavierBranch(t *testing.T) {
	t.Parallel()
	//   genesis -> a1 -> a2 -> a3
	//         \-> b1 -> b2 -> b3(bad state root) -> b4 -> b5
	// The b branch has more work but b3 is invalid: the chain must stay on
	// a3, and b3, b4, b5 are refused for good.
	h := newHarness(t)
	h.chainOf("a", "genesis", 3)
	h.chainOf("b", "genesis", 2)
	h.block("b3", "b2", withMutation(func(hd *types.Header) { hd.StateRoot[0] ^= 1 }))
	h.block("b4", "b3")
	h.block("b5", "b4")
	h.accept("a1", "a2", "a3", "b1", "b2")
	// b3 ties with a3 (side chain, not validated yet); b4 triggers the
	// reorg, whose connect of b3 fails.
	if _, err := h.process("b3"); err != nil {
		t.Fatalf("b3 (side chain, state not checked yet): %v", err)
	}
	h.reject("b4", ErrBadStateRoot)
	h.expectTip("a3")
	h.checkSupply()
	h.reject("b5", ErrInvalidAncestor)
	h.reject("b4", ErrInvalidAncestor)
	h.expectTip("a3")
	// The invalid branch shows as such among the chain tips.
	var sawInvalid bool
	for _, tip := range h.bc.ChainTips() {
		if tip.Hash == h.blocks["b5"].block.Hash() && tip.Status == TipInvalid {
			sawInvalid = true
		}
	}
	if !sawInvalid {
		t.Fatalf("ChainTips does not list b5 as invalid: %+v", h.bc.ChainTips())
	}
}

func TestBranchHeavierOnlyAfterLastBlock(t *testing.T) {
	t.Parallel()
	//   genesis -> a1 ... a5
	//         \-> b1 ... b6: b1..b5 tie or trail, b6 tips it over.
	h := newHarness(t)
	h.chainOf("a", "genesis", 5)
	b := h.chainOf("b", "genesis", 6)
	h.accept("a1", "a2", "a3", "a4", "a5")
	for _, name := range b[:5] {
		res, err := h.process(name)
		if err != nil || res.Status != StatusSideChain {
			t.Fatalf("%s: %+v, %v; want side chain", name, res, err)
		}
	}
	h.expectTip("a5")
	res, err := h.process("b6")
	if err != nil || res.Status != StatusConnected || res.Reorged != 5 {
		t.Fatalf("b6: %+v, %v", res, err)
	}
	h.expectTip("b6")
}

func TestHeavierBranchWithFewerBlocks(t *testing.T) {
	t.Parallel()
	// Fork choice weighs work, not length. With an ASERT half-life of one
	// block time, a block mined 100x faster than the target nearly halves
	// the next target, so each b block outweighs the last:
	//
	//   genesis -> a1 -> a2 -> a3 -> a4      work ~ 4W
	//         \-> b1 -> b2 -> b3             work ~ W + 2W + 4W
	h := newHarness(t, func(g *params.Genesis) { g.ASERTHalfLifeMs = testBlockTime })
	h.chainOf("a", "genesis", 4)
	h.chainOf("b", "genesis", 3, withTimeStep(10))
	h.accept("a1", "a2", "a3", "a4")
	h.accept("b1", "b2") // ~2.99W: still less than a4's 4W
	h.expectTip("a4")
	res, err := h.process("b3")
	if err != nil || res.Status != StatusConnected || res.Reorged != 4 {
		t.Fatalf("b3: %+v, %v; want a 4-block reorg onto the shorter branch", res, err)
	}
	h.expectTip("b3")
	wa := h.bc.index.lookup(h.blocks["a4"].block.Hash()).workSum
	wb := h.bc.index.lookup(h.blocks["b3"].block.Hash()).workSum
	if wb.Cmp(wa) <= 0 {
		t.Fatalf("b3 work %s <= a4 work %s", wb, wa)
	}
}

func TestDoubleSpendAcrossBranches(t *testing.T) {
	t.Parallel()
	// The same account signs nonce 0 twice: to bob on branch a, to carol on
	// branch b. Whichever branch has more work holds its spend; the other
	// spend vanishes, and supply stays genesis + subsidies throughout.
	//
	//   genesis -> a1(alice->bob) -> a2
	//         \-> b1(alice->carol) -> b2 -> b3
	h := newHarness(t)
	bob, carol := h.addrs[1], h.addrs[2]
	toBob := h.transferWei(0, bob, ether(100), 0)
	toCarol := h.transferWei(0, carol, ether(100), 0)
	h.block("a1", "genesis", withTxs(toBob))
	h.block("a2", "a1")
	h.block("b1", "genesis", withTxs(toCarol))
	h.block("b2", "b1")
	h.block("b3", "b2")
	// Both spends in one block: the second is a nonce error.
	h.block("both", "genesis", withTxs(toBob, toCarol))
	h.reject("both", ErrBadTxNonce)

	h.accept("a1", "a2")
	h.expectTip("a2")
	h.checkSupply()
	balance := func(a types.Address) uint256.Int {
		r, err := h.bc.StateReader()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		acct, _, err := r.Account(a)
		if err != nil {
			t.Fatal(err)
		}
		return acct.Balance
	}
	thousand := new(uint256.Int).Mul(uint256.NewInt(1000), uint256.NewInt(1e18))
	hundred := new(uint256.Int).Mul(uint256.NewInt(100), uint256.NewInt(1e18))
	if got := balance(bob); got != *new(uint256.Int).Add(thousand, hundred) {
		t.Fatalf("bob before reorg: %s", got.Dec())
	}
	h.accept("b1", "b2", "b3")
	h.expectTip("b3")
	h.checkSupply()
	if got := balance(bob); got != *thousand {
		t.Fatalf("bob after reorg: %s, want his spend gone", got.Dec())
	}
	if got := balance(carol); got != *new(uint256.Int).Add(thousand, hundred) {
		t.Fatalf("carol after reorg: %s", got.Dec())
	}
	if _, err := h.bc.TxLookup(toBob.Hash()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("bob's spend still indexed: %v", err)
	}
	if _, err := h.bc.TxLookup(toCarol.Hash()); err != nil {
		t.Fatalf("carol's spend not indexed: %v", err)
	}
}

func TestOrphansConnectWhenParentArrives(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// b2..b5 arrive before b1: each is an orphan whose missing ancestor,
	// traced back through the pool, is b1.
	names := h.chainOf("b", "genesis", 5)
	for i := 1; i < len(names); i++ {
		res, err := h.process(names[i])
		if err != nil || res.Status != StatusOrphan {
			t.Fatalf("%s: %+v, %v; want orphan", names[i], res, err)
		}
		if res.MissingAncestor != h.blocks["b1"].block.Hash() {
			t.Fatalf("%s: missing ancestor %s, want b1", names[i], res.MissingAncestor)
		}
	}
	if res, err := h.process("b1"); err != nil || res.Status != StatusConnected {
		t.Fatalf("b1: %+v, %v", res, err)
	}
	h.expectTip("b5")
	if h.bc.orphans.len() != 0 {
		t.Fatalf("%d orphans left", h.bc.orphans.len())
	}
}

func TestOrphanPoolIsBounded(t *testing.T) {
	t.Parallel()
	p := newOrphanPool(4, 1<<20)
	h := newHarness(t)
	names := h.chainOf("b", "genesis", 10)
	for _, n := range names {
		b := h.blocks[n].block
		p.add(b, b.Hash(), b.Size())
	}
	if p.len() > 4 {
		t.Fatalf("pool holds %d orphans, cap 4", p.len())
	}
	// The newest survive.
	if !p.has(h.blocks["b10"].block.Hash()) {
		t.Fatal("newest orphan evicted")
	}
}

func TestRejectsBlocksThatBreakRules(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	bob := h.addrs[1]
	h.accept(h.chainOf("a", "genesis", 1)...)
	tests := []struct {
		name string
		opts []blockOpt
		kind ErrorKind
	}{
		{"bad-pow", []blockOpt{withBadPoW()}, ErrHighHash},
		{"bad-bits", []blockOpt{withMutation(func(hd *types.Header) { hd.Bits = 0x2000ffff })}, ErrUnexpectedBits},
		{"bad-height", []blockOpt{withMutation(func(hd *types.Header) { hd.Height = 5 })}, ErrBadHeight},
		{"bad-txroot", []blockOpt{withMutation(func(hd *types.Header) { hd.TxRoot[3] ^= 1 })}, ErrBadTxRoot},
		{"bad-receipts", []blockOpt{withTxs(h.transfer(0, bob, 1, 0)), withMutation(func(hd *types.Header) { hd.ReceiptsRoot[0] ^= 1 })}, ErrBadReceiptsRoot},
		{"bad-state", []blockOpt{withMutation(func(hd *types.Header) { hd.StateRoot[0] ^= 1 })}, ErrBadStateRoot},
		{"bad-gasused", []blockOpt{withMutation(func(hd *types.Header) { hd.GasUsed = 1 })}, ErrBadGasUsed},
		{"old-time", []blockOpt{withTimeStep(-testBlockTime)}, ErrTimeTooOld},
		{"future-time", []blockOpt{withTimeStep(48 * 3600 * 1000)}, ErrTimeTooNew},
		{"bad-nonce", []blockOpt{withTxs(h.transfer(0, bob, 1, 7))}, ErrBadTxNonce},
		{"too-poor", []blockOpt{withTxs(h.transferWei(0, bob, ether(2000), 0))}, ErrInsufficientFund},
		{"dup-tx", []blockOpt{withTxs(h.transfer(0, bob, 1, 0), h.transfer(0, bob, 1, 0))}, ErrDuplicateTx},
	}
	for _, tc := range tests {
		h.block(tc.name, "a1", tc.opts...)
	}
	before := h.bc.Best()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			h.reject(tc.name, tc.kind)
			if got := h.bc.Best(); got.Hash != before.Hash {
				t.Fatalf("tip moved to %s", got.Hash)
			}
			h.expectTip("a1")
		})
	}
}

func TestReopenKeepsChain(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.chainOf("a", "genesis", 3)
	h.chainOf("b", "a1", 1)
	h.accept("a1", "a2", "a3", "b1")
	h.open()
	h.expectTip("a3")
	if !h.bc.InMainChain(h.blocks["a2"].block.Hash()) || h.bc.InMainChain(h.blocks["b1"].block.Hash()) {
		t.Fatal("active chain not restored")
	}
	if len(h.bc.ChainTips()) != 2 {
		t.Fatalf("tips after reopen: %+v", h.bc.ChainTips())
	}
}

func TestGenesisMismatch(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	other := testGenesis(h.addrs[:1])
	if _, err := New(Config{DB: h.db, Genesis: other}); !errors.Is(err, ErrGenesisMismatch) {
		t.Fatalf("New with another genesis: %v, want ErrGenesisMismatch", err)
	}
}

func TestErrorKindsMatchOnlyThemselves(t *testing.T) {
	t.Parallel()
	kinds := []ErrorKind{
		ErrBadVersion, ErrBadHeight, ErrBadParent, ErrBadBits, ErrTargetAboveLimit, ErrUnexpectedBits,
		ErrHighHash, ErrTimeTooOld, ErrTimeTooNew, ErrBadGasLimit, ErrGasUsedAboveLimit, ErrMalformedBlock,
		ErrBlockTooBig, ErrBadTxRoot, ErrBadReceiptsRoot, ErrBadStateRoot, ErrBadGasUsed, ErrDuplicateTx,
		ErrBadTxSignature, ErrWrongChainID, ErrBadTxNonce, ErrInsufficientFund, ErrIntrinsicGas,
		ErrBlockGasExceeded, ErrInvalidAncestor,
	}
	for i, a := range kinds {
		err := ruleError(a, "test")
		for j, b := range kinds {
			if got := errors.Is(err, b); got != (i == j) {
				t.Errorf("errors.Is(ruleError(%s), %s) = %v", a, b, got)
			}
		}
	}
}
