package p2p

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/quarry-chain/quarry/chain/types"
)

// Transaction announcements. GossipSub delivers a message only to peers in
// the topic's mesh (or, for our own publications, to peers whose
// subscription we have seen), so a transaction published while a peer is
// still connecting can miss that peer for good: blocks come back through
// sync, transactions would not. So after the handshake with a new peer each
// side announces the hashes of its executable transactions (at most
// maxAnnounceHashes, in PooledTxHashes batches of MaxPooledTxsPerMsg), and
// once more after txReannounceDelay, by when the gossip mesh has formed and
// anything that reached the pool in between has been covered.
//
// The receiver queues the announced hashes its pool lacks (at most
// maxAnnouncedPerPeer per peer; more are dropped, not penalised, since a
// slow fetch is not the peer's fault), skipping those the pool rejected as
// invalid lately (from gossip or a fetch), and one fetch loop per peer asks that
// peer for them with GetPooledTxs, MaxPooledTxsPerMsg at a time, then
// submits what arrives as gossip does: an invalid transaction costs the
// peer OffenseInvalidTx; unrequested transactions, malformed or oversized
// responses and stalls cost what they cost in sync.

const (
	// maxAnnounceHashes is the most transaction hashes we announce to a
	// peer at once: 16 messages, 128 KB of hashes.
	maxAnnounceHashes = 4096
	// maxAnnouncedPerPeer bounds the hashes queued for fetching from one
	// peer (128 KB); the number of peers is bounded by the connection
	// limits.
	maxAnnouncedPerPeer = 4096
	// maxRejectedTxs is how many hashes of transactions the pool
	// rejected as invalid we remember, so that no peer makes us fetch and
	// validate them again (128 KB).
	maxRejectedTxs = 4096
	// txReannounceDelay is when the handshake's announcement is repeated:
	// GossipSub grafts a new peer into its mesh at the first heartbeat
	// (1 s) after their subscriptions are exchanged; three heartbeats is
	// enough for that, so what reached the pool until then is re-offered.
	txReannounceDelay = 3 * time.Second
)

// announceAfterHandshake announces our pool to p now, again after
// txReannounceDelay, then every Config.TxAnnounceInterval for as long as
// this connection lasts (a reconnection starts its own announcer).
func (s *Service) announceAfterHandshake(p peer.ID) {
	start, ok := s.peers.snapshot(p)
	if !ok {
		return
	}
	s.goRun(func(ctx context.Context) {
		s.announceTxs(ctx, p)
		wait := txReannounceDelay
		for sleepCtx(ctx, wait) {
			rec, ok := s.peers.snapshot(p)
			if !ok || !rec.handshaken || !rec.connectedAt.Equal(start.connectedAt) {
				return
			}
			s.announceTxs(ctx, p)
			wait = s.cfg.TxAnnounceInterval
		}
	})
}

// announceTxs sends p the hashes of our executable transactions, one
// PooledTxHashes message per stream, each after p has taken the one
// before (it closes the stream once the hashes are queued), so batches
// arrive in order, with each sender's transactions in nonce order, and p
// is never asked to handle more than one at a time.
func (s *Service) announceTxs(ctx context.Context, p peer.ID) {
	hashes := s.cfg.TxPool.PendingHashes(maxAnnounceHashes)
	if len(hashes) > maxAnnounceHashes {
		hashes = hashes[:maxAnnounceHashes]
	}
	for len(hashes) > 0 && ctx.Err() == nil {
		n := min(len(hashes), MaxPooledTxsPerMsg)
		if err := s.sendAnnouncement(ctx, p, hashes[:n]); err != nil {
			s.log.Debug("transaction announcement failed", "peer", p, "err", err)
			return
		}
		hashes = hashes[n:]
	}
}

// sendAnnouncement sends one PooledTxHashes message and waits until p
// closes the stream.
func (s *Service) sendAnnouncement(ctx context.Context, p peer.ID, hashes []types.Hash) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.RequestTimeout)
	defer cancel()
	str, err := s.host.NewStream(network.WithNoDial(ctx, "transaction announcement"), p, s.syncProto)
	if err != nil {
		return err
	}
	defer str.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = str.SetDeadline(dl)
	}
	if err := writeFrame(str, &PooledTxHashesMsg{Hashes: hashes}); err != nil {
		str.Reset()
		return err
	}
	_ = str.CloseWrite()
	var b [1]byte
	if _, err := io.ReadFull(str, b[:]); !errors.Is(err, io.EOF) {
		str.Reset()
		if err == nil {
			err = errors.New("peer answered an announcement")
		}
		return s.requestErr(ctx, err)
	}
	return nil
}

// txFetcher holds, per peer, the announced hashes still to fetch, and runs
// at most one fetch loop per peer. It also remembers recently rejected
// transactions, which it never fetches again.
type txFetcher struct {
	s *Service

	mu       sync.Mutex
	queues   map[peer.ID]*txQueue
	rejected map[types.Hash]struct{}
	rejRing  []types.Hash // rejected hashes, oldest at rejNext once full
	rejNext  int
}

// txQueue is one peer's announced hashes, oldest first.
type txQueue struct {
	hashes []types.Hash
}

func newTxFetcher(s *Service) *txFetcher {
	return &txFetcher{s: s, queues: make(map[peer.ID]*txQueue), rejected: make(map[types.Hash]struct{})}
}

