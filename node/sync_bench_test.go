package node

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
)

// Network benchmarks of issue 7 (figures in docs/benchmarks.md):
//
//	go test ./node/ -run '^$' -bench 'BenchmarkSync5000' -benchtime 1x -count 3 -timeout 30m
//	go test ./node/ -run '^$' -bench 'BenchmarkPropagation5' -benchtime 20x -count 1

// Shape of the sync fixture: 5,000 blocks of 20 transfers (100,000 in
// all) from syncSenders accounts.
const (
	syncFixtureBlocks = 5000
	syncPerBlock      = 20
	syncSenders       = 250
)

// syncFixture is a chain of blocks built once per test process (it takes
// a while) and shared by every round of BenchmarkSync5000.
type syncFixture struct {
	genesis *params.Genesis
	blocks  []*types.Block
}

var syncFixtures struct {
	mu sync.Mutex
	f  *syncFixture
}

// syncFixtureFor builds the fixture on first use: transfers signed on all
// cores, blocks assembled by the chain's Builder on a scratch chain at the
// PoW limit, so the nonce search is a couple of hashes.
func syncFixtureFor(b *testing.B) *syncFixture {
	b.Helper()
	syncFixtures.mu.Lock()
	defer syncFixtures.mu.Unlock()
	if syncFixtures.f != nil {
		return syncFixtures.f
	}
	start := time.Now()
	accts := testAccounts(syncSenders)
	g := easyGenesis(syncFixtureBlocks, accts)
	plan := transferPlan(b, g, accts, syncFixtureBlocks, syncPerBlock)
	signed := time.Since(start)
	sc := newScratchChain(b, g)
	defer sc.close()
	blocks := extend(b, sc.bc, syncFixtureBlocks, "bench", func(i int) []senderTx { return plan[i] })
	syncFixtures.f = &syncFixture{genesis: g, blocks: blocks}
	b.Logf("sync fixture: %d blocks, %d transfers; signed in %v, built in %v",
		len(blocks), txCount(blocks), signed.Round(time.Millisecond), (time.Since(start) - signed).Round(time.Millisecond))
	return syncFixtures.f
}

// BenchmarkSync5000: a new node syncs 5,000 blocks carrying 100,000
// transfers from one peer. Each round first imports the same blocks into
// the serving node with ProcessBlock, signatures cold (the direct-connect
// baseline of the same run, on the same machine), then times a fresh node
// syncing them from it. The direct import runs through a node's chain, so
// its pool follows the blocks as the syncing node's does. ns/op times the
// sync alone. Reported: both rates and their ratio (target sync/direct
// >= 0.5).
func BenchmarkSync5000(b *testing.B) {
	f := syncFixtureFor(b)
	n := len(f.blocks)
	txs := txCount(f.blocks)
	var direct, synced time.Duration
	rounds := 0
	for b.Loop() {
		b.StopTimer()
		server := startNetNode(b, f.genesis, netNodeOpts{name: fmt.Sprintf("server%d", rounds)})
		t0 := time.Now()
		importBlocks(b, server.Chain(), f.blocks)
		direct += time.Since(t0)
		want := server.Chain().Best().Hash

		b.StartTimer()
		t0 = time.Now()
		joiner := startNetNode(b, f.genesis, netNodeOpts{
			name:      fmt.Sprintf("joiner%d", rounds),
			bootnodes: []string{p2pAddr(server)},
		})
		waitHead(b, 10*time.Minute, want, joiner)
		synced += time.Since(t0)
		b.StopTimer()
		if stateRoot(joiner) != stateRoot(server) {
			b.Fatalf("synced state root %s, server's %s", stateRoot(joiner), stateRoot(server))
		}
		// Stop both now rather than at the end: the next round needs the CPU.
		server.Stop()
		joiner.Stop()
		rounds++
		b.StartTimer()
	}
	ds, ss := direct.Seconds()/float64(rounds), synced.Seconds()/float64(rounds)
	b.ReportMetric(float64(n)/ss, "sync-blocks/s")
	b.ReportMetric(float64(txs)/ss, "sync-transfers/s")
	b.ReportMetric(float64(n)/ds, "direct-blocks/s")
	b.ReportMetric(float64(txs)/ds, "direct-transfers/s")
	b.ReportMetric(ds/ss, "sync/direct")
}

// BenchmarkPropagation5: the time from a block being connected by the node
// that mined it until all five nodes have connected it, over a line (four
// hops end to end) and a full mesh, after the gossip meshes formed. Each
// op mines one block on node 0 with the real miner; reported are the median
// and the 90th percentile over the ops.
func BenchmarkPropagation5(b *testing.B) {
	for _, topo := range []struct {
		name  string
		links [][2]int
	}{
		{"line", [][2]int{{0, 1}, {1, 2}, {2, 3}, {3, 4}}},
		{"mesh", [][2]int{{0, 1}, {0, 2}, {0, 3}, {0, 4}, {1, 2}, {1, 3}, {1, 4}, {2, 3}, {2, 4}, {3, 4}}},
	} {
		b.Run("topology="+topo.name, func(b *testing.B) {
			g := minerGenesis()
			nodes := startNetNodes(b, g, 5, "prop"+topo.name, false)
			for _, l := range topo.links {
				connectNodes(b, nodes[l[0]], nodes[l[1]])
			}
			waitGossipMesh(b, 20*time.Second, nodes...)

			// When each node connected each block.
			var mu sync.Mutex
			seen := make([]map[types.Hash]time.Time, len(nodes))
			for i, n := range nodes {
				seen[i] = make(map[types.Hash]time.Time)
				unsub := n.Chain().Subscribe(func(ev chain.Event) {
					if e, ok := ev.(chain.BlockConnected); ok {
						now := time.Now()
						mu.Lock()
						seen[i][e.Block.Hash()] = now
						mu.Unlock()
					}
				})
				b.Cleanup(unsub)
			}
			var lat []time.Duration
			for b.Loop() {
				prev := nodes[0].Chain().Best().Height
				// The miner may find more than one block before it stops:
				// time the first.
				h := mineBlocks(b, nodes[0], 1, time.Minute)
				first, ok := nodes[0].Chain().HashByHeight(prev + 1)
				if !ok {
					b.Fatalf("no block at height %d", prev+1)
				}
				waitHead(b, time.Minute, h.Hash, nodes...)
				mu.Lock()
				t0, last := seen[0][first], seen[0][first]
				for i := range nodes {
					if ti := seen[i][first]; ti.After(last) {
						last = ti
					}
				}
				mu.Unlock()
				lat = append(lat, last.Sub(t0))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "median-ms")
			b.ReportMetric(float64(lat[len(lat)*9/10].Microseconds())/1000, "p90-ms")
		})
	}
}
