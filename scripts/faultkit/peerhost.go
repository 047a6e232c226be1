package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/p2p"
)

// streamTimeout bounds every stream the hostile peer opens or answers.
const streamTimeout = 5 * time.Second

// errNotConnected: the node is not (or no longer) connected to this
// identity, so an attack could not be sent.
var errNotConnected = errors.New("not connected to the node")

// hostileHost is one identity of the hostile peer: a libp2p host with a
// fresh key and its own GossipSub, which passes the node's status handshake
// like an honest peer at the node's own head (so it is taken as a peer and
// never synced from) and then sends whatever the attack phases want. It
// answers the node's sync requests honestly (empty answers), except that
// GetPooledTxs is served from a set of planted transactions: that is how
// invalid transactions reach the node through the pool exchange.
type hostileHost struct {
	h      host.Host
	ps     *pubsub.PubSub
	blocks *pubsub.Topic
	txs    *pubsub.Topic
	target peer.AddrInfo
	info   *chainInfo
	cancel context.CancelFunc

	handshook     chan struct{} // closed once the node's status exchange with us completed
	handshookOnce sync.Once

	mu      sync.Mutex
	planted map[types.Hash]*types.Transaction
	fetched chan types.Hash // hashes of planted transactions the node fetched
}

// hostOptions shape a hostile host's GossipSub.
type hostOptions struct {
	// maxGossip bounds the gossip messages it may publish (the node's own
	// limit is what is tested).
	maxGossip int
	// unsigned publishes without author signatures: the policy of a
	// network whose nodes run GossipSub WithNoAuthor, which drop signed
	// messages before any validator sees them (see signing.go).
	unsigned bool
	// tracer, if set, sees the GossipSub RPCs the host receives.
	tracer pubsub.RawTracer
}

// newHostileHost starts a host with a fresh identity.
func newHostileHost(ctx context.Context, target peer.AddrInfo, info *chainInfo, opts hostOptions) (*hostileHost, error) {
	key, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		return nil, err
	}
	h, err := libp2p.New(
		libp2p.Identity(key),
		libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"),
		libp2p.DisableRelay(),
		libp2p.UserAgent("quarry-faultkit/hostile-peer"),
	)
	if err != nil {
		return nil, fmt.Errorf("hostile host: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	hh := &hostileHost{
		h: h, target: target, info: info, cancel: cancel,
		handshook: make(chan struct{}),
		planted:   make(map[types.Hash]*types.Transaction),
		fetched:   make(chan types.Hash, 1024),
	}
	h.SetStreamHandler(p2p.StatusProtocol(info.Genesis), hh.handleStatus)
	h.SetStreamHandler(p2p.SyncProtocol(info.Genesis), hh.handleSync)
	psOpts := []pubsub.Option{
		pubsub.WithMaxMessageSize(max(opts.maxGossip, 1<<20)),
		// Name messages by content, as the node does: without an author
		// the default id (author and sequence number) is the same for
		// every message, and all but the first would never be sent.
		pubsub.WithMessageIdFn(func(m *pb.Message) string {
			h := sha256.Sum256(m.Data)
			return string(h[:])
		}),
	}
	if opts.unsigned {
		psOpts = append(psOpts, pubsub.WithNoAuthor())
	}
	if opts.tracer != nil {
		psOpts = append(psOpts, pubsub.WithRawTracer(opts.tracer))
	}
	ps, err := pubsub.NewGossipSub(ctx, h, psOpts...)
	if err != nil {
		hh.close()
		return nil, fmt.Errorf("hostile gossipsub: %w", err)
	}
	hh.ps = ps
	if hh.blocks, err = ps.Join(p2p.BlockTopic(info.Genesis)); err != nil {
		hh.close()
		return nil, err
	}
	if hh.txs, err = ps.Join(p2p.TxTopic(info.Genesis)); err != nil {
		hh.close()
		return nil, err
	}
	return hh, nil
}

// id is this identity's peer id.
func (hh *hostileHost) id() peer.ID { return hh.h.ID() }

// addr is a dialable address of this identity, with its /p2p/ suffix.
func (hh *hostileHost) addr() string {
	addrs := hh.h.Addrs()
	if len(addrs) == 0 {
		return "/ip4/127.0.0.1/tcp/1/p2p/" + hh.id().String()
	}
	return addrs[0].String() + "/p2p/" + hh.id().String()
}

// close shuts the host down.
func (hh *hostileHost) close() {
	hh.cancel()
	hh.h.Close()
}

