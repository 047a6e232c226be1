package chain

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/quarry-chain/quarry/chain/types"
)

// minTxsPerWorker is the smallest share of a block worth a goroutine: a
// recovery costs tens of microseconds, starting a goroutine well under
// one, so even small shares pay, but a handful of transactions do not.
const minTxsPerWorker = 4

// RecoverSenders returns the sender of every transaction of a block, in
// block order, verifying the signatures on up to workers goroutines
// (workers <= 0: runtime.NumCPU()). Senders found in cache are not
// verified again, and newly verified ones are added to it (a nil cache
// caches nothing). If any transaction fails, the error is that of the
// lowest-indexed failing one, whatever order the workers ran in: a
// *RuleError of kind ErrWrongChainID (signed for another chain) or
// ErrBadTxSignature (anything else).
func RecoverSenders(signer types.Signer, txs []*types.Transaction, cache SigCache, workers int) ([]types.Address, error) {
	return recoverSenders(txs, cache, workers, signer.Sender)
}

// recoverSenders is RecoverSenders with the verification function given,
// so tests can count verifications.
func recoverSenders(txs []*types.Transaction, cache SigCache, workers int,
	verify func(*types.Transaction) (types.Address, error)) ([]types.Address, error) {
	if cache == nil {
		cache = NopSigCache{}
	}
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	workers = max(1, min(workers, len(txs)/minTxsPerWorker))
	senders := make([]types.Address, len(txs))
	errs := make([]error, len(txs))

	// firstErr is the lowest index that failed so far (len(txs): none).
	// Workers skip indices above it: their result cannot matter.
	var firstErr atomic.Int64
	firstErr.Store(int64(len(txs)))
	var next atomic.Int64
	work := func() {
		for {
			i := int(next.Add(1) - 1)
			if i >= len(txs) {
				return
			}
			if int64(i) > firstErr.Load() {
				continue
			}
			tx := txs[i]
			h := tx.Hash()
			if a, ok := cache.Get(h); ok {
				senders[i] = a
				continue
			}
			a, err := verify(tx)
			if err != nil {
				errs[i] = senderError(i, tx, err)
				for {
					cur := firstErr.Load()
					if int64(i) >= cur || firstErr.CompareAndSwap(cur, int64(i)) {
						break
					}
				}
				continue
			}
			senders[i] = a
			cache.Add(h, a)
		}
	}
	if workers == 1 {
		work()
	} else {
		var wg sync.WaitGroup
		for range workers {
			wg.Go(work)
		}
		wg.Wait()
	}
	if i := firstErr.Load(); i < int64(len(txs)) {
		return nil, errs[i]
	}
	return senders, nil
}

// senderError turns a recovery failure into the rule it breaks.
func senderError(i int, tx *types.Transaction, err error) error {
	if errors.Is(err, types.ErrInvalidChainID) {
		return ruleError(ErrWrongChainID, "transaction %d (%s): %v", i, tx.Hash(), err)
	}
	return ruleError(ErrBadTxSignature, "transaction %d (%s): %v", i, tx.Hash(), err)
}
