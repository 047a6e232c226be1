package p2p

import (
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/types"
)

// topology connects nodes; it returns the edges it made.
type topology func(n int) [][2]int

func line(n int) [][2]int {
	var e [][2]int
	for i := 0; i+1 < n; i++ {
		e = append(e, [2]int{i, i + 1})
	}
	return e
}

func mesh(n int) [][2]int {
	var e [][2]int
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			e = append(e, [2]int{i, j})
		}
	}
	return e
}

// startNetwork starts n nodes on one genesis and connects them.
func startNetwork(t *testing.T, n int, topo topology) []*testNode {
	t.Helper()
	nodes := make([]*testNode, n)
	for i := range nodes {
		nodes[i] = startNode(t, newFakeChain(0), nil)
	}
	for _, e := range topo(n) {
		connect(t, nodes[e[0]], nodes[e[1]])
	}
	// Give GossipSub a heartbeat (1 s) to build its meshes.
	waitMeshes(t, nodes)
	return nodes
}

// waitMeshes waits until every node knows its neighbours on both topics.
func waitMeshes(t *testing.T, nodes []*testNode) {
	t.Helper()
	waitFor(t, 5*time.Second, "topic subscriptions", func() bool {
		for _, n := range nodes {
			want := len(n.svc.host.Network().Peers())
			if len(n.svc.blockTopic.ListPeers()) < want || len(n.svc.txTopic.ListPeers()) < want {
				return false
			}
		}
		return true
	})
	time.Sleep(1200 * time.Millisecond)
}

func TestGossipPropagation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		topo topology
	}{{"line", line}, {"mesh", mesh}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			nodes := startNetwork(t, 5, tc.topo)
			// Node 0 "mines" a block and receives a transaction.
			b := makeChain(nodes[0].chain.genesis, 1, 99)[0]
			nodes[0].chain.add(t, []*types.Block{b})
			if err := nodes[0].svc.AnnounceBlock(b); err != nil {
				t.Fatal(err)
			}
			tx := signedTx(t, 0)
			nodes[0].pool.SubmitTx(tx)
			if err := nodes[0].svc.AnnounceTx(tx); err != nil {
				t.Fatal(err)
			}
			waitFor(t, 10*time.Second, "block and tx on every node", func() bool {
				for _, n := range nodes {
					if !n.chain.HaveBlock(b.Hash()) || !n.pool.Has(tx.Hash()) {
						return false
					}
				}
				return true
			})
		})
	}
}

// TestGossipRejectNotForwarded: in a line 0-1-2-3-4 node 2 finds a
// transaction invalid. Nodes 0 and 1 get it; 3 and 4 never do, and node 2
// penalises node 1, which relayed it, in its own score and GossipSub's.
func TestGossipRejectNotForwarded(t *testing.T) {
	t.Parallel()
	nodes := startNetwork(t, 5, line)
	tx := signedTx(t, 7)
	nodes[2].pool.reject[tx.Hash()] = true
	nodes[0].pool.SubmitTx(tx)
	if err := nodes[0].svc.AnnounceTx(tx); err != nil {
		t.Fatal(err)
	}
	relay := nodes[1].svc.Self().ID
	waitFor(t, 10*time.Second, "node 2 to penalise node 1", func() bool {
		return nodes[1].pool.Has(tx.Hash()) && nodes[2].svc.Score(relay) > 0
	})
	waitFor(t, 5*time.Second, "GossipSub to score node 1 down", func() bool {
		for _, p := range nodes[2].svc.Peers() {
			if p.ID == relay {
				return p.GossipScore < 0
			}
		}
		return false
	})
	// Several heartbeats: gossip (IHAVE) would have carried it by now.
	time.Sleep(2 * time.Second)
	for i := 2; i < 5; i++ {
		if nodes[i].pool.Has(tx.Hash()) {
			t.Fatalf("node %d has the rejected transaction", i)
		}
	}
	// One offense, decayed for a few seconds of a ten-minute half-life.
	if got, want := nodes[2].svc.Score(relay), OffenseInvalidTx.Points(); got > want || got < 0.95*want {
		t.Fatalf("node 1's score at node 2 = %v, want just under %v", got, want)
	}
}

// TestGossipInvalidBlockBans: a relayed block that validation rejects
// costs the relay a ban at once; the rest of the network never sees it.
func TestGossipInvalidBlockBans(t *testing.T) {
	t.Parallel()
	nodes := startNetwork(t, 3, line)
	b := makeChain(nodes[0].chain.genesis, 1, 5)[0]
	nodes[1].chain.reject[b.Hash()] = true
	nodes[0].chain.add(t, []*types.Block{b})
	if err := nodes[0].svc.AnnounceBlock(b); err != nil {
		t.Fatal(err)
	}
	bad := nodes[0].svc.Self().ID
	waitFor(t, 10*time.Second, "node 1 to ban node 0", func() bool {
		_, banned := nodes[1].svc.BannedUntil(bad)
		return banned && !handshaken(nodes[1], nodes[0])
	})
	time.Sleep(time.Second)
	if nodes[2].chain.HaveBlock(b.Hash()) {
		t.Fatal("node 2 received the invalid block")
	}
	// Honest nodes keep working: node 1's own blocks still reach node 2.
	good := makeChain(nodes[1].chain.genesis, 1, 6)[0]
	nodes[1].chain.add(t, []*types.Block{good})
	if err := nodes[1].svc.AnnounceBlock(good); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "node 2 to get node 1's block", func() bool { return nodes[2].chain.HaveBlock(good.Hash()) })
}

// TestGossipOrphanFetchesAncestors: a gossiped block whose parent is
// unknown makes the receiver fetch the missing blocks from the sender.
func TestGossipOrphanFetchesAncestors(t *testing.T) {
	t.Parallel()
	slow := func(c *Config) { c.StatusInterval = time.Minute } // no status refresh: only the orphan can trigger sync
	a := startNode(t, newFakeChain(0), slow)
	b := startNode(t, newFakeChain(0), slow)
	connect(t, a, b)
	waitMeshes(t, []*testNode{a, b})
	blocks := makeChain(a.chain.genesis, 10, 3)
	a.chain.add(t, blocks)
	if err := a.svc.AnnounceBlock(blocks[9]); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "b to fetch the orphan's ancestors", func() bool { return b.chain.Head().Hash == blocks[9].Hash() })
}
