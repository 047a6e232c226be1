package p2p

import (
	"context"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"testing"
	"time"

	ds "github.com/ipfs/go-datastore"
	dsq "github.com/ipfs/go-datastore/query"
	"github.com/libp2p/go-libp2p-kad-dht/records"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/host/peerstore/pstoremem"
	ma "github.com/multiformats/go-multiaddr"
	mh "github.com/multiformats/go-multihash"

	"github.com/quarry-chain/quarry/chain/types"
)

// withDHT turns the DHT on and makes boot the node's bootnodes.
func withDHT(boot ...*testNode) func(*Config) {
	return func(c *Config) {
		c.DHT = true
		for _, b := range boot {
			c.Bootnodes = append(c.Bootnodes, b.addr())
		}
	}
}

// dhtProtocol is the DHT protocol id on the network of genesis.
func dhtProtocol(genesis types.Hash) protocol.ID {
	return dhtProtocolPrefix(genesis) + "/kad/1.0.0"
}

// speaks reports whether n's host handles protocol p.
func speaks(n *testNode, p protocol.ID) bool {
	return slices.Contains(n.svc.host.Mux().Protocols(), p)
}

// connected reports whether a has a connection to b.
func connected(a, b *testNode) bool {
	return a.svc.host.Network().Connectedness(b.svc.Self().ID) == network.Connected
}

// waitBlock waits until every node has b.
func waitBlock(t *testing.T, nodes []*testNode, b *types.Block) {
	t.Helper()
	waitFor(t, 5*time.Second, "block to reach every node", func() bool {
		for _, n := range nodes {
			if !n.chain.HaveBlock(b.Hash()) {
				return false
			}
		}
		return true
	})
}

// TestDHTDiscovery: in a star where node 0 is every node's only bootnode,
// the nodes find and connect to each other through the DHT, except where
// a ban forbids it, and blocks reach all, also once the hub is gone.
func TestDHTDiscovery(t *testing.T) {
	t.Parallel()
	const n = 5
	nodes := make([]*testNode, n)
	nodes[0] = startNode(t, newFakeChain(0), withDHT())
	for i := 1; i < n; i++ {
		nodes[i] = startNode(t, newFakeChain(0), withDHT(nodes[0]))
	}
	// Node 4 bans node 1: the DHT must not connect them.
	if err := nodes[4].svc.BanPeer(nodes[1].svc.Self().ID, time.Hour); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	waitFor(t, 12*time.Second, "every pair but the banned one connected through the DHT", func() bool {
		for i := 1; i < n; i++ {
			for j := i + 1; j < n; j++ {
				if i == 1 && j == 4 {
					continue
				}
				if !handshaken(nodes[i], nodes[j]) || !handshaken(nodes[j], nodes[i]) {
					return false
				}
			}
		}
		return true
	})
	t.Logf("mesh after %v", time.Since(start).Round(time.Millisecond))
	// (Node 1 may hold a dial for a moment before node 4's gater closes it.)
	if connected(nodes[4], nodes[1]) || handshaken(nodes[1], nodes[4]) || handshaken(nodes[4], nodes[1]) {
		t.Fatal("node 4 is connected to node 1, which it banned")
	}
	for i, nd := range nodes {
		if rt := nd.svc.dht.kad.RoutingTable().Size(); rt < 2 {
			t.Errorf("node %d: routing table of %d peers", i, rt)
		}
	}

	// Node 3 mines a block: it reaches all five.
	b1 := makeChain(nodes[3].chain.genesis, 1, 31)[0]
	nodes[3].chain.add(t, []*types.Block{b1})
	if err := nodes[3].svc.AnnounceBlock(b1); err != nil {
		t.Fatal(err)
	}
	waitBlock(t, nodes, b1)

	// Without the hub, the connections the DHT made carry the next block.
	if err := nodes[0].svc.Stop(); err != nil {
		t.Fatal(err)
	}
	b2 := makeChain(b1.Header, 1, 32)[0]
	nodes[2].chain.add(t, []*types.Block{b2})
	if err := nodes[2].svc.AnnounceBlock(b2); err != nil {
		t.Fatal(err)
	}
	waitBlock(t, nodes[1:], b2)
}

