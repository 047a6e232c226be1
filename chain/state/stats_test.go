package state

import (
	"testing"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/trie"
)

// TestCacheStats follows the counters through a genesis, a block's reads
// and its commit.
func TestCacheStats(t *testing.T) {
	d, kv := withGenesis(t, genesisAlloc(100))
	before := d.CacheStats()
	if before.TrieCacheBudget != trie.DefaultCacheBytes || before.AccountCacheBudget != DefaultAccountCacheBytes {
		t.Fatalf("budgets %d, %d: want the defaults", before.TrieCacheBudget, before.AccountCacheBudget)
	}
	if before.TrieCacheBytes == 0 || before.AccountCacheBytes != 100*accountEntryMem {
		t.Fatalf("after the genesis: trie cache %d bytes, account cache %d: want > 0 and 100 accounts", before.TrieCacheBytes, before.AccountCacheBytes)
	}

	s := mustStateDB(t, d)
	const touched = 10
	for i := range touched {
		if err := s.AddBalance(testAddr(uint64(i)), u256(1)); err != nil {
			t.Fatal(err)
		}
	}
	s.Exists(testAddr(1000)) // never funded, and not cached yet
	commit(t, kv, s)
	after := d.CacheStats()

	tests := []struct {
		name      string
		got, want uint64
	}{
		{"account cache hits", after.AccountCacheHits - before.AccountCacheHits, touched},
		{"account cache misses", after.AccountCacheMisses - before.AccountCacheMisses, 1},
		// The flat records hint every changed leaf: none is read.
		{"hinted leaves", after.TrieHintedLeaves - before.TrieHintedLeaves, touched},
		{"trie store reads", after.TrieStoreReads - before.TrieStoreReads, 0},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, tt.got, tt.want)
		}
	}
	if after.TrieCacheHits <= before.TrieCacheHits || after.TrieNodesWritten <= before.TrieNodesWritten {
		t.Errorf("trie hits %d -> %d, written %d -> %d: want both to grow", before.TrieCacheHits, after.TrieCacheHits, before.TrieNodesWritten, after.TrieNodesWritten)
	}
}

// TestCacheStatsDisabled: with the caches off, the budgets are 0 and
// every account lookup misses.
func TestCacheStatsDisabled(t *testing.T) {
	kv := kvdb.OpenMemory()
	t.Cleanup(func() { kv.Close() })
	d, err := New(Config{DB: kv, TrieCacheBytes: -1, AccountCacheBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	st := d.CacheStats()
	if st.TrieCacheBudget != 0 || st.AccountCacheBudget != 0 || st.TrieCacheBytes != 0 || st.AccountCacheBytes != 0 {
		t.Errorf("stats %+v: want zero budgets and sizes", st)
	}
}
