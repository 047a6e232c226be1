package p2p

import (
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/connmgr"
	"github.com/libp2p/go-libp2p/core/control"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// maxBans bounds the ban list: past it the ban that ends soonest goes. A
// ban costs the banned peer a new identity (free), so the bound only caps
// our memory; it is not what keeps a determined attacker out.
const maxBans = 8192

// gater is the connection gater: it refuses dials to and connections from
// banned peers (misbehaviour, another network: until a deadline) and
// blocked peers (by the operator, until unblocked: partitions in tests).
type gater struct {
	mu      sync.Mutex
	bans    map[peer.ID]time.Time // peer -> end of ban
	blocked map[peer.ID]struct{}
	now     func() time.Time
}

var _ connmgr.ConnectionGater = (*gater)(nil)

func newGater() *gater {
	return &gater{bans: make(map[peer.ID]time.Time), blocked: make(map[peer.ID]struct{}), now: time.Now}
}

// ban refuses p until until (extending, never shortening, a ban in force).
func (g *gater) ban(p peer.ID, until time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if cur, ok := g.bans[p]; ok && cur.After(until) {
		return
	}
	if _, ok := g.bans[p]; !ok && len(g.bans) >= maxBans {
		g.evictSoonest()
	}
	g.bans[p] = until
}

func (g *gater) evictSoonest() {
	now := g.now()
	var first peer.ID
	var firstEnd time.Time
	for p, end := range g.bans {
		if !end.After(now) {
			delete(g.bans, p)
			continue
		}
		if first == "" || end.Before(firstEnd) {
			first, firstEnd = p, end
		}
	}
	if len(g.bans) >= maxBans {
		delete(g.bans, first)
	}
}

// unban lifts p's ban.
func (g *gater) unban(p peer.ID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.bans, p)
}

// setBlocked blocks or unblocks p.
func (g *gater) setBlocked(p peer.ID, blocked bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if blocked {
		g.blocked[p] = struct{}{}
	} else {
		delete(g.blocked, p)
	}
}

// bannedUntil returns the end of p's ban, if one is in force.
func (g *gater) bannedUntil(p peer.ID) (time.Time, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	end, ok := g.bans[p]
	if ok && !end.After(g.now()) {
		delete(g.bans, p)
		return time.Time{}, false
	}
	return end, ok
}

// isBlocked reports whether the operator blocked p.
func (g *gater) isBlocked(p peer.ID) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	_, ok := g.blocked[p]
	return ok
}

// allowed reports whether p may be connected.
func (g *gater) allowed(p peer.ID) bool {
	if g.isBlocked(p) {
		return false
	}
	_, banned := g.bannedUntil(p)
	return !banned
}

// InterceptPeerDial implements connmgr.ConnectionGater.
func (g *gater) InterceptPeerDial(p peer.ID) bool { return g.allowed(p) }

// InterceptAddrDial implements connmgr.ConnectionGater.
func (g *gater) InterceptAddrDial(p peer.ID, _ ma.Multiaddr) bool { return g.allowed(p) }

// InterceptAccept implements connmgr.ConnectionGater. The peer id is not
// known before the security handshake; InterceptSecured decides.
func (g *gater) InterceptAccept(network.ConnMultiaddrs) bool { return true }

// InterceptSecured implements connmgr.ConnectionGater.
func (g *gater) InterceptSecured(_ network.Direction, p peer.ID, _ network.ConnMultiaddrs) bool {
	return g.allowed(p)
}

// InterceptUpgraded implements connmgr.ConnectionGater.
func (g *gater) InterceptUpgraded(network.Conn) (bool, control.DisconnectReason) { return true, 0 }
