package p2p

import (
	"bufio"
	"context"
	"encoding/binary"
	"io"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/quarry-chain/quarry/chain/types"
)

// bigTx returns an unsigned transaction with size bytes of data; the fake
// pool does not check signatures.
func bigTx(nonce uint64, size int) *types.Transaction {
	to := types.Address{0x43}
	tx := &types.Transaction{Nonce: nonce, Gas: 10_000_000, To: &to, Data: make([]byte, size)}
	tx.GasPrice.SetUint64(1)
	return tx
}

// fill submits txs to p, which must accept them.
func (p *fakePool) fill(t *testing.T, txs []*types.Transaction) {
	t.Helper()
	for _, tx := range txs {
		if v := p.SubmitTx(tx); v.Outcome != Accept {
			t.Fatalf("fill pool: %v %v", v.Outcome, v.Err)
		}
	}
}

// TestTxAnnounceOnConnect: nodes whose pools hold transactions connect;
// each ends up with all of the other's without any gossip publish, in
// batches past MaxPooledTxsPerMsg and past the response size limit.
func TestTxAnnounceOnConnect(t *testing.T) {
	t.Parallel()
	signed := func(n int) []*types.Transaction {
		out := make([]*types.Transaction, n)
		for i := range out {
			out[i] = signedTx(t, uint64(i))
		}
		return out
	}
	big := make([]*types.Transaction, 12) // 1.2 MB: two responses
	for i := range big {
		big[i] = bigTx(uint64(i), 100_000)
	}
	for _, tc := range []struct {
		name   string
		aTxs   []*types.Transaction
		bTxs   []*types.Transaction
		aServe int64 // transactions a serves at least (b's requests)
	}{
		{"one way, several batches", signed(MaxPooledTxsPerMsg + 44), nil, MaxPooledTxsPerMsg + 44},
		{"both ways", signed(3), signed(5), 3},
		{"past the response size limit", big, nil, int64(len(big))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := startNode(t, newFakeChain(0), nil)
			b := startNode(t, newFakeChain(0), nil)
			a.pool.fill(t, tc.aTxs)
			b.pool.fill(t, tc.bTxs)
			connect(t, b, a)
			want := len(tc.aTxs) + len(tc.bTxs)
			// Within txReannounceDelay: the announcement at the handshake alone
			// must do it.
			waitFor(t, txReannounceDelay-500*time.Millisecond, "both pools to hold every transaction", func() bool {
				return a.pool.count() == want && b.pool.count() == want
			})
			for _, tx := range append(tc.aTxs, tc.bTxs...) {
				if !a.pool.Has(tx.Hash()) || !b.pool.Has(tx.Hash()) {
					t.Fatalf("transaction %v missing", tx.Hash())
				}
			}
			if got := a.pool.served.Load(); got < tc.aServe {
				t.Fatalf("a served %d transactions, want at least %d", got, tc.aServe)
			}
			// Honest announcing and fetching costs nobody points.
			if sa, sb := a.svc.Score(b.svc.Self().ID), b.svc.Score(a.svc.Self().ID); sa != 0 || sb != 0 {
				t.Fatalf("scores %v and %v after honest exchange, want 0", sa, sb)
			}
		})
	}
}

// announcer is a raw peer that announces hashes to a node and answers its
// GetPooledTxs requests with respond.
type announcer struct {
	h    host.Host
	node *testNode
}

