package p2p

import (
	"context"
	"testing"
	"time"
)

func TestHandshakeAccepted(t *testing.T) {
	t.Parallel()
	ca, cb := newFakeChain(0), newFakeChain(0)
	cb.add(t, makeChain(cb.genesis, 5, 1))
	a := startNode(t, ca, nil)
	b := startNode(t, cb, func(c *Config) {
		// QUIC as well, to prove the second transport works.
		c.ListenAddrs = []string{"/ip4/127.0.0.1/udp/0/quic-v1"}
	})
	connect(t, a, b)
	for _, p := range a.svc.Peers() {
		if p.ID != b.svc.Self().ID {
			continue
		}
		if p.Head.Height != 5 || p.Head.Hash != cb.Head().Hash || p.Head.TotalWork.Int64() != 6 || p.Inbound {
			t.Fatalf("a's view of b: %+v", p)
		}
	}
	// a is behind b, so it syncs the five blocks.
	waitFor(t, 10*time.Second, "a to sync b's blocks", func() bool { return ca.Head().Hash == cb.Head().Hash })
}

func TestHandshakeRefusesOtherNetwork(t *testing.T) {
	t.Parallel()
	a := startNode(t, newFakeChain(0), nil)
	b := startNode(t, newFakeChain(1), nil) // another genesis
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// The dial itself may succeed; the handshake must then fail.
	_ = a.svc.ConnectPeer(ctx, b.addr())
	aID, bID := a.svc.Self().ID, b.svc.Self().ID
	// Whichever side notices first refuses (and bans) the other; the
	// other may only see the connection drop.
	waitFor(t, 5*time.Second, "the other network to be refused", func() bool {
		_, aBanned := a.svc.BannedUntil(bID)
		_, bBanned := b.svc.BannedUntil(aID)
		return (aBanned || bBanned) && len(a.svc.Peers()) == 0 && len(b.svc.Peers()) == 0
	})
	// It stays out: no re-dial from a, and b is refused if it dials a.
	time.Sleep(500 * time.Millisecond)
	if n := len(a.svc.Peers()); n != 0 {
		t.Fatalf("a has %d peers after refusing b", n)
	}
	if handshaken(a, b) || handshaken(b, a) {
		t.Fatal("handshake completed across networks")
	}
	if err := b.svc.ConnectPeer(ctx, a.addr()); err == nil {
		waitFor(t, 3*time.Second, "b's connection to be dropped", func() bool {
			return len(a.svc.Peers()) == 0
		})
	}
}
