package chain

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/contracts"
)

// purge empties the cache, so that the next read of any block misses.
func (c *recentCache[V]) purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
	c.bytes = 0
}

// has reports whether block hash is cached, without touching its recency.
func (c *recentCache[V]) has(hash types.Hash) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.entries[hash] != nil
}

// checkFilled requires every lookup field of receipts to describe its
// place in blk (an oracle independent of fillReceipts), and the
// cumulative gas to add up.
func checkFilled(t *testing.T, h *harness, blk *types.Block, receipts []*types.Receipt) {
	t.Helper()
	if len(receipts) != len(blk.Txs) {
		t.Fatalf("%d receipts for %d transactions", len(receipts), len(blk.Txs))
	}
	var cumulative uint64
	for i, r := range receipts {
		tx := blk.Txs[i]
		from, err := h.signer.Sender(tx)
		if err != nil {
			t.Fatal(err)
		}
		cumulative += r.GasUsed
		price := tx.EffectiveGasPrice()
		var wantContract *types.Address
		if tx.To == nil {
			a := types.ContractAddress(from, tx.Nonce)
			wantContract = &a
		}
		switch {
		case r.TxHash != tx.Hash():
			t.Errorf("receipt %d: TxHash %s, want %s", i, r.TxHash, tx.Hash())
		case r.BlockHash != blk.Hash():
			t.Errorf("receipt %d: BlockHash %s, want %s", i, r.BlockHash, blk.Hash())
		case r.BlockNumber != blk.Header.Height:
			t.Errorf("receipt %d: BlockNumber %d, want %d", i, r.BlockNumber, blk.Header.Height)
		case r.TxIndex != uint(i):
			t.Errorf("receipt %d: TxIndex %d", i, r.TxIndex)
		case r.From != from:
			t.Errorf("receipt %d: From %s, want %s", i, r.From, from)
		case !reflect.DeepEqual(r.To, tx.To):
			t.Errorf("receipt %d: To %v, want %v", i, r.To, tx.To)
		case !reflect.DeepEqual(r.ContractAddress, wantContract):
			t.Errorf("receipt %d: ContractAddress %v, want %v", i, r.ContractAddress, wantContract)
		case r.EffectiveGasPrice != price:
			t.Errorf("receipt %d: EffectiveGasPrice %s, want %s", i, r.EffectiveGasPrice.Dec(), price.Dec())
		case r.CumulativeGasUsed != cumulative:
			t.Errorf("receipt %d: CumulativeGasUsed %d, want %d", i, r.CumulativeGasUsed, cumulative)
		}
	}
}

// logPositions lists (tx index, log index in block, address, first topic)
// of every log, in block order: what the RPC derives log positions from.
func logPositions(receipts []*types.Receipt) []string {
	var out []string
	n := 0
	for i, r := range receipts {
		for _, l := range r.Logs {
			topic := types.Hash{}
			if len(l.Topics) > 0 {
				topic = l.Topics[0]
			}
			out = append(out, fmt.Sprintf("tx %d log %d %s %s %x", i, n, l.Address, topic, l.Data))
			n++
		}
	}
	return out
}

