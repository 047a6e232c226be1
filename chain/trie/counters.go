package trie

import "sync/atomic"

// Counters count where updates found the nodes their walks needed, for
// an operator sizing the node cache: a cache that holds the upper levels
// of the state answers nearly every lookup, and each store read costs
// microseconds. They belong to the caller (Config.Counters), who may
// share them between the tries it opens over time and read them at any
// time; a walk adds its counts once it is done.
type Counters struct {
	CacheHits    atomic.Uint64 // nodes found in the node cache
	StoreReads   atomic.Uint64 // nodes read from the store
	HintedLeaves atomic.Uint64 // leaves rebuilt from a Change's Prev hint instead of read
	NodesWritten atomic.Uint64 // nodes handed to the Writer (dry runs write none)
}

// walkCounts are one walk's (or one fork's) counts, kept in plain fields
// so that the goroutines of a walk never share a cache line to count.
type walkCounts struct {
	hits, reads, hinted, written uint64
}

func (w *walkCounts) add(o walkCounts) {
	w.hits += o.hits
	w.reads += o.reads
	w.hinted += o.hinted
	w.written += o.written
}

// addTo adds w to c, if there is a c.
func (w walkCounts) addTo(c *Counters) {
	if c == nil {
		return
	}
	c.CacheHits.Add(w.hits)
	c.StoreReads.Add(w.reads)
	c.HintedLeaves.Add(w.hinted)
	c.NodesWritten.Add(w.written)
}
