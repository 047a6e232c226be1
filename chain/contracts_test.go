package chain

import (
	"bytes"
	"errors"
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/contracts"
	"github.com/quarry-chain/quarry/vm"
)

// build assembles a block on the chain's tip with the Builder, as the miner
// does, mines it, and returns it with what AddTx said of each transaction.
func (h *harness) build(txs ...*types.Transaction) (*types.Block, []error) {
	h.t.Helper()
	best := h.bc.Best()
	b, err := h.bc.NewBuilder(testMiner, best.Header.Time+testBlockTime, [types.HeaderExtraSize]byte{})
	if err != nil {
		h.t.Fatal(err)
	}
	errs := make([]error, len(txs))
	for i, tx := range txs {
		from, err := h.signer.Sender(tx)
		if err != nil {
			h.t.Fatal(err)
		}
		_, errs[i] = b.AddTx(tx, from)
	}
	blk, _, _, err := b.Finish()
	if err != nil {
		h.t.Fatal(err)
	}
	mine(h.t, blk.Header)
	return blk, errs
}

// buildAndConnect builds a block and requires the chain to connect it.
func (h *harness) buildAndConnect(txs ...*types.Transaction) (*types.Block, []*types.Receipt) {
	h.t.Helper()
	blk, errs := h.build(txs...)
	for i, err := range errs {
		if err != nil {
			h.t.Fatalf("tx %d: %v", i, err)
		}
	}
	res, err := h.bc.ProcessBlock(blk)
	if err != nil || res.Status != StatusConnected {
		h.t.Fatalf("built block: %+v, %v", res, err)
	}
	rs, err := h.bc.Receipts(blk.Hash())
	if err != nil {
		h.t.Fatal(err)
	}
	return blk, rs
}

// contractTx signs a transaction with data and gas (to nil: a creation).
func (h *harness) contractTx(from int, to *types.Address, data []byte, gas, nonce uint64) *types.Transaction {
	h.t.Helper()
	tx := &types.Transaction{Type: types.LegacyTxType, ChainID: 1337, Nonce: nonce, Gas: gas, To: to, Data: data}
	tx.GasPrice.SetUint64(testGasPrice)
	signed, err := h.signer.SignTx(tx, h.keys[from])
	if err != nil {
		h.t.Fatal(err)
	}
	return signed
}

func selector(sig string) []byte { return types.Keccak256([]byte(sig)).Bytes()[:4] }

func word(v *uint256.Int) []byte { b := v.Bytes32(); return b[:] }

func addrWord(a types.Address) []byte { return types.BytesToHash(a[:]).Bytes() }

func abiCall(sig string, args ...[]byte) []byte {
	return bytes.Join(append([][]byte{selector(sig)}, args...), nil)
}

func TestBuilderSkipsInvalidTransactions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	bob := h.addrs[1]
	good := h.transfer(0, bob, 5, 0)
	gap := h.transfer(0, bob, 5, 5) // nonce gap: not includable
	next := h.transfer(0, bob, 6, 1)
	poor := h.transferWei(2, bob, ether(5000), 0)
	blk, errs := h.build(good, gap, next, poor)
	if errs[0] != nil || errs[2] != nil {
		t.Fatalf("valid txs refused: %v", errs)
	}
	if !errors.Is(errs[1], ErrBadTxNonce) || !errors.Is(errs[3], ErrInsufficientFund) {
		t.Fatalf("errs = %v; want nonce and funds errors for txs 1 and 3", errs)
	}
	if len(blk.Txs) != 2 {
		t.Fatalf("block has %d txs, want 2", len(blk.Txs))
	}
	if res, err := h.bc.ProcessBlock(blk); err != nil || res.Status != StatusConnected {
		t.Fatalf("built block rejected: %+v, %v", res, err)
	}
	r, _ := h.bc.StateReader()
	defer r.Release()
	a, _, _ := r.Account(h.addrs[0])
	if a.Nonce != 2 {
		t.Fatalf("sender nonce %d, want 2", a.Nonce)
	}
}