func TestReceiptCacheHitMatchesMiss(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	alice, bob, carol := h.addrs[0], h.addrs[1], h.addrs[2]
	tokenCode, err := contracts.CreationCode("token")
	if err != nil {
		t.Fatal(err)
	}
	counterCode, err := contracts.CreationCode("counter")
	if err != nil {
		t.Fatal(err)
	}
	token := types.ContractAddress(alice, 0)
	intrinsic := func(create []byte) uint64 {
		gas, err := types.IntrinsicGas(&types.Transaction{Data: create})
		if err != nil {
			t.Fatal(err)
		}
		return gas
	}
	send := func(to types.Address, amount uint64) []byte {
		return abiCall("transfer(address,uint256)", addrWord(to), word(uint256.NewInt(amount)))
	}
	// Each case is a block built on the previous one; nonces follow.
	tests := []struct {
		name       string
		txs        func() []*types.Transaction
		wantLogs   int
		wantFailed []int // transactions that must fail, so the case tests what it says
	}{
		{"empty block", func() []*types.Transaction { return nil }, 0, nil},
		{"token deploy and transfers", func() []*types.Transaction {
			return []*types.Transaction{
				h.contractTx(0, nil, append(tokenCode, word(ether(1000))...), 3_000_000, 0),
				h.transfer(1, carol, 7, 0),
				h.transfer(2, bob, 8, 0),
			}
		}, 1, nil}, // the mint's Transfer
		{"logs spread over transactions", func() []*types.Transaction {
			return []*types.Transaction{
				h.contractTx(0, &token, send(bob, 1), 200_000, 1),
				h.transfer(1, alice, 9, 1),
				h.contractTx(0, &token, send(carol, 2), 200_000, 2),
				h.contractTx(0, &token, send(bob, 3), 200_000, 3),
				h.contractTx(1, nil, counterCode, 1_000_000, 2),
			}
		}, 3, nil},
		{"failed call and failed creation", func() []*types.Transaction {
			return []*types.Transaction{
				h.contractTx(2, &token, send(alice, 1000), 100_000, 1),          // carol holds 2 tokens: reverts
				h.contractTx(3, nil, counterCode, intrinsic(counterCode)+10, 0), // out of gas
				h.contractTx(0, &token, send(carol, 4), 200_000, 4),
			}
		}, 1, []int{0, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			blk, _ := h.buildAndConnect(tc.txs()...)
			hash := blk.Hash()
			h.bc.receipts.purge()
			miss, err := h.bc.Receipts(hash)
			if err != nil {
				t.Fatalf("miss: %v", err)
			}
			if !h.bc.receipts.has(hash) {
				t.Fatal("a miss did not fill the cache")
			}
			hit, err := h.bc.Receipts(hash)
			if err != nil {
				t.Fatalf("hit: %v", err)
			}
			uncached, err := h.bc.readReceipts(hash)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(hit, miss) || !reflect.DeepEqual(hit, uncached) {
				t.Fatalf("hit, miss and uncached reads differ:\nhit  %+v\nmiss %+v\nread %+v", hit, miss, uncached)
			}
			checkFilled(t, h, blk, hit)
			for _, i := range tc.wantFailed {
				if hit[i].Status != types.ReceiptStatusFailed {
					t.Fatalf("transaction %d succeeded", i)
				}
			}
			pos := logPositions(hit)
			if len(pos) != tc.wantLogs {
				t.Fatalf("%d logs, want %d: %q", len(pos), tc.wantLogs, pos)
			}
			if !reflect.DeepEqual(pos, logPositions(uncached)) {
				t.Fatalf("log positions: hit %q, uncached %q", pos, logPositions(uncached))
			}
			// The slice is the caller's: overwriting it leaves the cache whole.
			for i := range hit {
				hit[i] = nil
			}
			again, err := h.bc.Receipts(hash)
			if err != nil || !reflect.DeepEqual(again, uncached) {
				t.Fatalf("after a caller overwrote its slice: %+v, %v", again, err)
			}
		})
	}
}

// bigReceipts makes n receipts whose single log carries data bytes.
func bigReceipts(n, data int) []*types.Receipt {
	out := make([]*types.Receipt, n)
	for i := range out {
		out[i] = &types.Receipt{Logs: []*types.Log{{Data: bytes.Repeat([]byte{byte(i)}, data)}}}
	}
	return out
}