// TestDHTOff: a node without Config.DHT runs no DHT, so the DHT nodes
// beside it do not find it, and it finds no one beyond its bootnode.
func TestDHTOff(t *testing.T) {
	t.Parallel()
	hub := startNode(t, newFakeChain(0), withDHT())
	a := startNode(t, newFakeChain(0), withDHT(hub))
	b := startNode(t, newFakeChain(0), withDHT(hub))
	off := startNode(t, newFakeChain(0), func(c *Config) { c.Bootnodes = []string{hub.addr()} })
	proto := dhtProtocol(hub.chain.GenesisHash())

	waitFor(t, 12*time.Second, "a and b connected through the DHT", func() bool {
		return handshaken(a, b) && handshaken(b, a) && handshaken(off, hub)
	})
	// Give the DHT nodes two more lookups to find the node that has none.
	time.Sleep(3 * time.Second)
	if off.svc.dht != nil || speaks(off, proto) {
		t.Fatalf("node without DHT: dht %v, speaks %s %v", off.svc.dht, proto, speaks(off, proto))
	}
	if off.svc.DHTPeersFound() != 0 {
		t.Fatalf("node without DHT found %d peers", off.svc.DHTPeersFound())
	}
	for _, n := range []*testNode{hub, a, b} {
		if !speaks(n, proto) {
			t.Fatalf("DHT node does not speak %s", proto)
		}
	}
	if connected(off, a) || connected(off, b) {
		t.Fatalf("node without DHT connected beyond its bootnode: a %v b %v", connected(off, a), connected(off, b))
	}
}

// TestDHTNetworksApart: two networks (different genesis hashes) whose nodes
// know each other's bootnodes keep separate routing tables and rendezvous
// records, and never connect.
func TestDHTNetworksApart(t *testing.T) {
	t.Parallel()
	a0 := startNode(t, newFakeChain(0), withDHT())
	b0 := startNode(t, newFakeChain(1), withDHT())
	a1 := startNode(t, newFakeChain(0), withDHT(a0))
	a2 := startNode(t, newFakeChain(0), withDHT(a0, b0))
	b1 := startNode(t, newFakeChain(1), withDHT(b0, a0))
	b2 := startNode(t, newFakeChain(1), withDHT(b0))
	netA, netB := []*testNode{a0, a1, a2}, []*testNode{b0, b1, b2}
	if dhtProtocol(a0.chain.GenesisHash()) == dhtProtocol(b0.chain.GenesisHash()) {
		t.Fatal("both networks use one DHT protocol")
	}

	waitFor(t, 12*time.Second, "each network meshed through the DHT", func() bool {
		return handshaken(a1, a2) && handshaken(a2, a1) && handshaken(b1, b2) && handshaken(b2, b1)
	})
	for _, side := range []struct {
		name          string
		nodes, others []*testNode
	}{{"A", netA, netB}, {"B", netB, netA}} {
		ids := make(map[peer.ID]bool)
		for _, n := range side.nodes {
			ids[n.svc.Self().ID] = true
		}
		for i, n := range side.nodes {
			for _, p := range n.svc.dht.kad.RoutingTable().ListPeers() {
				if !ids[p] {
					t.Errorf("network %s node %d: routing table holds %s of the other network", side.name, i, p)
				}
			}
			for _, o := range side.others {
				if handshaken(n, o) || speaks(n, dhtProtocol(o.chain.GenesisHash())) {
					t.Errorf("network %s node %d: handshaken with or speaking the DHT of the other network", side.name, i)
				}
			}
		}
		// A lookup from the last node finds its own network, all of it
		// once every node has advertised, and nothing else.
		n := side.nodes[2]
		waitFor(t, 8*time.Second, "a lookup to find the whole network "+side.name, func() bool {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			infos, err := n.svc.dht.disc.FindPeers(ctx, n.svc.dht.ns)
			if err != nil {
				t.Fatal(err)
			}
			found := make(map[peer.ID]bool)
			for info := range infos {
				if !ids[info.ID] {
					t.Fatalf("network %s: lookup found %s of the other network", side.name, info.ID)
				}
				found[info.ID] = true
			}
			return len(found) == len(ids)
		})
	}
}

