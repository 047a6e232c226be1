package chain

import (
	"runtime"
	"sync"

	"github.com/quarry-chain/quarry/chain/types"
)

// minParallelReceipts is the smallest block whose receipts receiptsRoot
// hashes on several goroutines.
const minParallelReceipts = 256

// receiptsRoot is types.ReceiptsRoot with the receipts hashed on every
// core: the Merkle root of their hashes, in block order. Hashing a
// thousand receipts (each with its 256-byte bloom) is a millisecond or
// more, on the path of every block.
func receiptsRoot(receipts []*types.Receipt) types.Hash {
	workers := min(runtime.GOMAXPROCS(0), len(receipts)/(minParallelReceipts/2))
	if workers < 2 {
		return types.ReceiptsRoot(receipts)
	}
	leaves := make([]types.Hash, len(receipts))
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(receipts)/workers, (w+1)*len(receipts)/workers
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				leaves[i] = receipts[i].Hash()
			}
		})
	}
	wg.Wait()
	return types.MerkleRoot(leaves)
}
