package chain

import (
	"slices"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

// receiptsBenchTxs is the size of the benchmark's block: a busy block of
// plain transfers, what receipt pollers wait on under load.
const receiptsBenchTxs = 500

// receiptsBenchBlock connects a block of receiptsBenchTxs transfers (from
// the harness's four accounts, round robin) and returns it. Its senders
// are in the signature cache, as a recent block's are in a running node.
func receiptsBenchBlock(b *testing.B) (*harness, *types.Block) {
	b.Helper()
	h := newHarness(b)
	txs := make([]*types.Transaction, receiptsBenchTxs)
	for i := range txs {
		from := i % len(h.keys)
		txs[i] = h.transfer(from, h.addrs[(from+1)%len(h.addrs)], 1, uint64(i/len(h.keys)))
	}
	blk := h.block("busy", "genesis", withTxs(txs...))
	h.accept("busy")
	return h, blk
}

// deepCopyReceipts copies receipts down to their logs' bytes: what
// Receipts would have to do to hand out receipts a caller may modify.
func deepCopyReceipts(receipts []*types.Receipt) []*types.Receipt {
	out := make([]*types.Receipt, len(receipts))
	for i, r := range receipts {
		c := *r
		if r.Logs != nil {
			c.Logs = make([]*types.Log, len(r.Logs))
			for j, l := range r.Logs {
				c.Logs[j] = &types.Log{Address: l.Address, Topics: slices.Clone(l.Topics), Data: slices.Clone(l.Data)}
			}
		}
		if r.To != nil {
			to := *r.To
			c.To = &to
		}
		if r.ContractAddress != nil {
			a := *r.ContractAddress
			c.ContractAddress = &a
		}
		out[i] = &c
	}
	return out
}

// BenchmarkReceipts reads the receipts of a 500-transfer block: "miss"
// empties the cache before each read, "hit" reads a cached block,
// "hit-deepcopy" adds the copy that receipts a caller may modify would
// cost, "add" is what warming the cache on connect would cost, and
// "uncached" is the read path without the cache (as before it).
// The miss/hit ns/op ratio is what the cache saves each poll.
func BenchmarkReceipts(b *testing.B) {
	h, blk := receiptsBenchBlock(b)
	hash := blk.Hash()
	check := func(b *testing.B, rs []*types.Receipt, err error) {
		if err != nil || len(rs) != receiptsBenchTxs {
			b.Fatalf("Receipts: %d receipts, %v", len(rs), err)
		}
	}
	b.Run("miss", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			h.bc.receipts.purge()
			rs, err := h.bc.Receipts(hash)
			check(b, rs, err)
		}
	})
	b.Run("hit", func(b *testing.B) {
		rs, err := h.bc.Receipts(hash)
		check(b, rs, err)
		b.ReportAllocs()
		for b.Loop() {
			rs, err = h.bc.Receipts(hash)
		}
		check(b, rs, err)
	})
	b.Run("hit-deepcopy", func(b *testing.B) {
		rs, err := h.bc.Receipts(hash)
		check(b, rs, err)
		b.ReportAllocs()
		for b.Loop() {
			rs, err = h.bc.Receipts(hash)
			rs = deepCopyReceipts(rs)
		}
		check(b, rs, err)
	})
	b.Run("hit-parallel", func(b *testing.B) {
		rs, err := h.bc.Receipts(hash)
		check(b, rs, err)
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if rs, err := h.bc.Receipts(hash); err != nil || len(rs) != receiptsBenchTxs {
					b.Errorf("Receipts: %d receipts, %v", len(rs), err)
					return
				}
			}
		})
	})
	// What warming the cache as a block is connected would add to the
	// connect: sizing and inserting its (already filled) receipts.
	b.Run("add", func(b *testing.B) {
		rs, err := h.bc.readReceipts(hash)
		check(b, rs, err)
		c := newReceiptCache(receiptCacheBlocks, receiptCacheBytes)
		b.ReportAllocs()
		for b.Loop() {
			size := receiptsSize(rs)
			c.mu.Lock()
			c.addLocked(hash, rs, size)
			c.mu.Unlock()
		}
	})
	b.Run("uncached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rs, err := h.bc.readReceipts(hash)
			check(b, rs, err)
		}
	})
}