func TestReceiptCacheBounds(t *testing.T) {
	t.Parallel()
	small := receiptsSize(bigReceipts(1, 100))
	tests := []struct {
		name      string
		maxBlocks int
		maxBytes  int64
		blocks    []int // receipts data size of each block inserted, in order
		touch     int   // index of a block read again before the last insertion (-1: none)
		want      []int // indices of the blocks cached at the end
	}{
		{"under both bounds", 4, 1 << 20, []int{100, 100, 100}, -1, []int{0, 1, 2}},
		{"block bound evicts the oldest", 2, 1 << 20, []int{100, 100, 100, 100}, -1, []int{2, 3}},
		{"a read block is recent", 2, 1 << 20, []int{100, 100, 100}, 0, []int{0, 2}},
		{"byte bound evicts", 100, 3 * small, []int{100, 100, 100, 100}, -1, []int{1, 2, 3}},
		{"one big block evicts several", 100, 4 * small, []int{100, 100, 100, 100, 100 + int(2*small)}, -1, []int{3, 4}}, // the last is 3 small ones
		{"larger than the budget is not kept", 100, 2 * small, []int{100, 100_000}, -1, []int{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newReceiptCache(tc.maxBlocks, tc.maxBytes)
			for i, size := range tc.blocks {
				if i == len(tc.blocks)-1 && tc.touch >= 0 {
					if _, ok := c.get(hashN(tc.touch)); !ok {
						t.Fatalf("block %d gone before the touch", tc.touch)
					}
				}
				rs := bigReceipts(1, size)
				got, err := c.load(hashN(i), func() ([]*types.Receipt, error) { return rs, nil })
				if err != nil || len(got) != 1 || got[0] != rs[0] {
					t.Fatalf("load %d = %v, %v", i, got, err)
				}
				if n, b := c.usage(); n > tc.maxBlocks || b > tc.maxBytes {
					t.Fatalf("after block %d: %d blocks, %d bytes; bounds %d, %d", i, n, b, tc.maxBlocks, tc.maxBytes)
				}
			}
			var cached []int
			var total int64
			for i := range tc.blocks {
				if rs, ok := c.get(hashN(i)); ok {
					cached = append(cached, i)
					total += receiptsSize(rs)
				}
			}
			if !reflect.DeepEqual(cached, tc.want) {
				t.Fatalf("cached blocks %v, want %v", cached, tc.want)
			}
			if _, b := c.usage(); b != total {
				t.Fatalf("usage says %d bytes, entries hold %d", b, total)
			}
		})
	}
}

// transferBlocks connects n blocks named prefix0.. on genesis, each of
// perBlock (at most 16) transfers among the harness's four accounts.
func transferBlocks(h *harness, prefix string, n, perBlock int) []*types.Block {
	h.t.Helper()
	var blocks []*types.Block
	parent := "genesis"
	nonces := make([]uint64, len(h.addrs))
	for i := range n {
		name := fmt.Sprintf("%s%d", prefix, i)
		txs := make([]*types.Transaction, 0, perBlock)
		for j := range perBlock {
			from := j % len(h.addrs)
			txs = append(txs, h.transfer(from, h.addrs[(j+1)%len(h.addrs)], 1, nonces[from]))
			nonces[from]++
		}
		blocks = append(blocks, h.block(name, parent, withTxs(txs...)))
		h.accept(name)
		parent = name
	}
	return blocks
}

func TestReceiptCacheBoundThroughChain(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.bc.receipts = newReceiptCache(2, 1<<20)
	blocks := transferBlocks(h, "c", 5, 1)
	for round := range 2 {
		for i, blk := range blocks {
			rs, err := h.bc.Receipts(blk.Hash())
			if err != nil {
				t.Fatalf("round %d, block %d: %v", round, i, err)
			}
			checkFilled(t, h, blk, rs)
			if n, b := h.bc.receipts.usage(); n > 2 || b > 1<<20 {
				t.Fatalf("cache holds %d blocks, %d bytes; bounds 2, 1 MiB", n, b)
			}
		}
	}
}

func TestReceiptsConcurrentReaders(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// A cache smaller than the blocks read keeps loads and evictions going.
	h.bc.receipts = newReceiptCache(3, 1<<20)
	blocks := transferBlocks(h, "b", 6, 8)
	want := make([][]*types.Receipt, len(blocks))
	for i, b := range blocks {
		rs, err := h.bc.readReceipts(b.Hash())
		if err != nil {
			t.Fatal(err)
		}
		want[i] = rs
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 300 {
				k := (w + i*(w+1)) % len(blocks)
				rs, err := h.bc.Receipts(blocks[k].Hash())
				if err != nil {
					t.Errorf("reader %d: %v", w, err)
					return
				}
				if !reflect.DeepEqual(rs, want[k]) {
					t.Errorf("reader %d: block %d receipts differ", w, k)
					return
				}
			}
		})
	}
	wg.Wait()
	if n, _ := h.bc.receipts.usage(); n > 3 {
		t.Fatalf("cache holds %d blocks, bound 3", n)
	}
}

