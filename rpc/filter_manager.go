package rpc

import (
	"context"
	"sync"
	"time"

	"github.com/quarry-chain/quarry/chain/types"
)

// filterKind is what an installed filter collects.
type filterKind int

const (
	blockFilter filterKind = iota
	pendingTxFilter
	logFilter
)

// installedFilter is a polling filter (eth_newFilter and friends). It
// collects what happened since the last eth_getFilterChanges.
type installedFilter struct {
	kind     filterKind
	crit     *filterCriteria
	lastPoll time.Time
	hashes   []types.Hash
	logs     []*rpcLog
}

// filterManager holds the installed filters. Filters not polled for
// Config.FilterTimeout are removed, as geth does, so that clients that
// forget to uninstall do not leak memory; each filter keeps at most
// MaxFilterQueue undelivered items, dropping the oldest.
type filterManager struct {
	s       *Server
	mu      sync.Mutex
	filters map[string]*installedFilter
	now     func() time.Time
}

func newFilterManager(s *Server) *filterManager {
	return &filterManager{s: s, filters: make(map[string]*installedFilter), now: time.Now}
}

// install adds f and returns its id.
func (m *filterManager) install(f *installedFilter) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.filters) >= m.s.cfg.MaxFilters {
		return "", Errorf(&Kind{CodeServer, "too many filters"}, "limit %d", m.s.cfg.MaxFilters)
	}
	f.lastPoll = m.now()
	id := newID()
	m.filters[id] = f
	return id, nil
}

// uninstall removes a filter and reports whether it existed.
func (m *filterManager) uninstall(id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.filters[id]
	delete(m.filters, id)
	return ok
}

// get returns a filter's kind and criteria, refreshing its deadline.
func (m *filterManager) get(id string) (*installedFilter, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.filters[id]
	if ok {
		f.lastPoll = m.now()
	}
	return f, ok
}

// changes takes the filter's collected items.
func (m *filterManager) changes(id string) (any, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.filters[id]
	if !ok {
		return nil, false
	}
	f.lastPoll = m.now()
	if f.kind == logFilter {
		logs := f.logs
		f.logs = nil
		if logs == nil {
			logs = []*rpcLog{}
		}
		return logs, true
	}
	hashes := f.hashes
	f.hashes = nil
	if hashes == nil {
		hashes = []types.Hash{}
	}
	return hashes, true
}

// expire removes filters idle longer than the timeout.
func (m *filterManager) expire() {
	m.mu.Lock()
	defer m.mu.Unlock()
	deadline := m.now().Add(-m.s.cfg.FilterTimeout)
	for id, f := range m.filters {
		if f.lastPoll.Before(deadline) {
			delete(m.filters, id)
		}
	}
}

// expireLoop runs expire periodically until ctx ends.
func (m *filterManager) expireLoop(ctx context.Context) {
	t := time.NewTicker(max(m.s.cfg.FilterTimeout/4, time.Second))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			m.expire()
		}
	}
}

// onChain feeds a chain event to block and log filters.
func (m *filterManager) onChain(e ChainEvent) {
	m.mu.Lock()
	defer m.mu.Unlock()
	limit := m.s.cfg.MaxFilterQueue
	for _, f := range m.filters {
		switch f.kind {
		case blockFilter:
			for _, br := range e.Added {
				f.hashes = appendCapped(f.hashes, limit, br.Block.Hash())
			}
		case logFilter:
			f.logs = appendCapped(f.logs, limit, eventLogs(e, f.crit)...)
		}
	}
}

// onPending feeds new pool transactions to pending filters.
func (m *filterManager) onPending(txs []*types.Transaction) {
	m.mu.Lock()
	defer m.mu.Unlock()
	limit := m.s.cfg.MaxFilterQueue
	for _, f := range m.filters {
		if f.kind == pendingTxFilter {
			for _, tx := range txs {
				f.hashes = appendCapped(f.hashes, limit, tx.Hash())
			}
		}
	}
}

// appendCapped appends items and drops the oldest beyond limit.
func appendCapped[T any](q []T, limit int, items ...T) []T {
	q = append(q, items...)
	if over := len(q) - limit; over > 0 {
		q = append(q[:0:0], q[over:]...)
	}
	return q
}
