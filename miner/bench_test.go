package miner

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/miner/sha256x"
)

// limitBuf is the buffer size for the crypto/sha256 throughput that sets
// the per-thread limit: large enough that per-call overhead vanishes.
const limitBuf = 1 << 20

// BenchmarkSHA256Limit is this CPU's SHA-256 compression limit as
// crypto/sha256 reaches it: compressions/s = bytes/s / 64, and one attempt
// (two compressions) per thread can run at most at half of that.
func BenchmarkSHA256Limit(b *testing.B) {
	buf := make([]byte, limitBuf)
	b.SetBytes(limitBuf)
	for b.Loop() {
		sha256.Sum256(buf)
	}
	perSec := float64(b.N) * limitBuf / b.Elapsed().Seconds()
	b.ReportMetric(perSec/sha256x.BlockSize, "compressions/s")
	b.ReportMetric(perSec/sha256x.BlockSize/2, "attempts/s-limit")
}

// measureLimit is BenchmarkSHA256Limit's attempt limit, measured in place
// for about d.
func measureLimit(d time.Duration) float64 {
	buf := make([]byte, limitBuf)
	start := time.Now()
	n := 0
	for time.Since(start) < d {
		sha256.Sum256(buf)
		n++
	}
	return float64(n) * limitBuf / sha256x.BlockSize / 2 / time.Since(start).Seconds()
}

// BenchmarkHashRate runs the miner's search (the real workers, on a
// template at a difficulty no run reaches) for b.N attempts. It reports
// the total and per-thread rate, and the per-thread rate as a fraction of
// the attempt limit measured just before (target: >= 0.8; and threads=2
// total >= 1.8 x threads=1).
func BenchmarkHashRate(b *testing.B) {
	keys := newKeys()
	bc := newChain(b, testGenesis(keys, hardBits))
	m, err := New(Config{Chain: bc, Coinbase: minerA})
	if err != nil {
		b.Fatal(err)
	}
	tmpl, err := m.newTemplate(minerA, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			limit := measureLimit(200 * time.Millisecond)
			m.meter.reset(time.Now())
			b.ResetTimer()
			s, err := m.startSearch(tmpl, threads)
			if err != nil {
				b.Fatal(err)
			}
			for m.meter.total.Load() < uint64(b.N) {
				time.Sleep(200 * time.Microsecond)
			}
			s.stop()
			b.StopTimer()
			rate := float64(m.meter.total.Load()) / b.Elapsed().Seconds()
			b.ReportMetric(rate, "hashes/s")
			b.ReportMetric(rate/float64(threads), "hashes/s/thread")
			b.ReportMetric(rate/float64(threads)/limit, "of-limit/thread")
		})
	}
}

// BenchmarkAbortLatency measures, per op, the time from a NewHead (a block
// of the other miner arriving) until the workers run on a template built
// on it. Two dev-genesis miners with one thread each, forwarding blocks.
func BenchmarkAbortLatency(b *testing.B) {
	g := params.DevGenesis(uint64(time.Now().UnixMilli()) - 1000)
	tm := newTwoMiners(b, g, 1)
	probe := newLatencyProbe(tm.chains[0], tm.miners[0], minerB)
	for _, m := range tm.miners {
		if err := m.Start(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	// Drop restarts measured before the timer: warm-up.
	for len(probe.samples) > 0 {
		<-probe.samples
	}
	b.ResetTimer()
	samples := probe.collect(b, b.N, 5*time.Minute)
	b.StopTimer()
	for _, m := range tm.miners {
		mustStop(b, m)
	}
	probe.close()
	tm.check(b)
	slices.Sort(samples)
	var sum time.Duration
	for _, d := range samples {
		sum += d
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(sum)/float64(len(samples)), "ms-mean")
	b.ReportMetric(ms(samples[len(samples)/2]), "ms-p50")
	b.ReportMetric(ms(samples[len(samples)-1]), "ms-max")
	b.ReportMetric(0, "ns/op")
}