func TestTokenContractThroughBlocks(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	alice, bob := h.addrs[0], h.addrs[1]
	code, err := contracts.CreationCode("token")
	if err != nil {
		t.Fatal(err)
	}
	supply := ether(1_000_000)
	deploy := h.contractTx(0, nil, append(code, word(supply)...), 3_000_000, 0)
	_, rs := h.buildAndConnect(deploy)
	token := types.ContractAddress(alice, 0)
	if rs[0].Status != types.ReceiptStatusSuccessful || rs[0].ContractAddress == nil || *rs[0].ContractAddress != token {
		t.Fatalf("deploy receipt: %+v", rs[0])
	}
	balanceOf := func(who types.Address) *uint256.Int {
		res, err := h.bc.Call(CallMsg{To: &token, Data: abiCall("balanceOf(address)", addrWord(who))}, h.bc.Best().Header)
		if err != nil || res.Err != nil || len(res.Return) != 32 {
			t.Fatalf("balanceOf: %+v, %v", res, err)
		}
		return new(uint256.Int).SetBytes(res.Return)
	}
	if got := balanceOf(alice); !got.Eq(supply) {
		t.Fatalf("deployer holds %s, want %s", got.Dec(), supply.Dec())
	}

	// A transfer emits Transfer(alice, bob, 100) with the standard topic.
	transfer := abiCall("transfer(address,uint256)", addrWord(bob), word(uint256.NewInt(100)))
	est, _, err := h.bc.EstimateGas(CallMsg{From: alice, To: &token, Data: transfer}, h.bc.Best().Header)
	if err != nil {
		t.Fatalf("EstimateGas: %v", err)
	}
	_, rs = h.buildAndConnect(h.contractTx(0, &token, transfer, est, 1))
	r := rs[0]
	if r.Status != types.ReceiptStatusSuccessful || r.GasUsed != est {
		t.Fatalf("transfer with estimated gas %d: status %d, used %d", est, r.Status, r.GasUsed)
	}
	if len(r.Logs) != 1 {
		t.Fatalf("transfer logged %d events", len(r.Logs))
	}
	l := r.Logs[0]
	wantTopics := []types.Hash{types.Keccak256([]byte("Transfer(address,address,uint256)")), types.BytesToHash(alice[:]), types.BytesToHash(bob[:])}
	if l.Address != token || len(l.Topics) != 3 || l.Topics[0] != wantTopics[0] || l.Topics[1] != wantTopics[1] || l.Topics[2] != wantTopics[2] {
		t.Fatalf("Transfer log = %+v", l)
	}
	if !bytes.Equal(l.Data, word(uint256.NewInt(100))) || !r.Bloom.Test(token[:]) {
		t.Fatalf("Transfer data %x / bloom miss", l.Data)
	}
	if got := balanceOf(bob); !got.Eq(uint256.NewInt(100)) {
		t.Fatalf("bob holds %s tokens", got.Dec())
	}

	// A second transfer to bob is cheaper (his balance slot exists now);
	// one gas less than its estimate fails, and the fee is still paid.
	est2, _, err := h.bc.EstimateGas(CallMsg{From: alice, To: &token, Data: transfer}, h.bc.Best().Header)
	if err != nil || est2 >= est {
		t.Fatalf("second estimate %d (first %d), %v", est2, est, err)
	}
	_, rs = h.buildAndConnect(h.contractTx(0, &token, transfer, est2-1, 2))
	if rs[0].Status != types.ReceiptStatusFailed || rs[0].GasUsed != est2-1 || len(rs[0].Logs) != 0 {
		t.Fatalf("under-gassed transfer: %+v", rs[0])
	}

	// Bob cannot send more than he has: the call reverts, its state and
	// logs are undone, his nonce moves and he pays for the gas used.
	reader, _ := h.bc.StateReader()
	before, _, _ := reader.Account(bob)
	reader.Release()
	tooMuch := abiCall("transfer(address,uint256)", addrWord(alice), word(uint256.NewInt(1000)))
	res, err := h.bc.Call(CallMsg{From: bob, To: &token, Data: tooMuch}, h.bc.Best().Header)
	if err != nil || !errors.Is(res.Err, vm.ErrExecutionReverted) || len(res.Return) < 4 {
		t.Fatalf("eth_call of an overdraft: %+v, %v; want a revert with data", res, err)
	}
	_, rs = h.buildAndConnect(h.contractTx(1, &token, tooMuch, 100_000, 0))
	if rs[0].Status != types.ReceiptStatusFailed {
		t.Fatalf("overdraft succeeded: %+v", rs[0])
	}
	reader, _ = h.bc.StateReader()
	after, _, _ := reader.Account(bob)
	reader.Release()
	fee := new(uint256.Int).Mul(uint256.NewInt(rs[0].GasUsed), uint256.NewInt(testGasPrice))
	if after.Nonce != before.Nonce+1 || new(uint256.Int).Sub(&before.Balance, &after.Balance).Cmp(fee) != 0 {
		t.Fatalf("bob %+v -> %+v, want nonce+1 and fee %s", before, after, fee.Dec())
	}
	if got := balanceOf(bob); !got.Eq(uint256.NewInt(100)) {
		t.Fatalf("bob's tokens changed by a reverted transfer: %s", got.Dec())
	}
}

func TestReorgUndoesContractState(t *testing.T) {
	t.Parallel()
	// a1 deploys a counter; the b branch, heavier, never does: after the
	// reorg the contract's code and storage are gone.
	h := newHarness(t)
	code, err := contracts.CreationCode("counter")
	if err != nil {
		t.Fatal(err)
	}
	fork := h.bc.Best()
	deployed, _ := h.buildAndConnect(h.contractTx(0, nil, code, 1_000_000, 0))
	counter := types.ContractAddress(h.addrs[0], 0)
	r, _ := h.bc.StateReader()
	got, _ := r.Code(counter)
	r.Release()
	if len(got) == 0 {
		t.Fatal("counter not deployed")
	}
	if deployed.Header.ParentHash != fork.Hash {
		t.Fatal("deploy block not on genesis")
	}
	h.chainOf("b", "genesis", 2)
	h.accept("b1", "b2")
	h.expectTip("b2")
	r, _ = h.bc.StateReader()
	defer r.Release()
	if got, _ := r.Code(counter); len(got) != 0 {
		t.Fatalf("code survived the reorg: %d bytes", len(got))
	}
	if a, ok, _ := r.Account(counter); ok {
		t.Fatalf("contract account survived the reorg: %+v", a)
	}
}
