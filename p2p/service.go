package p2p

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	rcmgr "github.com/libp2p/go-libp2p/p2p/host/resource-manager"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/net/connmgr"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	quic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"
)

// Service is the node's network layer: a libp2p host with the status,
// sync and gossip protocols, peer scoring, bans, re-dialling and sync.
type Service struct {
	cfg    Config
	log    *slog.Logger
	key    crypto.PrivKey
	listen []ma.Multiaddr
	boot   []peer.AddrInfo

	statusProto protocol.ID
	syncProto   protocol.ID

	gater  *gater
	scores *scoreboard
	peers  *peerSet

	dialer  *dialer
	syncer  *syncer
	txFetch *txFetcher

	// Set by Start, read-only until Stop.
	host        host.Host
	ps          *pubsub.PubSub
	tracer      *gossipTracer
	blockTopic  *pubsub.Topic
	txTopic     *pubsub.Topic
	mdns        interface{ Close() error }
	dht         *dhtDiscovery
	ctx         context.Context
	cancel      context.CancelFunc
	wg          sync.WaitGroup
	started     atomic.Bool
	stopOnce    sync.Once
	runMu       sync.Mutex // guards stopping against wg.Add
	stopping    bool
	gossipScore atomic.Pointer[map[peer.ID]float64]
}

// New checks cfg, fills its defaults and loads (or creates) the identity
// key. It does not touch the network: Start does.
func New(cfg Config) (*Service, error) {
	cfg = cfg.withDefaults()
	listen, boot, err := cfg.check()
	if err != nil {
		return nil, err
	}
	var key crypto.PrivKey
	if cfg.DataDir != "" {
		key, err = LoadOrCreateKey(cfg.DataDir)
	} else {
		key, _, err = crypto.GenerateEd25519Key(nil)
	}
	if err != nil {
		return nil, err
	}
	s := &Service{
		cfg:         cfg,
		log:         cfg.Logger,
		key:         key,
		listen:      listen,
		boot:        boot,
		statusProto: StatusProtocol(cfg.Genesis),
		syncProto:   SyncProtocol(cfg.Genesis),
		gater:       newGater(),
		scores:      newScoreboard(cfg.ScoreHalfLife),
	}
	s.peers = newPeerSet(&s.cfg)
	// Built before the host exists: connection notifications may arrive as
	// soon as it listens.
	s.dialer = newDialer(s)
	s.syncer = newSyncer(s)
	s.txFetch = newTxFetcher(s)
	return s, nil
}

// Start opens the host, joins the gossip topics, dials the bootnodes and
// starts sync. The service runs until Stop or until ctx is cancelled.
func (s *Service) Start(ctx context.Context) error {
	if s.started.Load() {
		return errors.New("p2p: service already started")
	}
	s.ctx, s.cancel = context.WithCancel(ctx)
	if err := s.start(); err != nil {
		s.cancel()
		if s.host != nil {
			s.host.Close()
		}
		return err
	}
	s.started.Store(true)
	return nil
}

func (s *Service) start() error {
	limits := rcmgr.DefaultLimits.AutoScale()
	rm, err := rcmgr.NewResourceManager(rcmgr.NewFixedLimiter(limits))
	if err != nil {
		return fmt.Errorf("p2p: resource manager: %w", err)
	}
	cm, err := connmgr.NewConnManager(s.cfg.LowWater, s.cfg.HighWater, connmgr.WithGracePeriod(time.Minute))
	if err != nil {
		return fmt.Errorf("%w: connection manager: %v", ErrBadConfig, err)
	}
	h, err := libp2p.New(
		libp2p.Identity(s.key),
		libp2p.ListenAddrs(s.listen...),
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Transport(quic.NewTransport),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Muxer(yamux.ID, yamux.DefaultTransport),
		libp2p.ResourceManager(rm),
		libp2p.ConnectionManager(cm),
		libp2p.ConnectionGater(s.gater),
		libp2p.DisableRelay(),
		libp2p.UserAgent(fmt.Sprintf("quarry/p2p/%d", ProtocolVersion)),
	)
	if err != nil {
		return fmt.Errorf("p2p: host: %w", err)
	}
	s.host = h
	h.SetStreamHandler(s.statusProto, s.handleStatus)
	h.SetStreamHandler(s.syncProto, s.handleSync)
	h.Network().Notify(&network.NotifyBundle{
		ConnectedF:    s.onConnected,
		DisconnectedF: s.onDisconnected,
	})
	if err := s.startGossip(); err != nil {
		return err
	}
	s.goRun(s.dialer.run)
	s.goRun(s.syncer.run)
	s.goRun(s.refreshStatus)
	if s.cfg.MDNS {
		if err := s.startMDNS(); err != nil {
			return err
		}
	}
	if s.cfg.DHT {
		if err := s.startDHT(); err != nil {
			return err
		}
	}
	for _, b := range s.boot {
		s.dialer.add(b, true)
	}
	s.log.Info("p2p started", "peer", h.ID(), "addrs", h.Addrs())
	return nil
}

