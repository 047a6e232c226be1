package types

// Block is a header and the transactions it commits to through its
// transactions root. Receipts are not part of a block: every node derives
// them by executing it, and the header's receipts root commits to them.
//
// Header must be non-nil. A Block shares its header and transactions with
// whoever built it; treat a decoded or connected block as immutable.
type Block struct {
	Header *Header
	Txs    []*Transaction
}

// Hash returns the block hash, the hash of its header.
func (b *Block) Hash() Hash { return b.Header.Hash() }

// Height returns the block's height from its header.
func (b *Block) Height() uint64 { return b.Header.Height }

// ParentHash returns the hash of the block's parent from its header.
func (b *Block) ParentHash() Hash { return b.Header.ParentHash }

// Size returns the length of the block's encoding in bytes, the value the
// consensus limit on block size (from the genesis configuration) applies to.
// It does not encode the block.
func (b *Block) Size() int {
	return blockEncodedSize(txListPayloadSize(b.Txs))
}

// ComputeTxRoot returns the Merkle root of the block's transactions, the
// value its header's TxRoot must hold.
func (b *Block) ComputeTxRoot() Hash { return TxRoot(b.Txs) }