// reject remembers that the pool rejected the transaction as invalid,
// forgetting the oldest such hash past maxRejectedTxs.
func (f *txFetcher) reject(h types.Hash) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.rejected[h]; ok {
		return
	}
	if len(f.rejRing) < maxRejectedTxs {
		f.rejRing = append(f.rejRing, h)
	} else {
		delete(f.rejected, f.rejRing[f.rejNext])
		f.rejRing[f.rejNext] = h
		f.rejNext = (f.rejNext + 1) % maxRejectedTxs
	}
	f.rejected[h] = struct{}{}
}

// wanted reports whether h is worth fetching: neither pooled nor rejected.
func (f *txFetcher) wanted(h types.Hash) bool {
	f.mu.Lock()
	_, bad := f.rejected[h]
	f.mu.Unlock()
	return !bad && !f.s.cfg.TxPool.Has(h)
}

// announced queues the hashes p announced that our pool lacks and starts
// p's fetch loop if it is not running. It does not block on the network.
func (f *txFetcher) announced(p peer.ID, hashes []types.Hash) {
	// The peer may finish its side of the handshake before we finish
	// ours; speaking our sync protocol shows it is of our network.
	if _, ok := f.s.peers.snapshot(p); !ok {
		return // no longer connected
	}
	want := make([]types.Hash, 0, len(hashes))
	for _, h := range hashes {
		if f.wanted(h) {
			want = append(want, h)
		}
	}
	if len(want) == 0 {
		return
	}
	f.mu.Lock()
	q, running := f.queues[p]
	if !running {
		q = &txQueue{}
		f.queues[p] = q
	}
	room := max(0, maxAnnouncedPerPeer-len(q.hashes))
	if len(want) > room {
		f.s.log.Debug("announced transactions dropped: queue full", "peer", p, "dropped", len(want)-room)
		want = want[:room]
	}
	q.hashes = append(q.hashes, want...)
	f.mu.Unlock()
	if !running {
		f.s.goRun(func(ctx context.Context) { f.run(ctx, p, q) })
	}
}

// forget drops p's queue (p disconnected); its fetch loop ends.
func (f *txFetcher) forget(p peer.ID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.queues, p)
}

// queued returns how many hashes wait to be fetched from p.
func (f *txFetcher) queued(p peer.ID) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if q := f.queues[p]; q != nil {
		return len(q.hashes)
	}
	return 0
}

// next takes up to MaxPooledTxsPerMsg hashes off q, or reports false (and
// retires q) when q is empty or no longer p's queue.
func (f *txFetcher) next(p peer.ID, q *txQueue) ([]types.Hash, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.queues[p] != q {
		return nil, false
	}
	if len(q.hashes) == 0 {
		delete(f.queues, p)
		return nil, false
	}
	n := min(len(q.hashes), MaxPooledTxsPerMsg)
	batch := append([]types.Hash(nil), q.hashes[:n]...)
	q.hashes = q.hashes[n:]
	return batch, true
}

// requeue puts hashes back at the front of q (a response cut short by the
// server's size limit), within the queue's bound.
func (f *txFetcher) requeue(p peer.ID, q *txQueue, hashes []types.Hash) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.queues[p] != q {
		return
	}
	q.hashes = append(hashes[:len(hashes):len(hashes)], q.hashes...)
	if len(q.hashes) > maxAnnouncedPerPeer {
		q.hashes = q.hashes[:maxAnnouncedPerPeer]
	}
}

// run fetches q's hashes from p until q is empty, p misbehaves or leaves.
func (f *txFetcher) run(ctx context.Context, p peer.ID, q *txQueue) {
	s := f.s
	for ctx.Err() == nil {
		batch, ok := f.next(p, q)
		if !ok {
			return
		}
		batch = f.missing(batch)
		if len(batch) == 0 {
			continue
		}
		rctx, cancel := context.WithTimeout(ctx, s.cfg.RequestTimeout)
		txs, err := s.getPooledTxs(rctx, p, batch)
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				s.syncer.failed(p, err)
			}
			f.forget(p)
			return
		}
		s.peers.answered(p)
		if !f.submit(p, txs) {
			f.forget(p)
			return
		}
		if len(txs) == 0 {
			continue
		}
		// A server stops at txsSoftBytes: what followed the last
		// transaction it sent may have been cut, not unknown.
		size := 0
		for _, tx := range txs {
			size += tx.Size()
		}
		if size >= txsSoftBytes {
			last := txs[len(txs)-1].Hash()
			for i, h := range batch {
				if h == last {
					f.requeue(p, q, batch[i+1:])
					break
				}
			}
		}
	}
}

// missing returns batch without duplicates and without what we no longer
// want (it may have arrived by gossip or from another peer meanwhile).
func (f *txFetcher) missing(batch []types.Hash) []types.Hash {
	seen := make(map[types.Hash]bool, len(batch))
	out := batch[:0]
	for _, h := range batch {
		if !seen[h] && f.wanted(h) {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out
}

// submit hands fetched transactions to the pool in order. At the first
// invalid one it penalises p and reports false: the rest of p's response
// and queue are not worth our validation work.
func (f *txFetcher) submit(p peer.ID, txs []*types.Transaction) bool {
	s := f.s
	for _, tx := range txs {
		if s.cfg.TxPool.Has(tx.Hash()) {
			continue
		}
		if v := s.cfg.TxPool.SubmitTx(tx); v.Outcome == Reject {
			s.log.Debug("invalid announced transaction", "peer", p, "hash", tx.Hash(), "err", v.Err)
			f.reject(tx.Hash())
			s.penalise(p, OffenseInvalidTx, v.Err)
			return false
		}
	}
	return true
}