// goRun runs fn in a goroutine that Stop waits for.
func (s *Service) goRun(fn func(ctx context.Context)) {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if s.stopping {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		fn(s.ctx)
	}()
}

// Stop closes every connection and waits for the service's goroutines.
func (s *Service) Stop() error {
	if !s.started.Load() {
		return ErrNotStarted
	}
	var err error
	s.stopOnce.Do(func() {
		s.runMu.Lock()
		s.stopping = true
		s.runMu.Unlock()
		s.cancel()
		if s.mdns != nil {
			err = errors.Join(err, s.mdns.Close())
		}
		err = errors.Join(err, s.stopDHT())
		err = errors.Join(err, s.host.Close())
		s.wg.Wait()
		s.log.Info("p2p stopped")
	})
	return err
}

// ourStatus is the status message we send.
func (s *Service) ourStatus() *StatusMsg {
	return &StatusMsg{
		Version: ProtocolVersion,
		ChainID: s.cfg.ChainID,
		Genesis: s.cfg.Genesis,
		Head:    s.cfg.Chain.Head(),
	}
}

// onConnected is called by the swarm for every new connection.
func (s *Service) onConnected(_ network.Network, c network.Conn) {
	p := c.RemotePeer()
	if s.peers.add(p, c.Stat().Direction) {
		s.goRun(func(ctx context.Context) { s.handshake(ctx, p) })
	}
}

// onDisconnected is called by the swarm for every closed connection.
func (s *Service) onDisconnected(n network.Network, c network.Conn) {
	p := c.RemotePeer()
	if n.Connectedness(p) == network.Connected {
		return
	}
	s.txFetch.forget(p)
	if s.peers.remove(p) {
		s.log.Info("peer disconnected", "peer", p)
		s.dialer.dropped(p, s.host.Peerstore().Addrs(p))
	}
}

// penalise charges p for an offense and bans it past the threshold.
func (s *Service) penalise(p peer.ID, o Offense, err error) {
	if p == s.host.ID() {
		return
	}
	score := s.scores.add(p, o.Points(), time.Now())
	s.log.Debug("peer penalised", "peer", p, "offense", o, "points", o.Points(), "score", score, "err", err)
	// Points are whole and decay continuously: compare the rounded score,
	// so that two 50-point offenses in quick succession reach 100.
	if math.Round(score) >= s.cfg.BanThreshold {
		s.ban(p, s.cfg.BanDuration, fmt.Sprintf("score %.0f after %v: %v", score, o, err))
	}
}

// ban disconnects p and refuses it for d.
func (s *Service) ban(p peer.ID, d time.Duration, reason string) {
	s.gater.ban(p, time.Now().Add(d))
	s.scores.reset(p)
	s.log.Warn("peer banned", "peer", p, "for", d, "reason", reason)
	_ = s.host.Network().ClosePeer(p)
}

// refuse disconnects a peer of another network or protocol version, with
// the reason in the log, and keeps it out (no re-dial, no reconnect) for
// the ban duration.
func (s *Service) refuse(p peer.ID, reason error) {
	s.log.Warn("peer refused", "peer", p, "reason", reason)
	s.gater.ban(p, time.Now().Add(s.cfg.BanDuration))
	s.dialer.forget(p)
	_ = s.host.Network().ClosePeer(p)
}

// sleepCtx waits for d or until ctx ends; it reports whether d passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
