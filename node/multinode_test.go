package node

import (
	"errors"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
)

// Multi-node tests: real nodes (chain, pool, miner, p2p, RPC) in one
// process, talking libp2p over loopback TCP. Every wait polls a condition
// under a deadline; every node stops when its test ends.

// TestPropagation: in a line of five nodes and in a full mesh of five, a
// block mined on one end reaches every node, and a transaction sent to the
// other end's RPC reaches every mempool.
//
//	line:  n0 ── n1 ── n2 ── n3 ── n4
//	mesh:  every pair connected
func TestPropagation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		links func(nodes []*Node) [][2]int
	}{
		{"line", func(nodes []*Node) (l [][2]int) {
			for i := 1; i < len(nodes); i++ {
				l = append(l, [2]int{i - 1, i})
			}
			return l
		}},
		{"mesh", func(nodes []*Node) (l [][2]int) {
			for i := range nodes {
				for j := i + 1; j < len(nodes); j++ {
					l = append(l, [2]int{i, j})
				}
			}
			return l
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := minerGenesis()
			nodes := startNetNodes(t, g, 4, tc.name, false)
			// The far end serves RPC, as a wallet's node would.
			nodes = append(nodes, startNetNode(t, g, netNodeOpts{name: tc.name + "4", rpc: true}))
			for _, l := range tc.links(nodes) {
				connectNodes(t, nodes[l[0]], nodes[l[1]])
			}
			waitGossipMesh(t, 10*time.Second, nodes...)

			head := mineBlocks(t, nodes[0], 1, 30*time.Second)
			waitHead(t, 20*time.Second, head.Hash, nodes...)

			to := types.Address{0x70, 0x0}
			tx := transfer(t, g, devKey(), 0, to, 1e15)
			sendRawTx(t, nodes[4], tx)
			// Only gossip moves transactions: in the line it must cross
			// four hops to node 0.
			deadline := time.Now().Add(20 * time.Second)
			for i := 0; i < len(nodes); {
				if nodes[i].Pool().Has(tx.Hash()) {
					i++
					continue
				}
				if time.Now().After(deadline) {
					// Say whether it never came or came and was refused.
					t.Fatalf("the transaction did not reach node %d; adding it there now says %v", i, nodes[i].Pool().Add(tx, false))
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}

// syncBlocks is the length of the chain a new node syncs from scratch.
func syncBlocks() int {
	if testing.Short() {
		return 300
	}
	return 2000
}

// TestSyncFromScratch: a node with a long chain of blocks carrying
// transfers serves a new node, which catches up to the same head, the same
// state root and the same balances, and indexes the transfers.
func TestSyncFromScratch(t *testing.T) {
	t.Parallel()
	const perBlock = 5
	n := syncBlocks()
	accts := testAccounts(8)
	g := easyGenesis(n, accts)
	plan := transferPlan(t, g, accts, n, perBlock)

	server := startNetNode(t, g, netNodeOpts{name: "server"})
	start := time.Now()
	blocks := extend(t, server.Chain(), n, "server", func(i int) []senderTx { return plan[i] })
	t.Logf("built %d blocks with %d transfers in %v", n, txCount(blocks), time.Since(start).Round(time.Millisecond))

	start = time.Now()
	joiner := startNetNode(t, g, netNodeOpts{name: "joiner", bootnodes: []string{p2pAddr(server)}})
	want := server.Chain().Best()
	waitHead(t, 90*time.Second, want.Hash, joiner)
	took := time.Since(start)
	t.Logf("synced %d blocks in %v (%.0f blocks/s, %.0f transfers/s)", n, took.Round(time.Millisecond),
		float64(n)/took.Seconds(), float64(n*perBlock)/took.Seconds())

	got := joiner.Chain().Best()
	if got.Height != uint64(n) || got.Header.StateRoot != want.Header.StateRoot || got.TotalWork.Cmp(want.TotalWork) != 0 {
		t.Fatalf("joiner at %d root %s work %v; server at %d root %s work %v",
			got.Height, got.Header.StateRoot, got.TotalWork, want.Height, want.Header.StateRoot, want.TotalWork)
	}
	// The state itself, not only the header's claim about it.
	r, err := joiner.Chain().StateReader()
	if err != nil {
		t.Fatal(err)
	}
	root := r.Root()
	r.Release()
	if root != want.Header.StateRoot {
		t.Fatalf("joiner's state root %s, header says %s", root, want.Header.StateRoot)
	}
	for _, a := range accts[:3] {
		if b1, b2 := balanceOf(t, joiner.Chain(), a.addr), balanceOf(t, server.Chain(), a.addr); !b1.Eq(b2) {
			t.Fatalf("balance of %s: joiner %v, server %v", a.addr, b1, b2)
		}
	}
	last := plan[n-1][perBlock-1].tx
	loc, err := joiner.Chain().TxLookup(last.Hash())
	if err != nil || loc.Height != uint64(n) || loc.Index != perBlock-1 {
		t.Fatalf("TxLookup(last transfer) = %+v, %v; want height %d index %d", loc, err, n, perBlock-1)
	}
}

// TestOfflineNodeFollowsReorg: a node that was offline while the network
// reorganised onto a heavier branch reorganises too when it comes back.
//
//	c1..c10 ── x1 ── x2 ── x3                 C saw this, then went offline
//	       └── y1 ── y2 ── y3 ── y4 ── y5     A and B moved here meanwhile
func TestOfflineNodeFollowsReorg(t *testing.T) {
	t.Parallel()
	accts := testAccounts(2)
	g := easyGenesis(100, accts)
	genX := newScratchChain(t, g)
	defer genX.close()
	common := extend(t, genX.bc, 10, "common", nil)
	// x1 carries a transfer that the y branch lacks: the reorg must hand
	// it back to the mempool.
	txX := senderTx{transfer(t, g, accts[0].key, 0, types.Address{0x0a}, 7), accts[0].addr}
	x := extend(t, genX.bc, 3, "x", func(i int) []senderTx {
		if i == 0 {
			return []senderTx{txX}
		}
		return nil
	})
	genY := newScratchChain(t, g)
	defer genY.close()
	importBlocks(t, genY.bc, common)
	y := extend(t, genY.bc, 5, "y", nil)

	a := startNetNode(t, g, netNodeOpts{name: "a"})
	b := startNetNode(t, g, netNodeOpts{name: "b"})
	cDir := t.TempDir()
	c := startNetNode(t, g, netNodeOpts{name: "c", dataDir: cDir})
	importBlocks(t, a.Chain(), append(common, x...))
	connectNodes(t, b, a)
	connectNodes(t, c, a)
	waitHead(t, 20*time.Second, x[2].Hash(), a, b, c)

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	importBlocks(t, a.Chain(), y)
	waitHead(t, 20*time.Second, y[4].Hash(), a, b)

	c = startNetNode(t, g, netNodeOpts{name: "c again", dataDir: cDir, bootnodes: []string{p2pAddr(a)}})
	if c.Chain().Best().Hash != x[2].Hash() {
		t.Fatalf("restarted node at %s, want its old head x3 %s", c.Chain().Best().Hash, x[2].Hash())
	}
	waitHead(t, 30*time.Second, y[4].Hash(), c)
	if c.Chain().InMainChain(x[0].Hash()) || !c.Chain().InMainChain(y[0].Hash()) {
		t.Fatal("the old branch is still active on the restarted node")
	}
	if sr, ar := stateRoot(c), stateRoot(a); sr != ar {
		t.Fatalf("state root %s, network's %s", sr, ar)
	}
	var fork *chain.ChainTip
	for _, tip := range c.Chain().ChainTips() {
		if tip.Hash == x[2].Hash() {
			fork = &tip
		}
	}
	if fork == nil || fork.Status != chain.TipValidFork || fork.BranchLen != 3 {
		t.Fatalf("x3 among the tips as %+v, want a valid fork of 3 blocks", fork)
	}
	if _, err := c.Chain().TxLookup(txX.tx.Hash()); !errors.Is(err, chain.ErrNotFound) {
		t.Fatalf("TxLookup of the disconnected transfer: %v, want ErrNotFound", err)
	}
	eventually(t, 10*time.Second, "the disconnected transfer back in the mempool", func() bool {
		return c.Pool().Has(txX.tx.Hash())
	})
}

// TestPartitionAndHeal: four nodes split 2|2; each side mines and includes
// its own spend of the same account nonce (to different recipients). When
// the partition heals, all four follow the branch with the most work,
// which holds exactly one of the spends; the other is in no chain and no
// mempool.
//
//	n0 ══ n1        n0, n1 mine and include spend A
//	 ╳  ╳           (cut: n0,n1 block n2,n3 and the reverse)
//	n2 ══ n3        n2, n3 mine and include spend B
func TestPartitionAndHeal(t *testing.T) {
	t.Parallel()
	g := minerGenesis()
	nodes := startNetNodes(t, g, 4, "part", true)
	for _, l := range [][2]int{{0, 1}, {2, 3}, {0, 2}, {0, 3}, {1, 2}, {1, 3}} {
		connectNodes(t, nodes[l[0]], nodes[l[1]])
	}
	waitGossipMesh(t, 10*time.Second, nodes...)
	base := mineBlocks(t, nodes[0], 2, 30*time.Second)
	waitHead(t, 20*time.Second, base.Hash, nodes...)

	sideA, sideB := nodes[:2], nodes[2:]
	cut := func(block bool) {
		for _, x := range sideA {
			for _, y := range sideB {
				for _, pair := range [][2]*Node{{x, y}, {y, x}} {
					id := pair[1].P2P().Self().ID
					if block {
						if err := pair[0].P2P().BlockPeer(id); err != nil {
							t.Fatal(err)
						}
					} else {
						pair[0].P2P().UnblockPeer(id)
					}
				}
			}
		}
	}
	connected := func(x, y *Node) bool {
		id := y.P2P().Self().ID
		for _, p := range x.P2P().Peers() {
			if p.ID == id {
				return true
			}
		}
		return false
	}
	cut(true)
	eventually(t, 10*time.Second, "the partition", func() bool {
		for _, x := range sideA {
			for _, y := range sideB {
				if connected(x, y) || connected(y, x) {
					return false
				}
			}
		}
		return true
	})

	toA, toB := types.Address{0xaa, 0x01}, types.Address{0xbb, 0x02}
	spendA := transfer(t, g, devKey(), 0, toA, 1e18)
	spendB := transfer(t, g, devKey(), 0, toB, 2e18)
	sendRawTx(t, nodes[0], spendA)
	sendRawTx(t, nodes[2], spendB)
	eventually(t, 10*time.Second, "each spend in its side's mempools", func() bool {
		return nodes[1].Pool().Has(spendA.Hash()) && nodes[3].Pool().Has(spendB.Hash())
	})
	if nodes[1].Pool().Has(spendB.Hash()) || nodes[3].Pool().Has(spendA.Hash()) {
		t.Fatal("a spend crossed the partition")
	}

	// Both sides mine until their spend is in their chain.
	for _, n := range []*Node{nodes[0], nodes[2]} {
		if err := n.Miner().Start(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	included := func(n *Node, tx *types.Transaction) bool {
		_, err := n.Chain().TxLookup(tx.Hash())
		return err == nil
	}
	eventually(t, 30*time.Second, "each side to include its spend", func() bool {
		return included(nodes[0], spendA) && included(nodes[2], spendB)
	})
	for _, n := range []*Node{nodes[0], nodes[2]} {
		if err := n.Miner().Stop(); err != nil {
			t.Fatal(err)
		}
	}
	waitHead(t, 20*time.Second, nodes[0].Chain().Best().Hash, sideA...)
	waitHead(t, 20*time.Second, nodes[2].Chain().Best().Hash, sideB...)
	// Equal work would leave each side on its own tip: break a tie.
	for nodes[0].Chain().Best().TotalWork.Cmp(nodes[2].Chain().Best().TotalWork) == 0 {
		mineBlocks(t, nodes[0], 1, 30*time.Second)
	}
	winner, loserSide := sideA, sideB
	win, lose := spendA, spendB
	winTo, loseTo := toA, toB
	if nodes[2].Chain().Best().TotalWork.Cmp(nodes[0].Chain().Best().TotalWork) > 0 {
		winner, loserSide = sideB, sideA
		win, lose = spendB, spendA
		winTo, loseTo = toB, toA
	}
	want := winner[0].Chain().Best()
	losingTip := loserSide[0].Chain().Best().Hash
	t.Logf("side A at %d, side B at %d; the winner is at %d %s",
		nodes[0].Chain().Best().Height, nodes[2].Chain().Best().Height, want.Height, want.Hash)

	cut(false)
	waitHead(t, 30*time.Second, want.Hash, nodes...)
	for i, n := range nodes {
		if _, err := n.Chain().TxLookup(win.Hash()); err != nil {
			t.Errorf("node %d: the winning spend is not in its chain: %v", i, err)
		}
		if _, err := n.Chain().TxLookup(lose.Hash()); !errors.Is(err, chain.ErrNotFound) {
			t.Errorf("node %d: the losing spend: %v, want ErrNotFound", i, err)
		}
		if got := balanceOf(t, n.Chain(), winTo); !got.Eq(&win.Value) {
			t.Errorf("node %d: winner's recipient holds %v, want %v", i, got, &win.Value)
		}
		if got := balanceOf(t, n.Chain(), loseTo); !got.IsZero() {
			t.Errorf("node %d: loser's recipient holds %v, want 0", i, got)
		}
		if stateRoot(n) != want.Header.StateRoot {
			t.Errorf("node %d: state root %s, want %s", i, stateRoot(n), want.Header.StateRoot)
		}
	}
	for _, n := range loserSide {
		if n.Chain().InMainChain(losingTip) {
			t.Errorf("the losing tip %s is still active", losingTip)
		}
	}
	eventually(t, 10*time.Second, "neither spend in any mempool", func() bool {
		for _, n := range nodes {
			if n.Pool().Has(win.Hash()) || n.Pool().Has(lose.Hash()) {
				return false
			}
		}
		return true
	})
}

// TestTestGenesesValid: the helpers' geneses are valid networks (New
// checks too; this says which one is wrong).
func TestTestGenesesValid(t *testing.T) {
	t.Parallel()
	for name, g := range map[string]*params.Genesis{
		"easy":  easyGenesis(10, testAccounts(3)),
		"miner": minerGenesis(),
	} {
		if err := g.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
