package chain

import (
	"fmt"

	"github.com/quarry-chain/quarry/chain/types"
)

// fillReceipts sets the lookup fields of a block's receipts (everything the
// consensus encoding leaves out) from the block itself. Senders come
// through the signature cache: a recent block's are all there, and without
// it every receipt query recovered every signature of its block, which
// made polling for receipts under load cost seconds per call.
func fillReceipts(signer types.Signer, cache SigCache, blk *types.Block, receipts []*types.Receipt) error {
	hash := blk.Hash()
	senders, err := RecoverSenders(signer, blk.Txs, cache, 0)
	if err != nil {
		return fmt.Errorf("%w: stored transactions of %s: %v", ErrCorruptDB, hash, err)
	}
	for i, r := range receipts {
		tx := blk.Txs[i]
		from := senders[i]
		r.TxHash = tx.Hash()
		r.BlockHash = hash
		r.BlockNumber = blk.Header.Height
		r.TxIndex = uint(i)
		r.EffectiveGasPrice = tx.EffectiveGasPrice()
		r.From = from
		r.To = tx.To
		r.Type = tx.Type
		r.ContractAddress = nil
		if tx.IsCreate() {
			addr := types.ContractAddress(from, tx.Nonce)
			r.ContractAddress = &addr
		}
	}
	return nil
}
