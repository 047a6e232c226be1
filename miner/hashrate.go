package miner

import (
	"sync"
	"sync/atomic"
	"time"
)

// meterWindow is how many one-second samples the hash-rate average spans.
const meterWindow = 10

// meter counts attempts and reports their rate over the last meterWindow
// samples: a moving average that follows a change of threads or load within
// seconds without jumping on every batch.
type meter struct {
	total atomic.Uint64 // attempts since the last reset

	mu      sync.Mutex
	samples [meterWindow]sample // ring, oldest at head when full
	n, head int
}

type sample struct {
	at    time.Time
	total uint64
}

// add counts n attempts; workers call it once per batch.
func (m *meter) add(n uint64) { m.total.Add(n) }

// tick records a sample; the miner calls it about once a second.
func (m *meter) tick(now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := sample{at: now, total: m.total.Load()}
	if m.n < meterWindow {
		m.samples[(m.head+m.n)%meterWindow] = s
		m.n++
		return
	}
	m.samples[m.head] = s
	m.head = (m.head + 1) % meterWindow
}

// rate returns attempts per second from the oldest sample to now, 0
// without a sample.
func (m *meter) rate(now time.Time) float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.n == 0 {
		return 0
	}
	oldest := m.samples[m.head]
	dt := now.Sub(oldest.at).Seconds()
	if dt <= 0 {
		return 0
	}
	return float64(m.total.Load()-oldest.total) / dt
}

// reset forgets everything and starts a new window at now.
func (m *meter) reset(now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.total.Store(0)
	m.n, m.head = 0, 0
	m.samples[0] = sample{at: now}
	m.n = 1
}
