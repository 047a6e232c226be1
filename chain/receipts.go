package chain

import (
	"fmt"

	"github.com/quarry-chain/quarry/chain/types"
)

// fillReceipts sets the lookup fields of a block's receipts (everything the
// consensus encoding leaves out) from the block itself.
func fillReceipts(signer types.Signer, blk *types.Block, receipts []*types.Receipt) error {
	hash := blk.Hash()
	for i, r := range receipts {
		tx := blk.Txs[i]
		from, err := signer.Sender(tx)
		if err != nil {
			return fmt.Errorf("%w: stored transaction %s: %v", ErrCorruptDB, tx.Hash(), err)
		}
		r.TxHash = tx.Hash()
		r.BlockHash = hash
		r.BlockNumber = blk.Header.Height
		r.TxIndex = uint(i)
		r.EffectiveGasPrice = tx.EffectiveGasPrice()
		r.From = from
		r.To = tx.To
		r.ContractAddress = nil
		if tx.IsCreate() {
			addr := types.ContractAddress(from, tx.Nonce)
			r.ContractAddress = &addr
		}
	}
	return nil
}