func TestReceiptCacheSharesOneLoad(t *testing.T) {
	t.Parallel()
	c := newReceiptCache(4, 1<<20)
	hash := hashN(1)
	rs := bigReceipts(2, 10)
	release := make(chan struct{})
	var reads atomic.Int32
	read := func() ([]*types.Receipt, error) {
		reads.Add(1)
		<-release
		return rs, nil
	}
	var wg sync.WaitGroup
	results := make([][]*types.Receipt, 16)
	for i := range results {
		wg.Go(func() {
			got, err := c.load(hash, read)
			if err != nil {
				t.Errorf("load: %v", err)
			}
			results[i] = got
		})
	}
	// Whoever came first is reading; everyone else waits on it, or finds
	// the cached result if it arrives after the read: one read either way.
	for reads.Load() == 0 {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if n := reads.Load(); n != 1 {
		t.Fatalf("%d reads for 16 concurrent loads, want 1", n)
	}
	for i, got := range results {
		if len(got) != 2 || got[0] != rs[0] {
			t.Fatalf("load %d got %v", i, got)
		}
	}

	// A failed read is shared with its waiters but not cached.
	errBoom := errors.New("boom")
	if _, err := c.load(hashN(2), func() ([]*types.Receipt, error) { return nil, errBoom }); !errors.Is(err, errBoom) {
		t.Fatalf("failed load: %v", err)
	}
	if c.has(hashN(2)) {
		t.Fatal("a failed load was cached")
	}
}

// Reorganisations: a cached block that leaves the active chain is not
// served, neither for its hash nor through the transaction index, and is
// served again when its branch wins back.
//
//	genesis -> a1 (alice's tx T at index 0) ........ -> a2 -> a3
//	       \-> b1 (bob's tx, then T at index 1) -> b2
func TestReceiptsFollowReorgs(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	alice, carol := h.addrs[0], h.addrs[2]
	txT := h.transfer(0, carol, 5, 0)
	h.block("a1", "genesis", withTxs(txT))
	h.block("b1", "genesis", withTxs(h.transfer(1, alice, 6, 0), txT))
	h.block("b2", "b1")
	h.block("a2", "a1")
	h.block("a3", "a2")

	steps := []struct {
		accept    []string
		tip       string
		wantBlock string // block the index places T in
		wantIndex uint
		notServed string // a cached block whose receipts must now be ErrNotFound
	}{
		{accept: []string{"a1"}, tip: "a1", wantBlock: "a1", wantIndex: 0},
		{accept: []string{"b1", "b2"}, tip: "b2", wantBlock: "b1", wantIndex: 1, notServed: "a1"},
		{accept: []string{"a2", "a3"}, tip: "a3", wantBlock: "a1", wantIndex: 0, notServed: "b1"},
	}
	for i, st := range steps {
		h.accept(st.accept...)
		h.expectTip(st.tip)
		// As eth_getTransactionReceipt does: find the block, read its
		// receipts, pick the transaction's.
		loc, err := h.bc.TxLookup(txT.Hash())
		if err != nil {
			t.Fatalf("step %d: TxLookup: %v", i, err)
		}
		want := h.blocks[st.wantBlock].block
		if loc.BlockHash != want.Hash() || loc.Index != int(st.wantIndex) {
			t.Fatalf("step %d: T at %s index %d, want %s index %d", i, h.nameOf(loc.BlockHash), loc.Index, st.wantBlock, st.wantIndex)
		}
		for range 2 { // a miss, then a hit
			rs, err := h.bc.Receipts(loc.BlockHash)
			if err != nil {
				t.Fatalf("step %d: Receipts: %v", i, err)
			}
			r := rs[loc.Index]
			if r.TxHash != txT.Hash() || r.BlockHash != want.Hash() || r.BlockNumber != 1 || r.TxIndex != st.wantIndex || r.From != alice {
				t.Fatalf("step %d: receipt of T = %+v, want in %s at %d", i, r, st.wantBlock, st.wantIndex)
			}
			checkFilled(t, h, want, rs)
		}
		if st.notServed != "" {
			gone := h.blocks[st.notServed].block.Hash()
			if !h.bc.receipts.has(gone) {
				t.Fatalf("step %d: %s not cached; the test would not prove the cache is bypassed", i, st.notServed)
			}
			if rs, err := h.bc.Receipts(gone); !errors.Is(err, ErrNotFound) {
				t.Fatalf("step %d: receipts of reorged-away %s = %d receipts, %v; want ErrNotFound", i, st.notServed, len(rs), err)
			}
		}
	}
}
