package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/wallet/rpcclient"
)

// watchPoll is how often the watcher asks for the tip.
const watchPoll = 50 * time.Millisecond

// blockHashes is eth_getBlockByNumber's answer with transaction hashes.
type blockHashes struct {
	Hash         types.Hash   `json:"hash"`
	ParentHash   types.Hash   `json:"parentHash"`
	Transactions []types.Hash `json:"transactions"`
}

// chainReader is what the watcher reads the chain through: one node, or
// a nodeSet that moves on when a node stops answering.
type chainReader interface {
	BlockNumber(ctx context.Context) (uint64, error)
	Call(ctx context.Context, result any, method string, params ...any) error
}

var (
	_ chainReader = (*rpcclient.Client)(nil)
	_ chainReader = (*nodeSet)(nil)
)

// scanned is a block the watcher read, and which of its transactions are
// the plan's.
type scanned struct {
	hash types.Hash
	txs  []int // plan indexes
}

// watcher follows the chain from a height and records when each planned
// transaction appears in a block. It reads each block once with its
// transaction hashes, rather than asking for N receipts. A block replaced
// by a reorganisation is forgotten with its inclusions; a transaction seen
// in two blocks of the chain it follows counts as a duplicate.
type watcher struct {
	c     chainReader
	index map[types.Hash]int // tx hash -> plan index; read-only once running
	start uint64             // the first height to scan

	included atomic.Int64 // plan transactions now in the chain

	mu         sync.Mutex
	next       uint64
	blocks     map[uint64]scanned
	at         []uint64    // height including plan tx i, 0 if none
	seen       []time.Time // when plan tx i was first seen in a block
	duplicates int
}

func newWatcher(c chainReader, plan []signedTx, start uint64) *watcher {
	w := &watcher{
		c: c, index: make(map[types.Hash]int, len(plan)), start: start, next: start,
		blocks: map[uint64]scanned{}, at: make([]uint64, len(plan)), seen: make([]time.Time, len(plan)),
	}
	for i, tx := range plan {
		w.index[tx.hash] = i
	}
	return w
}

// run polls until ctx ends. Errors reaching the node are retried: a busy
// node may time out a request under load.
func (w *watcher) run(ctx context.Context) {
	t := time.NewTicker(watchPoll)
	defer t.Stop()
	for {
		_ = w.poll(ctx) // retried on the next tick
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// poll scans every block from the next unscanned height to the tip.
func (w *watcher) poll(ctx context.Context) error {
	tip, err := w.c.BlockNumber(ctx)
	if err != nil {
		return err
	}
	for {
		w.mu.Lock()
		h := w.next
		w.mu.Unlock()
		if h > tip {
			return nil
		}
		var b *blockHashes
		if err := w.c.Call(ctx, &b, "eth_getBlockByNumber", rpcclient.BlockArg(h), false); err != nil {
			return err
		}
		if b == nil {
			return nil // the tip moved back under us; try again later
		}
		w.add(h, b, time.Now())
	}
}

// add records block b at height h, or, when b does not extend the block
// scanned below it, forgets that one and steps back a height.
func (w *watcher) add(h uint64, b *blockHashes, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if prev, ok := w.blocks[h-1]; ok && h > w.start && prev.hash != b.ParentHash {
		w.forget(h - 1)
		w.next = h - 1
		return
	}
	if _, ok := w.blocks[h]; ok {
		w.forget(h)
	}
	var mine []int
	for _, th := range b.Transactions {
		i, ok := w.index[th]
		if !ok {
			continue
		}
		if w.at[i] != 0 {
			w.duplicates++
			continue
		}
		w.at[i] = h
		if w.seen[i].IsZero() {
			w.seen[i] = now
		}
		mine = append(mine, i)
	}
	w.included.Add(int64(len(mine)))
	w.blocks[h] = scanned{hash: b.Hash, txs: mine}
	w.next = h + 1
}

// forget drops the block scanned at h. A transaction it held keeps its
// first-seen time: it was sent once, and the latency runs to its first
// inclusion.
func (w *watcher) forget(h uint64) {
	for _, i := range w.blocks[h].txs {
		w.at[i] = 0
	}
	w.included.Add(-int64(len(w.blocks[h].txs)))
	delete(w.blocks, h)
}

// allIncluded reports whether every plan index in want is in the chain.
func (w *watcher) allIncluded(want []int) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, i := range want {
		if w.at[i] == 0 {
			return false
		}
	}
	return true
}

// inclusion is the watcher's final account of the plan.
type inclusion struct {
	at         []uint64
	seen       []time.Time
	duplicates int
	blocks     map[uint64]scanned
}

func (w *watcher) result() inclusion {
	w.mu.Lock()
	defer w.mu.Unlock()
	return inclusion{at: w.at, seen: w.seen, duplicates: w.duplicates, blocks: w.blocks}
}

// blockReceipt is the part of an eth_getBlockReceipts entry the report
// uses.
type blockReceipt struct {
	TransactionHash types.Hash `json:"transactionHash"`
	Status          string     `json:"status"`
}

// countFailed returns how many plan transactions in the given blocks have
// a failed receipt (status 0), asking once per block.
func countFailed(ctx context.Context, c chainReader, index map[types.Hash]int, heights []uint64) (int, error) {
	failed := 0
	for _, h := range heights {
		var rs []blockReceipt
		if err := c.Call(ctx, &rs, "eth_getBlockReceipts", rpcclient.BlockArg(h)); err != nil {
			return 0, fmt.Errorf("receipts of block %d: %w", h, err)
		}
		for _, r := range rs {
			if _, ok := index[r.TransactionHash]; ok && r.Status != "0x1" {
				failed++
			}
		}
	}
	return failed, nil
}
