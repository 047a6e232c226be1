package state

import "github.com/quarry-chain/quarry/chain/trie"

// CacheStats describes the committed state's caches, for an operator
// sizing them: while they hold the trie's upper levels and the accounts
// blocks touch, a block's connect reads little from the store; once the
// state outgrows them, store reads per block climb, and so does the
// connect time (docs/benchmarks.md).
type CacheStats struct {
	// Trie node lookups of block commits since the Database opened: found
	// in the node cache, read from the store, or rebuilt from the flat
	// record without a read (leaves), and nodes written.
	TrieCacheHits, TrieStoreReads, TrieHintedLeaves, TrieNodesWritten uint64
	// TrieCacheBytes is the node cache's memory, TrieCacheBudget its bound.
	TrieCacheBytes, TrieCacheBudget int64
	// Account lookups of block execution answered by the account cache,
	// and those that went to the store.
	AccountCacheHits, AccountCacheMisses uint64
	// AccountCacheBytes is the account cache's memory, AccountCacheBudget
	// its bound.
	AccountCacheBytes, AccountCacheBudget int64
}

// CacheStats returns the state caches' counters and sizes.
func (d *Database) CacheStats() CacheStats {
	st := CacheStats{
		TrieCacheHits:    d.counters.CacheHits.Load(),
		TrieStoreReads:   d.counters.StoreReads.Load(),
		TrieHintedLeaves: d.counters.HintedLeaves.Load(),
		TrieNodesWritten: d.counters.NodesWritten.Load(),
		TrieCacheBudget:  d.cacheBytes,
	}
	switch {
	case st.TrieCacheBudget == 0:
		st.TrieCacheBudget = trie.DefaultCacheBytes
	case st.TrieCacheBudget < 0:
		st.TrieCacheBudget = 0
	}
	d.mu.Lock()
	// Only while no change holds the trie is its cache still.
	if d.tr != nil {
		_, d.trieCacheBytes = d.tr.CacheStats()
	}
	st.TrieCacheBytes = d.trieCacheBytes
	d.mu.Unlock()
	if c := d.accounts; c != nil {
		c.mu.Lock()
		st.AccountCacheHits, st.AccountCacheMisses = c.hits, c.misses
		st.AccountCacheBytes = int64(len(c.entries)) * accountEntryMem
		st.AccountCacheBudget = max(c.budget, 0)
		c.mu.Unlock()
	}
	return st
}
