package chain

import "testing"

// TestConnectReportsElapsedAndCacheStats: a connected block's event says
// how long the connect took, and the state's counters move with it.
func TestConnectReportsElapsedAndCacheStats(t *testing.T) {
	h := newHarness(t)
	var connected []BlockConnected
	unsubscribe := h.bc.Subscribe(func(ev Event) {
		if e, ok := ev.(BlockConnected); ok {
			connected = append(connected, e)
		}
	})
	defer unsubscribe()
	before := h.bc.CacheStats()
	h.block("b1", "genesis", withTxs(h.transfer(0, h.addrs[1], 1, 0)))
	h.accept("b1")
	if len(connected) != 1 {
		t.Fatalf("%d BlockConnected events, want 1", len(connected))
	}
	if connected[0].Elapsed <= 0 {
		t.Errorf("Elapsed = %v, want > 0", connected[0].Elapsed)
	}
	after := h.bc.CacheStats()
	if after.TrieNodesWritten <= before.TrieNodesWritten || after.AccountCacheHits+after.AccountCacheMisses <= before.AccountCacheHits+before.AccountCacheMisses {
		t.Errorf("stats %+v -> %+v: the connect wrote no trie node or read no account", before, after)
	}
}
