package p2p

import (
	"context"
	"testing"
	"time"
)

// TestSyncFromScratch: a new node catches up with 2,000 blocks, from one
// peer and from several (which then all serve bodies).
func TestSyncFromScratch(t *testing.T) {
	t.Parallel()
	const n = 2000
	blocks := makeChain(genesisHeader(0), n, 1)
	for _, tc := range []struct {
		name    string
		sources int
	}{{"one peer", 1}, {"three peers", 3}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var sources []*testNode
			for i := 0; i < tc.sources; i++ {
				c := newFakeChain(0)
				c.add(t, blocks)
				sources = append(sources, startNode(t, c, nil))
			}
			fresh := startNode(t, newFakeChain(0), func(c *Config) { c.BlocksPerRequest = 16 })
			start := time.Now()
			for _, s := range sources {
				connect(t, fresh, s)
			}
			waitFor(t, 30*time.Second, "sync to height 2000", func() bool {
				return fresh.chain.Head().Hash == blocks[n-1].Hash()
			})
			t.Logf("synced %d blocks from %d peers in %v", n, tc.sources, time.Since(start))
			if h := fresh.chain.Head(); h.Height != n || h.TotalWork.Int64() != n+1 {
				t.Fatalf("head %+v, want height %d", h, n)
			}
			// Honest sync stays within the servers' rate limits.
			for i, s := range sources {
				if score := s.svc.Score(fresh.svc.Self().ID); score != 0 {
					t.Fatalf("source %d scored the syncing node %v", i, score)
				}
			}
			if tc.sources > 1 {
				serving := 0
				for _, s := range sources {
					if s.chain.served.Load() > 0 {
						serving++
					}
				}
				if serving < 2 {
					t.Fatalf("bodies came from %d peer(s), want several", serving)
				}
			}
		})
	}
}

// TestSyncStalledPeerWorkMoves: of two peers with the chain, one never
// answers block requests; its requests time out, it is penalised and
// dropped, and the other peer serves everything.
func TestSyncStalledPeerWorkMoves(t *testing.T) {
	t.Parallel()
	const n = 600
	blocks := makeChain(genesisHeader(0), n, 2)
	honestChain, stallChain := newFakeChain(0), newFakeChain(0)
	honestChain.add(t, blocks)
	stallChain.add(t, blocks)
	stallChain.stall = make(chan struct{})
	t.Cleanup(func() { close(stallChain.stall) })
	honest := startNode(t, honestChain, nil)
	staller := startNode(t, stallChain, nil)
	fresh := startNode(t, newFakeChain(0), func(c *Config) {
		c.RequestTimeout = 700 * time.Millisecond
		c.BlocksPerRequest = 20
	})
	// Connect the staller first so that it has a head start on requests.
	connect(t, fresh, staller)
	connect(t, fresh, honest)
	waitFor(t, 30*time.Second, "sync despite the stalled peer", func() bool {
		return fresh.chain.Head().Hash == blocks[n-1].Hash()
	})
	sid := staller.svc.Self().ID
	if score := fresh.svc.Score(sid); score < OffenseStall.Points()*0.9 {
		t.Fatalf("stalled peer's score %v, want a stall penalty", score)
	}
	if stallChain.served.Load() != 0 {
		t.Fatalf("the stalled peer served %d blocks", stallChain.served.Load())
	}
}

// TestSyncReorg: a node that was offline while the network moved to a
// heavier branch catches up onto that branch.
func TestSyncReorg(t *testing.T) {
	t.Parallel()
	g := genesisHeader(0)
	common := makeChain(g, 50, 3)
	ours := makeChain(common[49].Header, 20, 4)
	theirs := makeChain(common[49].Header, 40, 5)
	ca, cb := newFakeChain(0), newFakeChain(0)
	ca.add(t, common)
	ca.add(t, ours)
	cb.add(t, common)
	cb.add(t, theirs)
	a := startNode(t, ca, nil)
	b := startNode(t, cb, nil)
	connect(t, a, b)
	waitFor(t, 15*time.Second, "a to reorg onto b's branch", func() bool { return ca.Head().Hash == theirs[39].Hash() })
	if cb.Head().Hash != theirs[39].Hash() {
		t.Fatal("b left its heavier branch")
	}
}

// TestPartitionHeal: BlockPeer cuts two nodes apart (no re-dial); after
// UnblockPeer they reconnect by themselves and converge.
func TestPartitionHeal(t *testing.T) {
	t.Parallel()
	a := startNode(t, newFakeChain(0), nil)
	b := startNode(t, newFakeChain(0), nil)
	connect(t, a, b)
	bid, aid := b.svc.Self().ID, a.svc.Self().ID
	if err := a.svc.BlockPeer(bid); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.BlockPeer(aid); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "the cut", func() bool { return len(a.svc.Peers()) == 0 && len(b.svc.Peers()) == 0 })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := a.svc.ConnectPeer(ctx, b.addr()); err == nil {
		t.Fatal("ConnectPeer to a blocked peer succeeded")
	}
	// Both sides extend their chains; b's is heavier.
	a.chain.add(t, makeChain(a.chain.genesis, 5, 10))
	heavier := makeChain(b.chain.genesis, 8, 11)
	b.chain.add(t, heavier)
	time.Sleep(500 * time.Millisecond)
	if len(a.svc.Peers()) != 0 {
		t.Fatal("blocked peers reconnected")
	}
	a.svc.UnblockPeer(bid)
	b.svc.UnblockPeer(aid)
	waitFor(t, 15*time.Second, "heal and converge", func() bool {
		return a.chain.Head().Hash == heavier[7].Hash() && handshaken(a, b)
	})
}
