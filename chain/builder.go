package chain

import (
	"errors"
	"fmt"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/state"
	"github.com/quarry-chain/quarry/chain/types"
)

// ErrStaleTemplate: the chain moved on while a block was being built on its
// old tip; build again on the new one.
var ErrStaleTemplate = errors.New("chain: template's parent is no longer the tip")

// Builder assembles a new block on the active tip, for the miner: it applies
// transactions one at a time on the tip's state, skipping the ones that
// would break a rule, and fills in every header field but the nonce.
// A Builder is not safe for concurrent use.
type Builder struct {
	bc       *BlockChain
	parent   *BestState
	hdr      types.Header
	st       *state.StateDB
	txs      []*types.Transaction
	receipts []*types.Receipt
	fees     uint256.Int
	done     bool
}

// NewBuilder starts a block on the active tip paying coinbase, stamped
// timeMs (raised to the earliest time the median rule allows), with the
// difficulty the ASERT rule demands for it.
func (bc *BlockChain) NewBuilder(coinbase types.Address, timeMs uint64, extra [types.HeaderExtraSize]byte) (*Builder, error) {
	parent := bc.Best()
	st, err := bc.state.StateDB()
	if err != nil {
		return nil, err
	}
	if st.Root() != parent.Header.StateRoot {
		return nil, ErrStaleTemplate
	}
	timeMs = max(timeMs, parent.MedianTime+1)
	bits, err := NextBits(bc.params, parent.Height, parent.Header.Time)
	if err != nil {
		return nil, err
	}
	b := &Builder{bc: bc, parent: parent, st: st}
	b.hdr = types.Header{
		Version:    types.HeaderVersion,
		Height:     parent.Height + 1,
		ParentHash: parent.Hash,
		Coinbase:   coinbase,
		GasLimit:   bc.params.GasLimit,
		Extra:      extra,
		Time:       timeMs,
		Bits:       bits,
	}
	return b, nil
}

// Header returns the header being built (no roots until Finish).
func (b *Builder) Header() types.Header { return b.hdr }

// GasLeft is how much of the block's gas limit is still free.
func (b *Builder) GasLeft() uint64 { return b.hdr.GasLimit - b.hdr.GasUsed }

// Size is the encoded size the block would have now.
func (b *Builder) Size() int {
	return (&types.Block{Header: &b.hdr, Txs: b.txs}).Size()
}

// AddTx applies tx, signed by from, after the transactions added so far.
// from is trusted: the caller must have recovered it from tx's signature
// (as the mempool has), or the block will be invalid. If
// tx would break a rule here (wrong nonce, too little balance or gas, too big
// for what is left of the block) it returns that rule error and the block is
// unchanged, so the caller can skip it and go on.
func (b *Builder) AddTx(tx *types.Transaction, from types.Address) (*types.Receipt, error) {
	if b.done {
		return nil, errors.New("chain: builder already finished")
	}
	if size := b.Size() + tx.Size() + 8; uint64(size) > b.bc.params.MaxBlockBytes {
		return nil, ruleError(ErrBlockTooBig, "transaction %s would make the block %d bytes", tx.Hash(), size)
	}
	snap := b.st.Snapshot()
	r, err := applyTx(b.bc.params, b.st, &b.hdr, tx, from, b.hdr.GasUsed, b.bc.cfg.Executor)
	if err != nil {
		b.st.RevertToSnapshot(snap)
		return nil, err
	}
	b.hdr.GasUsed += r.GasUsed
	r.CumulativeGasUsed = b.hdr.GasUsed
	r.TxHash = tx.Hash()
	r.TxIndex = uint(len(b.txs))
	r.BlockNumber = b.hdr.Height
	var fee uint256.Int
	fee.SetUint64(r.GasUsed)
	fee.Mul(&fee, &r.EffectiveGasPrice)
	b.fees.Add(&b.fees, &fee)
	b.txs = append(b.txs, tx)
	b.receipts = append(b.receipts, r)
	return r, nil
}

// Finish credits the subsidy and fills in the roots and gas used. The
// returned block needs only a nonce that meets its bits; it shares nothing
// with the Builder, which cannot be used again. Fees is what the block pays
// its coinbase on top of the subsidy.
func (b *Builder) Finish() (blk *types.Block, receipts []*types.Receipt, fees uint256.Int, err error) {
	if b.done {
		return nil, nil, fees, errors.New("chain: builder already finished")
	}
	b.done = true
	if err := creditSubsidy(b.bc.params, b.st, &b.hdr); err != nil {
		return nil, nil, fees, err
	}
	root, err := b.st.IntermediateRoot()
	if err != nil {
		if errors.Is(err, state.ErrStale) {
			return nil, nil, fees, ErrStaleTemplate
		}
		return nil, nil, fees, fmt.Errorf("chain: template state root: %w", err)
	}
	hdr := b.hdr
	hdr.StateRoot = root
	hdr.TxRoot = types.TxRoot(b.txs)
	hdr.ReceiptsRoot = types.ReceiptsRoot(b.receipts)
	return &types.Block{Header: &hdr, Txs: b.txs}, b.receipts, b.fees, nil
}
