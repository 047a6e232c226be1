package mempool

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/types"
)

// TestFlood submits 100,000 transactions from 1,000 senders (100 nonces
// each, random prices, each sender's nonces in a shuffled order) to a
// pool that holds a small fraction of them. Throughout, the pool stays
// within its limits, every refusal is a typed kind, and every executable
// transaction that left the pool was evicted for a higher-ranked
// newcomer: never for a queued or cheaper one.
func TestFlood(t *testing.T) {
	t.Parallel()
	senders, perSender := 1000, 100
	if testing.Short() {
		senders = 50
	}
	maxBytes := 150 * senders // about 1.3 transfers per sender
	e := newEnv(t, senders, func(c *Config) {
		c.SigCache = chain.NewSigCache(senders * perSender)
		c.MaxBytes = maxBytes
		c.MaxTxs = 2 * senders
		c.MaxQueued = 300 * senders / 1000
		c.MaxQueuedPerSender = 16
	})
	type evictionRecord struct {
		victim, newcomer *poolTx
		victimExec       bool
		newcomerExec     bool
	}
	var evictions []evictionRecord
	e.pool.evictHook = func(victim *poolTx, victimExec bool, newcomer *poolTx, newcomerExec bool) {
		evictions = append(evictions, evictionRecord{victim, newcomer, victimExec, newcomerExec})
	}

	rng := rand.New(rand.NewPCG(1, 2))
	n := senders * perSender
	from := make([]int, 0, n)
	specs := make([]txSpec, 0, n)
	// Round-robin over senders, each sender's nonces locally shuffled
	// (windows of 8), so gaps open and fill all the time.
	order := make([][]uint64, senders)
	for s := range order {
		order[s] = make([]uint64, perSender)
		for i := range order[s] {
			order[s][i] = uint64(i)
		}
		for w := 0; w < perSender; w += 8 {
			win := order[s][w:min(w+8, perSender)]
			rng.Shuffle(len(win), func(i, j int) { win[i], win[j] = win[j], win[i] })
		}
	}
	for i := range perSender {
		for s := range senders {
			from = append(from, s)
			specs = append(specs, txSpec{nonce: order[s][i], price: 1 + rng.Uint64N(1000)})
		}
	}
	txs := signMany(t, e.keys, from, specs)
	// The flood tests limits, not signatures: record the senders in the
	// shared cache as the chain would have, so admission skips recovery.
	seedSigCache(e, from, txs)

	announced := make(map[types.Hash]bool)
	e.pool.SubscribeExecutable(func(txs []*types.Transaction) {
		for _, tx := range txs {
			announced[tx.Hash()] = true
		}
	})
	admitted, refused := 0, make(map[ErrorKind]int)
	const batch = 1000
	for lo := 0; lo < n; lo += batch {
		for i, err := range e.pool.AddBatch(txs[lo:min(lo+batch, n)], false) {
			if err == nil {
				admitted++
				continue
			}
			var te *TxError
			if !errors.As(err, &te) {
				t.Fatalf("tx %d: untyped error %v", lo+i, err)
			}
			refused[te.Kind]++
		}
		if b := e.pool.Bytes(); b > maxBytes {
			t.Fatalf("after %d txs: %d bytes, limit %d", lo+batch, b, maxBytes)
		}
		checkInvariants(t, e.pool)
	}
	t.Logf("admitted %d, refused %v, evictions %d, pool %d bytes", admitted, refused, len(evictions), e.pool.Bytes())

	evictedExec := make(map[types.Hash]bool)
	for _, ev := range evictions {
		if ev.victimExec {
			evictedExec[ev.victim.hash] = true
			if !ev.newcomerExec || !ev.newcomer.price.Gt(&ev.victim.price) {
				t.Fatalf("executable %s (price %s) evicted for %s (price %s, executable %v)",
					ev.victim.hash, ev.victim.price.Dec(), ev.newcomer.hash, ev.newcomer.price.Dec(), ev.newcomerExec)
			}
		}
	}
	// Every executable transaction announced and gone was evicted by the
	// rule above: none was lost otherwise.
	for h := range announced {
		if !e.pool.Has(h) && !evictedExec[h] {
			t.Fatalf("executable %s lost without an eviction", h)
		}
	}
	if admitted == 0 || len(evictions) == 0 || refused[ErrPoolFull] == 0 {
		t.Fatal("the flood did not exercise the limits")
	}
}

// TestFloodKeepsExecutable fills the pool with executable transactions,
// then floods it with queued and cheaper ones: none of the originals go.
func TestFloodKeepsExecutable(t *testing.T) {
	t.Parallel()
	senders := 200
	if testing.Short() {
		senders = 50
	}
	e := newEnv(t, senders, func(c *Config) { c.MaxTxs = 2 * senders })
	var from []int
	var specs []txSpec
	for s := range senders {
		for nonce := range 2 {
			from = append(from, s)
			specs = append(specs, txSpec{nonce: uint64(nonce), price: 100})
		}
	}
	originals := signMany(t, e.keys, from, specs)
	seedSigCache(e, from, originals)
	for _, err := range e.pool.AddBatch(originals, false) {
		if err != nil {
			t.Fatal(err)
		}
	}
	from, specs = from[:0], specs[:0]
	for s := range senders {
		for k := range 10 {
			from = append(from, s)
			// Queued pricey ones (nonces 3..) and executable cheap ones.
			if k%2 == 0 {
				specs = append(specs, txSpec{nonce: uint64(3 + k), price: 1000})
			} else {
				specs = append(specs, txSpec{nonce: 2, price: uint64(1 + k)})
			}
		}
	}
	flood := signMany(t, e.keys, from, specs)
	seedSigCache(e, from, flood)
	for _, err := range e.pool.AddBatch(flood, false) {
		if err != nil && !errors.Is(err, ErrPoolFull) && !errors.Is(err, ErrReplaceUnderpriced) {
			t.Fatalf("unexpected refusal %v", err)
		}
	}
	for i, tx := range originals {
		if !e.pool.Has(tx.Hash()) {
			t.Fatalf("original executable %d evicted", i)
		}
	}
	checkInvariants(t, e.pool)
}

// seedSigCache records txs[i]'s sender, e.addrs[from[i]], in the pool's
// signature cache.
func seedSigCache(e *env, from []int, txs []*types.Transaction) {
	for i, tx := range txs {
		e.pool.sigs.Add(tx.Hash(), e.addrs[from[i]])
	}
}
