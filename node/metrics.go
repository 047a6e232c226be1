package node

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/quarry-chain/quarry/chain/state"
	"github.com/quarry-chain/quarry/chain/types"
)

// metrics are the node's Prometheus metrics, on a registry of its own (no
// global state: several nodes in one process each have theirs).
type metrics struct {
	reg          *prometheus.Registry
	blocks       prometheus.Counter
	txs          prometheus.Counter
	reorgs       prometheus.Counter
	reorgDepth   prometheus.Histogram
	connectTime  prometheus.Histogram
	server       *http.Server
	serverClosed chan struct{}
	addr         net.Addr // where /metrics is served, once started
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		blocks: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "quarry_chain_blocks_connected_total", Help: "Blocks connected to the active chain (import rate).",
		}),
		txs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "quarry_chain_transactions_connected_total", Help: "Transactions in connected blocks.",
		}),
		reorgs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "quarry_chain_reorgs_total", Help: "Reorganisations of the active chain.",
		}),
		reorgDepth: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "quarry_chain_reorg_depth_blocks", Help: "Blocks disconnected per reorganisation.",
			Buckets: []float64{1, 2, 3, 5, 10, 20, 50, 100, 200, 500},
		}),
		connectTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "quarry_chain_block_connect_seconds", Help: "Time to connect a block to the active chain: senders, execution, roots, commit.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
	}
	m.reg.MustRegister(m.blocks, m.txs, m.reorgs, m.reorgDepth, m.connectTime,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// start registers the gauges that read the node live and serves /metrics.
func (m *metrics) start(addr string, n *Node) error {
	gauge := func(name, help string, f func() float64) prometheus.GaugeFunc {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f)
	}
	// The state caches' figures, read live: an operator sizes --cache by
	// the trie store reads per block and the account cache misses.
	cacheCounter := func(name, help string, f func(st *state.CacheStats) uint64) prometheus.CounterFunc {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 {
			st := n.chain.CacheStats()
			return float64(f(&st))
		})
	}
	cacheGauge := func(name, help string, f func(st *state.CacheStats) int64) prometheus.GaugeFunc {
		return gauge(name, help, func() float64 {
			st := n.chain.CacheStats()
			return float64(f(&st))
		})
	}
	m.reg.MustRegister(
		cacheCounter("quarry_state_trie_cache_hits_total", "State trie nodes block commits found in the node cache.",
			func(st *state.CacheStats) uint64 { return st.TrieCacheHits }),
		cacheCounter("quarry_state_trie_store_reads_total", "State trie nodes block commits read from the database (cache misses).",
			func(st *state.CacheStats) uint64 { return st.TrieStoreReads }),
		cacheCounter("quarry_state_trie_nodes_written_total", "State trie nodes written by block commits.",
			func(st *state.CacheStats) uint64 { return st.TrieNodesWritten }),
		cacheGauge("quarry_state_trie_cache_bytes", "Memory of the state trie's node cache.",
			func(st *state.CacheStats) int64 { return st.TrieCacheBytes }),
		cacheGauge("quarry_state_trie_cache_budget_bytes", "Bound of the state trie's node cache (--cache).",
			func(st *state.CacheStats) int64 { return st.TrieCacheBudget }),
		cacheCounter("quarry_state_account_cache_hits_total", "Account reads of block execution answered by the account cache.",
			func(st *state.CacheStats) uint64 { return st.AccountCacheHits }),
		cacheCounter("quarry_state_account_cache_misses_total", "Account reads of block execution that went to the database.",
			func(st *state.CacheStats) uint64 { return st.AccountCacheMisses }),
		cacheGauge("quarry_state_account_cache_bytes", "Memory of the account cache.",
			func(st *state.CacheStats) int64 { return st.AccountCacheBytes }),
		cacheGauge("quarry_state_account_cache_budget_bytes", "Bound of the account cache (--cache).",
			func(st *state.CacheStats) int64 { return st.AccountCacheBudget }),
	)
	m.reg.MustRegister(
		gauge("quarry_chain_head_height", "Height of the active tip.", func() float64 { return float64(n.chain.Best().Height) }),
		// Read live, like the height: fed by new-head events it read 0
		// after a start until the next block.
		gauge("quarry_chain_head_timestamp_seconds", "Header time of the active tip.", func() float64 {
			return float64(n.chain.Best().Header.Time) / 1000
		}),
		gauge("quarry_mempool_pending", "Executable transactions in the pool.", func() float64 { p, _ := n.pool.Status(); return float64(p) }),
		gauge("quarry_mempool_queued", "Transactions waiting for a nonce gap.", func() float64 { _, q := n.pool.Status(); return float64(q) }),
		gauge("quarry_mempool_bytes", "Encoded size of the pool.", func() float64 { return float64(n.pool.Bytes()) }),
		gauge("quarry_miner_hashrate", "Hashes per second (moving average).", func() float64 { return n.miner.HashRate() }),
		gauge("quarry_rpc_response_bytes_in_flight", "Encoded JSON-RPC answers held until written, against the server's 64 MiB budget.", func() float64 {
			if n.rpc == nil {
				return 0
			}
			return float64(n.rpc.ResponseBytesInFlight())
		}),
		gauge("quarry_p2p_peers", "Connected peers.", func() float64 {
			if n.p2p == nil {
				return 0
			}
			return float64(len(n.p2p.Peers()))
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "quarry_p2p_dht_peers_found_total", Help: "Unconnected peers found (and dialled) through DHT lookups (--dht).",
		}, func() float64 {
			if n.p2p == nil {
				return 0
			}
			return float64(n.p2p.DHTPeersFound())
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "quarry_p2p_gossip_dropped_total", Help: "Gossip messages dropped because a peer's outbound queue was full.",
		}, func() float64 {
			if n.p2p == nil {
				return 0
			}
			return float64(n.p2p.GossipDropped())
		}),
	)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("node: metrics listener: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	if n.cfg.Pprof {
		// Registered on our own mux: importing net/http/pprof also puts the
		// handlers on http.DefaultServeMux, which nothing here serves.
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	m.server = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	m.addr = ln.Addr()
	m.serverClosed = make(chan struct{})
	go func() {
		defer close(m.serverClosed)
		if err := m.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			n.log.Error("metrics server", "err", err)
		}
	}()
	n.log.Info("metrics listening", "addr", ln.Addr().String())
	return nil
}

func (m *metrics) stop() error {
	if m.server == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := m.server.Shutdown(ctx)
	<-m.serverClosed
	return err
}

func (m *metrics) blockConnected(b *types.Block, elapsed time.Duration) {
	m.blocks.Inc()
	m.txs.Add(float64(len(b.Txs)))
	m.connectTime.Observe(elapsed.Seconds())
}

func (m *metrics) reorg(depth int) {
	m.reorgs.Inc()
	m.reorgDepth.Observe(float64(depth))
}