// connect dials the node and waits until it has run the status handshake
// with us and its gossip subscriptions are known (so that publishing
// reaches it).
func (hh *hostileHost) connect(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := hh.h.Connect(ctx, hh.target); err != nil {
		return fmt.Errorf("connect to %s: %w", hh.target.ID, err)
	}
	select {
	case <-hh.handshook:
	case <-ctx.Done():
		return fmt.Errorf("the node did not run the status handshake within %v", timeout)
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !slices.Contains(hh.blocks.ListPeers(), hh.target.ID) || !slices.Contains(hh.txs.ListPeers(), hh.target.ID) {
		if !hh.connected() {
			return fmt.Errorf("%w: dropped right after the handshake", errNotConnected)
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return fmt.Errorf("the node's gossip subscriptions did not arrive within %v", timeout)
		}
	}
	return nil
}

// connected reports whether a connection to the node is open.
func (hh *hostileHost) connected() bool {
	return hh.h.Network().Connectedness(hh.target.ID) == network.Connected
}

// waitDisconnected waits up to d for the node to drop us; it reports
// whether it did.
func (hh *hostileHost) waitDisconnected(ctx context.Context, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for hh.connected() {
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

// handleStatus answers the node's status request with the node's own head,
// so that neither side syncs from the other.
func (hh *hostileHost) handleStatus(s network.Stream) {
	defer s.Close()
	_ = s.SetDeadline(time.Now().Add(streamTimeout))
	m, err := readMessage(bufio.NewReader(s))
	if err != nil {
		s.Reset()
		return
	}
	st, ok := m.(*p2p.StatusMsg)
	if !ok {
		s.Reset()
		return
	}
	if err := writeMessage(s, hh.info.status(st.Head)); err != nil {
		s.Reset()
		return
	}
	hh.handshookOnce.Do(func() { close(hh.handshook) })
}

// handleSync answers the node's sync requests: empty headers and blocks,
// planted transactions for GetPooledTxs, and announcements taken without an
// answer, as an honest peer with nothing to offer would.
func (hh *hostileHost) handleSync(s network.Stream) {
	defer s.Close()
	_ = s.SetDeadline(time.Now().Add(streamTimeout))
	m, err := readMessage(bufio.NewReader(s))
	if err != nil {
		s.Reset()
		return
	}
	var resp p2p.Message
	switch req := m.(type) {
	case *p2p.GetHeadersMsg:
		resp = &p2p.HeadersMsg{}
	case *p2p.GetBlocksMsg:
		resp = &p2p.BlocksMsg{}
	case *p2p.GetPooledTxsMsg:
		resp = &p2p.PooledTxsMsg{Txs: hh.servePlanted(req.Hashes)}
	case *p2p.PooledTxHashesMsg:
		return
	default:
		s.Reset()
		return
	}
	if err := writeMessage(s, resp); err != nil {
		s.Reset()
	}
}

// plant makes GetPooledTxs serve tx.
func (hh *hostileHost) plant(tx *types.Transaction) {
	hh.mu.Lock()
	defer hh.mu.Unlock()
	hh.planted[tx.Hash()] = tx
}

// servePlanted returns the planted transactions among hashes, in order,
// and reports each as fetched.
func (hh *hostileHost) servePlanted(hashes []types.Hash) []*types.Transaction {
	hh.mu.Lock()
	defer hh.mu.Unlock()
	var out []*types.Transaction
	for _, h := range hashes {
		if tx := hh.planted[h]; tx != nil {
			out = append(out, tx)
			select {
			case hh.fetched <- h:
			default:
			}
		}
	}
	return out
}

// send opens a stream of proto, writes raw, closes its write side and
// waits (at most streamTimeout) for the node to answer, close or reset it.
// It returns the bytes the node answered with.
func (hh *hostileHost) send(ctx context.Context, proto protocol.ID, raw []byte) (int64, error) {
	if !hh.connected() {
		return 0, errNotConnected
	}
	ctx, cancel := context.WithTimeout(ctx, streamTimeout)
	defer cancel()
	s, err := hh.h.NewStream(network.WithNoDial(ctx, "hostile"), hh.target.ID, proto)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", errNotConnected, err)
	}
	defer s.Close()
	_ = s.SetDeadline(time.Now().Add(streamTimeout))
	if _, err := s.Write(raw); err != nil {
		s.Reset()
		return 0, nil // the node hung up mid-write: it judged the bytes already
	}
	_ = s.CloseWrite()
	n, _ := io.Copy(io.Discard, s)
	return n, nil
}

// request sends m as a sync request and returns the bytes of the answer.
func (hh *hostileHost) request(ctx context.Context, m p2p.Message) (int64, error) {
	return hh.send(ctx, p2p.SyncProtocol(hh.info.Genesis), messageFrame(m))
}

// publish sends data on a gossip topic.
func (hh *hostileHost) publish(ctx context.Context, t *pubsub.Topic, data []byte) error {
	if !hh.connected() {
		return errNotConnected
	}
	ctx, cancel := context.WithTimeout(ctx, streamTimeout)
	defer cancel()
	return t.Publish(ctx, data)
}
