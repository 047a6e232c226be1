package p2p

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// PeerInfo describes a connected peer, for the node's admin RPC.
type PeerInfo struct {
	ID          peer.ID
	Addrs       []ma.Multiaddr // of the open connections
	Inbound     bool
	ConnectedAt time.Time
	// Handshaken is false until the status exchange completed; Head is
	// the peer's chain head from its last status message.
	Handshaken bool
	Head       Head
	// Score is our misbehaviour score of the peer (0 is clean; banned at
	// Config.BanThreshold). GossipScore is GossipSub's peer score (negative
	// is bad), refreshed every second.
	Score       float64
	GossipScore float64
}

// SelfInfo is our own peer id and the addresses we listen on.
type SelfInfo struct {
	ID    peer.ID
	Addrs []ma.Multiaddr
}

// Self returns our peer id and listen addresses. Before Start it returns
// the id with no addresses.
func (s *Service) Self() SelfInfo {
	id, _ := peer.IDFromPrivateKey(s.key)
	if !s.started.Load() {
		return SelfInfo{ID: id}
	}
	return SelfInfo{ID: id, Addrs: s.host.Addrs()}
}

// Peers lists the connected peers, sorted by id.
func (s *Service) Peers() []PeerInfo {
	if !s.started.Load() {
		return nil
	}
	var gs map[peer.ID]float64
	if m := s.gossipScore.Load(); m != nil {
		gs = *m
	}
	now := time.Now()
	var out []PeerInfo
	for _, rec := range s.peers.all() {
		info := PeerInfo{
			ID:          rec.id,
			Inbound:     rec.dir == network.DirInbound,
			ConnectedAt: rec.connectedAt,
			Handshaken:  rec.handshaken,
			Head:        rec.head,
			Score:       s.scores.get(rec.id, now),
			GossipScore: gs[rec.id],
		}
		if info.Head.TotalWork == nil {
			info.Head.TotalWork = new(big.Int)
		}
		for _, c := range s.host.Network().ConnsToPeer(rec.id) {
			info.Addrs = append(info.Addrs, c.RemoteMultiaddr())
		}
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b PeerInfo) int { return cmpID(a.ID, b.ID) })
	return out
}

func cmpID(a, b peer.ID) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Score returns our misbehaviour score of p (also for a peer that left).
func (s *Service) Score(p peer.ID) float64 { return s.scores.get(p, time.Now()) }

// BannedUntil reports whether p is banned, and until when.
func (s *Service) BannedUntil(p peer.ID) (time.Time, bool) { return s.gater.bannedUntil(p) }

// ConnectPeer dials a peer given as a multiaddr with a /p2p/ suffix, and
// keeps re-dialling it whenever it drops (until DisconnectPeer).
func (s *Service) ConnectPeer(ctx context.Context, addr string) error {
	if !s.started.Load() {
		return ErrNotStarted
	}
	info, err := ParsePeerAddr(addr)
	if err != nil {
		return err
	}
	if info.ID == s.host.ID() {
		return ErrSelf
	}
	if !s.gater.allowed(info.ID) {
		return fmt.Errorf("%w: %s", ErrBanned, info.ID)
	}
	s.dialer.add(info, true)
	if err := s.host.Connect(ctx, info); err != nil {
		return fmt.Errorf("p2p: connect %s: %w", info.ID, err)
	}
	return nil
}

// DisconnectPeer closes every connection to p and stops re-dialling it.
// p may connect to us again.
func (s *Service) DisconnectPeer(p peer.ID) error {
	if !s.started.Load() {
		return ErrNotStarted
	}
	s.dialer.forget(p)
	return s.host.Network().ClosePeer(p)
}

// BanPeer disconnects p and refuses it for d.
func (s *Service) BanPeer(p peer.ID, d time.Duration) error {
	if !s.started.Load() {
		return ErrNotStarted
	}
	if p == s.host.ID() {
		return ErrSelf
	}
	s.ban(p, d, "by the operator")
	return nil
}

// UnbanPeer lifts p's ban.
func (s *Service) UnbanPeer(p peer.ID) { s.gater.unban(p) }

// BlockPeer cuts p off until UnblockPeer: it is disconnected, and dials
// and connections either way are refused, but it stays on the re-dial list.
// It is how tests (and operators) partition a network.
func (s *Service) BlockPeer(p peer.ID) error {
	if !s.started.Load() {
		return ErrNotStarted
	}
	if p == s.host.ID() {
		return ErrSelf
	}
	s.gater.setBlocked(p, true)
	s.log.Info("peer blocked", "peer", p)
	return s.host.Network().ClosePeer(p)
}

// UnblockPeer heals a BlockPeer: p is allowed again and, if it is on the
// re-dial list, dialled at once.
func (s *Service) UnblockPeer(p peer.ID) {
	s.gater.setBlocked(p, false)
	if s.started.Load() {
		s.dialer.redialNow(p)
		s.log.Info("peer unblocked", "peer", p)
	}
}
