package chain

import (
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/contracts"
)

// BenchmarkTokenTransfers executes blocks of ERC-20 token transfers through
// the chain's state transition (ApplyBlock with the VM executor, senders
// already recovered, nothing committed), the cost of a token transfer once
// it reaches a block.
func BenchmarkTokenTransfers(b *testing.B) {
	const perBlock = 500
	h := newHarness(b)
	code, err := contracts.CreationCode("token")
	if err != nil {
		b.Fatal(err)
	}
	h.buildAndConnect(h.contractTx(0, nil, append(code, word(ether(1_000_000))...), 3_000_000, 0))
	token := types.ContractAddress(h.addrs[0], 0)
	txs := make([]*types.Transaction, perBlock)
	senders := make([]types.Address, perBlock)
	for i := range txs {
		to := types.Address{0xee, byte(i >> 8), byte(i)}
		data := abiCall("transfer(address,uint256)", addrWord(to), word(uint256.NewInt(uint64(i+1))))
		txs[i] = h.contractTx(0, &token, data, 100_000, uint64(i+1))
		senders[i] = h.addrs[0]
	}
	best := h.bc.Best()
	hdr := &types.Header{Version: types.HeaderVersion, Height: best.Height + 1, ParentHash: best.Hash,
		Coinbase: testMiner, GasLimit: h.genesis.GasLimit, Time: best.Header.Time + testBlockTime}
	b.ResetTimer()
	for b.Loop() {
		st, err := h.bc.state.StateDB()
		if err != nil {
			b.Fatal(err)
		}
		res, err := ApplyBlock(h.bc.params, st, hdr, txs, senders, VMExecutor{})
		if err != nil {
			b.Fatal(err)
		}
		if res.Receipts[perBlock-1].Status != types.ReceiptStatusSuccessful {
			b.Fatal("transfer failed")
		}
	}
	b.ReportMetric(float64(perBlock*b.N)/b.Elapsed().Seconds(), "transfers/s")
}
