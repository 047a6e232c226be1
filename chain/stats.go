package chain

import "github.com/quarry-chain/quarry/chain/state"

// CacheStats returns the counters and sizes of the state's caches (trie
// nodes and accounts), for metrics: an operator watches the store reads
// per block to size the caches to the state.
func (bc *BlockChain) CacheStats() state.CacheStats { return bc.state.CacheStats() }
