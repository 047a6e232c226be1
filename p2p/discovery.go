package p2p

import (
	"context"
	"encoding/hex"
	"fmt"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/discovery/mdns"
)

// mDNS discovery (Config.MDNS): nodes on the same LAN find each other
// under a service name derived from the genesis hash, so networks on one
// LAN do not meet. Found peers are dialled once; the status handshake
// decides whether they stay.

// mdnsNotifee dials the peers mDNS finds.
type mdnsNotifee struct{ s *Service }

// HandlePeerFound implements mdns.Notifee.
func (n mdnsNotifee) HandlePeerFound(info peer.AddrInfo) {
	s := n.s
	if info.ID == s.host.ID() || s.host.Network().Connectedness(info.ID) == network.Connected || !s.gater.allowed(info.ID) {
		return
	}
	s.goRun(func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, s.cfg.HandshakeTimeout)
		defer cancel()
		if err := s.host.Connect(ctx, info); err != nil {
			s.log.Debug("mdns dial failed", "peer", info.ID, "err", err)
		}
	})
}

func (s *Service) startMDNS() error {
	name := "quarry-" + hex.EncodeToString(s.cfg.Genesis[:8])
	svc := mdns.NewMdnsService(s.host, name, mdnsNotifee{s})
	if err := svc.Start(); err != nil {
		return fmt.Errorf("p2p: mdns: %w", err)
	}
	s.mdns = svc
	return nil
}
