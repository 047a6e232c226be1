package miner

import (
	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/types"
)

// Chain is what the miner needs of the block chain. *chain.BlockChain
// satisfies it.
type Chain interface {
	// Best returns the active chain's tip.
	Best() *chain.BestState
	// NewBuilder starts a block on the tip (see chain.BlockChain.NewBuilder).
	NewBuilder(coinbase types.Address, timeMs uint64, extra [types.HeaderExtraSize]byte) (*chain.Builder, error)
	// ProcessBlock validates and imports a block: the only way a mined
	// block enters the chain.
	ProcessBlock(b *types.Block) (chain.Result, error)
	// Subscribe registers fn for chain events (NewHead restarts the
	// search) and returns the function that removes it.
	Subscribe(fn func(chain.Event)) (unsubscribe func())
}

// PendingTx is a transaction offered for a block, with its sender.
type PendingTx struct {
	Tx   *types.Transaction
	From types.Address
}

// TxSource offers transactions for block templates: the mempool, through
// an adapter the node provides.
type TxSource interface {
	// Pending returns includable transactions, best first, each sender's
	// in nonce order, up to about gasLimit gas in total.
	Pending(gasLimit uint64) []PendingTx
	// Failed reports a transaction that broke a consensus rule (a
	// *chain.RuleError, or chain.ErrBadTxSignature when its signature does
	// not name From) while the template was built. It was left out.
	Failed(tx *types.Transaction, err error)
}