// TestDHTLookupDials: a peer found only through the rendezvous records
// (it runs no DHT, so no routing table walk meets it) is dialled and
// handshaken; a banned one is not.
func TestDHTLookupDials(t *testing.T) {
	t.Parallel()
	hub := startNode(t, newFakeChain(0), withDHT())
	a := startNode(t, newFakeChain(0), withDHT(hub))
	x := startNode(t, newFakeChain(0), nil)
	y := startNode(t, newFakeChain(0), nil)
	if err := a.svc.BanPeer(y.svc.Self().ID, time.Hour); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "a to join the DHT", func() bool { return a.svc.dht.kad.RoutingTable().Size() > 0 })

	// x and y are put on the hub as providers of the namespace, as if
	// they had advertised.
	key, err := mh.Sum([]byte(a.svc.dht.ns), mh.SHA2_256, -1)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, n := range []*testNode{x, y} {
		self := n.svc.Self()
		if err := hub.svc.dht.kad.ProviderStore().AddProvider(ctx, key, peer.AddrInfo{ID: self.ID, Addrs: self.Addrs}); err != nil {
			t.Fatal(err)
		}
	}
	a.svc.dht.findAndDial(ctx, 10)
	waitFor(t, 5*time.Second, "a and x handshaken", func() bool { return handshaken(a, x) && handshaken(x, a) })
	if a.svc.DHTPeersFound() == 0 {
		t.Fatal("DHTPeersFound is 0 after a lookup dialled x")
	}
	if connected(a, y) || handshaken(y, a) {
		t.Fatal("a connected to y, which it banned")
	}
}