func newAnnouncer(t *testing.T, node *testNode, respond func(s network.Stream, req *GetPooledTxsMsg)) *announcer {
	t.Helper()
	raw := rawPeer(t, node.chain)
	raw.SetStreamHandler(SyncProtocol(node.chain.GenesisHash()), func(s network.Stream) {
		defer s.Close()
		m, err := readFrame(bufio.NewReader(s), maxRequestBytes)
		if err != nil {
			return
		}
		if req, ok := m.(*GetPooledTxsMsg); ok {
			respond(s, req)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	self := node.svc.Self()
	if err := raw.Connect(ctx, peer.AddrInfo{ID: self.ID, Addrs: self.Addrs}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "handshake", func() bool {
		rec, ok := node.svc.peers.snapshot(raw.ID())
		return ok && rec.handshaken
	})
	return &announcer{h: raw, node: node}
}

// announce sends one PooledTxHashes message and waits for the node to take it.
func (a *announcer) announce(t *testing.T, hashes []types.Hash) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := a.h.NewStream(ctx, a.node.svc.Self().ID, SyncProtocol(a.node.chain.GenesisHash()))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := writeFrame(s, &PooledTxHashesMsg{Hashes: hashes}); err != nil {
		t.Fatal(err)
	}
	_ = s.CloseWrite()
	if _, err := io.ReadFull(s, make([]byte, 1)); err != io.EOF {
		t.Fatalf("announcement stream ended with %v, want EOF", err)
	}
}

// TestTxAnnounceBadResponses: a peer that answers GetPooledTxs with what
// was not asked for, an invalid transaction, or bytes over the limit is
// penalised, and nothing it sent reaches the pool.
func TestTxAnnounceBadResponses(t *testing.T) {
	t.Parallel()
	asked, other, invalid := signedTx(t, 1), signedTx(t, 2), signedTx(t, 3)
	for _, tc := range []struct {
		name     string
		announce *types.Transaction
		respond  func(s network.Stream, req *GetPooledTxsMsg)
		offense  Offense
	}{
		{"unrequested transaction", asked, func(s network.Stream, _ *GetPooledTxsMsg) {
			_ = writeFrame(s, &PooledTxsMsg{Txs: []*types.Transaction{other}})
		}, OffenseProtocol},
		{"duplicate transaction", asked, func(s network.Stream, _ *GetPooledTxsMsg) {
			_ = writeFrame(s, &PooledTxsMsg{Txs: []*types.Transaction{asked, asked}})
		}, OffenseProtocol},
		{"invalid transaction", invalid, func(s network.Stream, _ *GetPooledTxsMsg) {
			_ = writeFrame(s, &PooledTxsMsg{Txs: []*types.Transaction{invalid}})
		}, OffenseInvalidTx},
		{"wrong message kind", asked, func(s network.Stream, _ *GetPooledTxsMsg) {
			_ = writeFrame(s, &BlocksMsg{})
		}, OffenseProtocol},
		{"oversized response", asked, func(s network.Stream, _ *GetPooledTxsMsg) {
			_, _ = s.Write(binary.AppendUvarint(nil, maxPooledTxsBytes+1))
		}, OffenseOversized},
		{"malformed response", asked, func(s network.Stream, _ *GetPooledTxsMsg) {
			_, _ = s.Write([]byte{4, byte(KindPooledTxs), 1, 1, 0xff})
		}, OffenseMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			node := startNode(t, newFakeChain(0), nil)
			node.pool.reject[invalid.Hash()] = true
			a := newAnnouncer(t, node, tc.respond)
			a.announce(t, []types.Hash{tc.announce.Hash()})
			want := tc.offense.Points()
			waitFor(t, 5*time.Second, "the penalty", func() bool { return node.svc.Score(a.h.ID()) >= 0.95*want })
			if got := node.svc.Score(a.h.ID()); got > want {
				t.Fatalf("score %v, want %v (one %v)", got, want, tc.offense)
			}
			if n := node.pool.count(); n != 0 {
				t.Fatalf("pool holds %d transactions from a bad response", n)
			}
			if tc.offense == OffenseInvalidTx {
				// Announced again, the rejected transaction is not fetched.
				a.announce(t, []types.Hash{tc.announce.Hash()})
				if q := node.svc.txFetch.queued(a.h.ID()); q != 0 {
					t.Fatalf("queued %d rejected hashes", q)
				}
			}
		})
	}
}

// TestTxAnnounceLimits: what a peer announces while its transactions are
// being fetched is queued up to maxAnnouncedPerPeer hashes and no further,
// requests ask for at most MaxPooledTxsPerMsg, and announcements of what
// the pool already has cost nothing.
func TestTxAnnounceLimits(t *testing.T) {
	t.Parallel()
	node := startNode(t, newFakeChain(0), nil)
	known := signedTx(t, 9)
	node.pool.fill(t, []*types.Transaction{known})
	requests := make(chan int, 1)
	stall := make(chan struct{})
	t.Cleanup(func() { close(stall) })
	a := newAnnouncer(t, node, func(s network.Stream, req *GetPooledTxsMsg) {
		select {
		case requests <- len(req.Hashes):
		default:
		}
		<-stall // never answer while the test looks
	})
	// Already known: nothing to fetch, no queue.
	a.announce(t, []types.Hash{known.Hash()})
	if q := node.svc.txFetch.queued(a.h.ID()); q != 0 {
		t.Fatalf("queued %d hashes the pool has", q)
	}
	const batches = maxAnnouncedPerPeer/MaxPooledTxsPerMsg + 2
	next := uint64(1)
	for range batches {
		hashes := make([]types.Hash, MaxPooledTxsPerMsg)
		for i := range hashes {
			binary.BigEndian.PutUint64(hashes[i][:], next)
			next++
		}
		a.announce(t, hashes)
	}
	select {
	case n := <-requests:
		if n != MaxPooledTxsPerMsg {
			t.Fatalf("first request asked for %d transactions, want %d", n, MaxPooledTxsPerMsg)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no GetPooledTxs request")
	}
	// One batch is in flight; the rest fills the queue to its bound.
	if q := node.svc.txFetch.queued(a.h.ID()); q != maxAnnouncedPerPeer {
		t.Fatalf("queued %d hashes, want the bound %d", q, maxAnnouncedPerPeer)
	}
	if s := node.svc.Score(a.h.ID()); s != 0 {
		t.Fatalf("score %v for announcing, want 0", s)
	}
}

// TestTxFetcherRejected: rejected hashes are not wanted again, and the
// memory of them is bounded, the oldest forgotten first.
func TestTxFetcherRejected(t *testing.T) {
	t.Parallel()
	c := newFakeChain(0)
	svc, err := New(testConfig(t, c, newFakePool()))
	if err != nil {
		t.Fatal(err)
	}
	f := svc.txFetch
	hash := func(i int) types.Hash {
		var h types.Hash
		binary.BigEndian.PutUint64(h[:], uint64(i)+1)
		return h
	}
	for i := range maxRejectedTxs + 1 {
		f.reject(hash(i))
	}
	f.reject(hash(5)) // again: no second entry
	if f.wanted(hash(1)) || f.wanted(hash(maxRejectedTxs)) {
		t.Fatal("a remembered rejected hash is wanted")
	}
	if !f.wanted(hash(0)) {
		t.Fatal("the oldest rejected hash is still remembered past the bound")
	}
	if len(f.rejected) != maxRejectedTxs || len(f.rejRing) != maxRejectedTxs {
		t.Fatalf("remembering %d hashes (ring %d), bound %d", len(f.rejected), len(f.rejRing), maxRejectedTxs)
	}
}

// TestTxAnnouncedAgainPeriodically: a transaction that reaches a pool
// after the handshake's announcements, and that gossip never delivered
// (as when GossipSub's validation queue overflows), still reaches the
// peer through the periodic announcement.
func TestTxAnnouncedAgainPeriodically(t *testing.T) {
	t.Parallel()
	fast := func(c *Config) { c.TxAnnounceInterval = 300 * time.Millisecond }
	a := startNode(t, newFakeChain(0), fast)
	b := startNode(t, newFakeChain(0), fast)
	connect(t, b, a)
	// Past both handshake announcements (now and txReannounceDelay).
	time.Sleep(txReannounceDelay + 200*time.Millisecond)
	late := signedTx(t, 7)
	a.pool.fill(t, []*types.Transaction{late})
	waitFor(t, 3*time.Second, "the late transaction to reach b without gossip", func() bool {
		return b.pool.Has(late.Hash())
	})
	if sa, sb := a.svc.Score(b.svc.Self().ID), b.svc.Score(a.svc.Self().ID); sa != 0 || sb != 0 {
		t.Fatalf("scores %v, %v after honest announcements, want 0", sa, sb)
	}
}
