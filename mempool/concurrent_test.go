package mempool

import (
	"errors"
	"sync"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

// TestConcurrentAdmission admits from many goroutines at once (run it with
// -race): each goroutine owns some senders and submits their nonces in
// order, one at a time or in batches, while every goroutine also submits
// a shared set of transactions and readers query the pool. Each shared
// transaction is admitted exactly once and nothing is lost.
func TestConcurrentAdmission(t *testing.T) {
	t.Parallel()
	const (
		workers   = 16
		perWorker = 4 // senders
		nonces    = 8
		shared    = 32
	)
	e := newEnv(t, workers*perWorker+1, nil)
	var from []int
	var specs []txSpec
	for s := range workers * perWorker {
		for n := range nonces {
			from = append(from, s)
			specs = append(specs, txSpec{nonce: uint64(n), price: uint64(1 + (s*7+n)%13)})
		}
	}
	owned := signMany(t, e.keys, from, specs)
	from, specs = from[:0], specs[:0]
	for n := range shared {
		from = append(from, workers*perWorker)
		specs = append(specs, txSpec{nonce: uint64(n)})
	}
	common := signMany(t, e.keys, from, specs)

	var announcedMu sync.Mutex
	announced := 0
	e.pool.SubscribeExecutable(func(txs []*types.Transaction) {
		announcedMu.Lock()
		announced += len(txs)
		announcedMu.Unlock()
	})

	var wg sync.WaitGroup
	var mu sync.Mutex
	commonOK := 0
	for w := range workers {
		wg.Go(func() {
			mine := owned[w*perWorker*nonces : (w+1)*perWorker*nonces]
			if w%2 == 0 {
				for _, tx := range mine {
					if err := e.pool.Add(tx, false); err != nil {
						t.Errorf("worker %d: %v", w, err)
					}
				}
			} else {
				for _, err := range e.pool.AddBatch(mine, w%4 == 1) {
					if err != nil {
						t.Errorf("worker %d: %v", w, err)
					}
				}
			}
			ok := 0
			for _, err := range e.pool.AddBatch(common, false) {
				switch {
				case err == nil:
					ok++
				case errors.Is(err, ErrAlreadyKnown):
				default:
					t.Errorf("worker %d, shared: %v", w, err)
				}
			}
			mu.Lock()
			commonOK += ok
			mu.Unlock()
		})
		wg.Go(func() { // a reader
			for range 20 {
				e.pool.Status()
				e.pool.Content()
				e.pool.Pending(testGasLimit)
				e.pool.PendingNonce(e.addrs[w])
			}
		})
	}
	wg.Wait()
	if commonOK != shared {
		t.Fatalf("shared transactions admitted %d times, want %d", commonOK, shared)
	}
	total := len(owned) + shared
	if p, q := e.pool.Status(); p != total || q != 0 {
		t.Fatalf("status %d/%d, want %d/0", p, q, total)
	}
	if announced != total {
		t.Fatalf("announced %d, want %d", announced, total)
	}
	if got := len(e.pool.Pending(^uint64(0))); got != total {
		t.Fatalf("template of %d, want %d", got, total)
	}
	checkInvariants(t, e.pool)
}