// TestDHTDialable: which found peers the lookup dials.
func TestDHTDialable(t *testing.T) {
	t.Parallel()
	n := startNode(t, newFakeChain(0), withDHT())
	d := n.svc.dht
	addr := ma.StringCast("/ip4/127.0.0.1/tcp/1")
	fresh, banned, failed, oldFailure := newPeerID(t), newPeerID(t), newPeerID(t), newPeerID(t)
	if err := n.svc.BanPeer(banned, time.Hour); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	d.dialFailed(failed, now.Add(-time.Minute))
	d.dialFailed(oldFailure, now.Add(-dhtDialRetry))
	for _, tc := range []struct {
		name string
		info peer.AddrInfo
		want bool
	}{
		{"new peer", peer.AddrInfo{ID: fresh, Addrs: []ma.Multiaddr{addr}}, true},
		{"ourselves", peer.AddrInfo{ID: n.svc.Self().ID, Addrs: []ma.Multiaddr{addr}}, false},
		{"no address", peer.AddrInfo{ID: fresh}, false},
		{"banned", peer.AddrInfo{ID: banned, Addrs: []ma.Multiaddr{addr}}, false},
		{"failed a minute ago", peer.AddrInfo{ID: failed, Addrs: []ma.Multiaddr{addr}}, false},
		{"failed long ago", peer.AddrInfo{ID: oldFailure, Addrs: []ma.Multiaddr{addr}}, true},
	} {
		if got := d.dialable(tc.info, now); got != tc.want {
			t.Errorf("%s: dialable %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestDHTStore: the store keeps the rendezvous key's provider records, up
// to its bound, and drops everything else without failing a batch.
func TestDHTStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := newDHTStore(dhtNamespace(types.Hash{1}), 3)
	if err != nil {
		t.Fatal(err)
	}
	other, err := newDHTStore(dhtNamespace(types.Hash{2}), 3)
	if err != nil {
		t.Fatal(err)
	}
	ours := func(p string) ds.Key { return ds.NewKey(s.prefix + p) }
	b, err := s.Batch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []ds.Key{ours("A"), ds.NewKey(other.prefix + "B"), ds.NewKey("/values/x"), ours("C")} {
		if err := b.Put(ctx, k, []byte("v")); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(ctx); err != nil {
		t.Fatalf("commit: %v", err)
	}
	for _, tc := range []struct {
		key  ds.Key
		want bool
	}{{ours("A"), true}, {ours("C"), true}, {ds.NewKey(other.prefix + "B"), false}, {ds.NewKey("/values/x"), false}} {
		if has, _ := s.Has(ctx, tc.key); has != tc.want {
			t.Errorf("%s stored %v, want %v", tc.key, has, tc.want)
		}
	}
	// Full at 3: a new record is dropped, an existing one still updated.
	for _, k := range []string{"D", "E"} {
		if err := s.Put(ctx, ours(k), []byte("v")); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Put(ctx, ours("A"), []byte("new")); err != nil {
		t.Fatal(err)
	}
	if got := s.len(); got != 3 {
		t.Fatalf("store holds %d records, want its bound 3", got)
	}
	if v, err := s.Get(ctx, ours("A")); err != nil || string(v) != "new" {
		t.Fatalf("updated record: %q %v", v, err)
	}
	res, err := s.Query(ctx, dsq.Query{Prefix: s.prefix, KeysOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := res.Rest()
	if err != nil || len(entries) != 3 {
		t.Fatalf("query: %d entries, %v", len(entries), err)
	}
	if err := s.Delete(ctx, ours("A")); err != nil || s.len() != 2 {
		t.Fatalf("delete: %v, %d left", err, s.len())
	}
}

// TestDHTStopsWithContext: cancelling the service's context closes the
// DHT without Stop.
func TestDHTStopsWithContext(t *testing.T) {
	t.Parallel()
	c := newFakeChain(0)
	cfg := testConfig(t, c, newFakePool())
	cfg.DHT = true
	svc, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer svc.Stop()
	cancel()
	waitFor(t, 5*time.Second, "the DHT to close", svc.dht.closed.Load)
}

// TestDHTNoGoroutineLeak: a DHT network that stops leaves no goroutine
// behind. Not parallel: it counts the process's goroutines.
func TestDHTNoGoroutineLeak(t *testing.T) {
	// libp2p starts some goroutines once per process: let a first node
	// start them.
	warm := startNode(t, newFakeChain(0), withDHT())
	if err := warm.svc.Stop(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	before := runtime.NumGoroutine()

	hub := startNode(t, newFakeChain(0), withDHT())
	a := startNode(t, newFakeChain(0), withDHT(hub))
	b := startNode(t, newFakeChain(0), withDHT(hub))
	waitFor(t, 12*time.Second, "a and b connected through the DHT", func() bool {
		return handshaken(a, b) && handshaken(b, a)
	})
	for _, n := range []*testNode{a, b, hub} {
		if err := n.svc.Stop(); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			_ = pprof.Lookup("goroutine").WriteTo(os.Stderr, 1)
			t.Fatalf("%d goroutines after stop, %d before", runtime.NumGoroutine(), before)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDHTStoreKeyLayout: the store recognises the records the DHT's
// provider manager writes for the rendezvous key, and only those.
func TestDHTStoreKeyLayout(t *testing.T) {
	t.Parallel()
	ns := dhtNamespace(types.Hash{1})
	store, err := newDHTStore(ns, maxDHTRecords)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := pstoremem.NewPeerstore()
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	self := newPeerID(t)
	pm, err := records.NewProviderManager(self, ps, store)
	if err != nil {
		t.Fatal(err)
	}
	ours, err := mh.Sum([]byte(ns), mh.SHA2_256, -1)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := mh.Sum([]byte(dhtNamespace(types.Hash{2})), mh.SHA2_256, -1)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const n = 5
	for range n {
		for _, key := range [][]byte{ours, theirs} {
			if err := pm.AddProvider(ctx, key, peer.AddrInfo{ID: newPeerID(t)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Close flushes the records the manager buffers into the store.
	if err := pm.Close(); err != nil {
		t.Fatal(err)
	}
	if got := store.len(); got != n {
		t.Fatalf("store holds %d records, want the %d of the rendezvous key", got, n)
	}
}

// newPeerID returns the id of a fresh key.
func newPeerID(t *testing.T) peer.ID {
	t.Helper()
	k, _, err := crypto.GenerateEd25519Key(nil)
	if err != nil {
		t.Fatal(err)
	}
	id, err := peerIDOf(k)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
