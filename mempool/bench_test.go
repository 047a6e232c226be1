package mempool

import (
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcec/v2/ecdsa"

	"github.com/quarry-chain/quarry/chain/types"
)

// benchSenders is how many funded keys the admission benchmarks rotate
// through: transaction i is nonce i/benchSenders of key i%benchSenders,
// so goroutines taking consecutive indices rarely open a nonce gap.
const benchSenders = 2048

// BenchmarkAdmissionParallel admits fresh signed transactions from all
// cores (signature verification, state lookup, insertion) and reports
// tx/s. Compare with BenchmarkRawRecoverParallel from the same run.
func BenchmarkAdmissionParallel(b *testing.B) {
	e := newEnv(b, benchSenders, func(c *Config) {
		c.MaxTxs, c.MaxBytes, c.MaxPerSender, c.MaxQueued, c.MaxQueuedPerSender = 1<<30, 1<<40, 1<<20, 1<<20, 1<<20
	})
	from := make([]int, b.N)
	specs := make([]txSpec, b.N)
	for i := range specs {
		from[i] = i % benchSenders
		specs[i] = txSpec{nonce: uint64(i / benchSenders), price: uint64(1 + i%50)}
	}
	txs := signMany(b, e.keys, from, specs)
	var next, failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			if err := e.pool.Add(txs[i], false); err != nil {
				failed.Add(1)
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d of %d refused", f, b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "tx/s")
}

// BenchmarkRawRecoverParallel is the ceiling for admission: btcec public
// key recovery alone, on all cores.
func BenchmarkRawRecoverParallel(b *testing.B) {
	keys, _ := testKeys(64)
	type sample struct{ sig, hash []byte }
	samples := make([]sample, 256)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range samples {
		var h [32]byte
		for j := range h {
			h[j] = byte(rng.Uint32())
		}
		samples[i] = sample{ecdsa.SignCompact(keys[i%len(keys)], h[:], false), h[:]}
	}
	var next atomic.Int64
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s := samples[(next.Add(1)-1)%int64(len(samples))]
			if _, _, err := ecdsa.RecoverCompact(s.sig, s.hash); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "tx/s")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
}

// BenchmarkTemplate10k builds a block template from a pool of 10,000
// executable transactions (1,000 senders x 10 nonces, random prices):
// "block" fills a 30M-gas block, "all" drains the whole pool.
func BenchmarkTemplate10k(b *testing.B) {
	const senders, nonces = 1000, 10
	e := newEnv(b, senders, func(c *Config) { c.MaxTxs = 20_000 })
	rng := rand.New(rand.NewPCG(5, 6))
	var from []int
	var specs []txSpec
	for s := range senders {
		for n := range nonces {
			from = append(from, s)
			specs = append(specs, txSpec{nonce: uint64(n), price: 1 + rng.Uint64N(1000)})
		}
	}
	for _, err := range e.pool.AddBatch(signMany(b, e.keys, from, specs), false) {
		if err != nil {
			b.Fatal(err)
		}
	}
	for _, bc := range []struct {
		name string
		gas  uint64
		want int
	}{
		{"block", testGasLimit, testGasLimit / int(types.TxGas)},
		{"all", ^uint64(0), senders * nonces},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if got := len(e.pool.Pending(bc.gas)); got != bc.want {
					b.Fatalf("template of %d, want %d", got, bc.want)
				}
			}
		})
	}
}
