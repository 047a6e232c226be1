package node

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/params"
)

func TestMetricsEndpoint(t *testing.T) {
	g := params.DevGenesis(uint64(time.Now().UnixMilli()))
	cfg := Config{DataDir: t.TempDir(), Genesis: g, NoSync: true, NoP2P: true, NoRPC: true, Mine: true,
		MetricsAddr: "127.0.0.1:0"}
	cfg.Miner.Threads = 1
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer n.Stop()
	waitFor(t, "three blocks", 30*time.Second, func() bool { return n.Chain().Best().Height >= 3 })
	resp, err := http.Get("http://" + n.MetricsAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	value := func(name string) float64 {
		t.Helper()
		m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindSubmatch(body)
		if m == nil {
			t.Fatalf("metric %s missing from:\n%s", name, body)
		}
		v, err := strconv.ParseFloat(string(m[1]), 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if h := value("quarry_chain_head_height"); h < 3 {
		t.Fatalf("head height metric %v, want >= 3", h)
	}
	if c := value("quarry_chain_blocks_connected_total"); c < 3 {
		t.Fatalf("blocks connected %v, want >= 3", c)
	}
	value("quarry_miner_hashrate")
	value("quarry_mempool_pending")
	value("quarry_p2p_gossip_dropped_total")
	value("quarry_chain_reorgs_total")
	value("quarry_p2p_peers")
	value("quarry_p2p_dht_peers_found_total")
	if c := value("quarry_chain_block_connect_seconds_count"); c < 3 {
		t.Errorf("connect time observations %v, want one per block (>= 3)", c)
	}
	if w := value("quarry_state_trie_nodes_written_total"); w < 3 {
		t.Errorf("trie nodes written %v, want some per block", w)
	}
	if b := value("quarry_state_trie_cache_budget_bytes"); b <= 0 {
		t.Errorf("trie cache budget %v, want > 0", b)
	}
	for _, name := range []string{"quarry_state_trie_cache_hits_total", "quarry_state_trie_store_reads_total",
		"quarry_state_trie_cache_bytes", "quarry_state_account_cache_hits_total", "quarry_state_account_cache_misses_total",
		"quarry_state_account_cache_bytes", "quarry_state_account_cache_budget_bytes", "quarry_rpc_response_bytes_in_flight"} {
		value(name)
	}
}

// The profiler is served only when asked for, and only on the metrics
// address.
func TestPprofEndpoint(t *testing.T) {
	for _, enabled := range []bool{false, true} {
		t.Run(strconv.FormatBool(enabled), func(t *testing.T) {
			g := params.DevGenesis(uint64(time.Now().UnixMilli()))
			cfg := Config{DataDir: t.TempDir(), Genesis: g, NoSync: true, NoP2P: true, NoRPC: true,
				MetricsAddr: "127.0.0.1:0", Pprof: enabled}
			n, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := n.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			defer n.Stop()
			resp, err := http.Get("http://" + n.MetricsAddr() + "/debug/pprof/goroutine?debug=1")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			served := resp.StatusCode == http.StatusOK && strings.Contains(string(body), "goroutine profile")
			if served != enabled {
				t.Fatalf("pprof enabled %v: status %d, served %v", enabled, resp.StatusCode, served)
			}
		})
	}
}

// The head's timestamp is served from the start, before any new block.
func TestHeadTimestampAtStart(t *testing.T) {
	g := params.DevGenesis(uint64(time.Now().UnixMilli()))
	n, err := New(Config{DataDir: t.TempDir(), Genesis: g, NoSync: true, NoP2P: true, NoRPC: true, MetricsAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer n.Stop()
	resp, err := http.Get("http://" + n.MetricsAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`(?m)^quarry_chain_head_timestamp_seconds (\S+)$`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("no head timestamp in:\n%s", body)
	}
	got, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	if want := float64(n.Chain().Best().Header.Time) / 1000; got != want || got == 0 {
		t.Fatalf("head timestamp %v, want %v", got, want)
	}
}
