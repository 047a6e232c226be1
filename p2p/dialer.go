package p2p

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// The dialer keeps us connected: it dials the bootnodes and the peers the
// operator added, and re-dials those and any peer that completed a
// handshake after they drop, with exponential backoff (RedialMin doubling
// to RedialMax, with jitter). Bootnodes and added peers are re-dialled for
// ever; other dropped peers only while we are below the connection low
// water mark, and for at most maxRedialAttempts tries. Banned, blocked and
// incompatible peers are skipped.

const (
	// maxDialTargets bounds the re-dial list; past it, new dropped peers
	// are not remembered.
	maxDialTargets = 256
	// maxRedialAttempts is how often a dropped (non-persistent) peer is
	// tried before it is forgotten.
	maxRedialAttempts = 8
	// dialTick is how often the dialer looks for targets that are due.
	dialTick = 250 * time.Millisecond
	// maxConcurrentDials bounds dials in progress.
	maxConcurrentDials = 8
)

type dialTarget struct {
	info       peer.AddrInfo
	persistent bool // a bootnode or added by the operator
	attempts   int
	backoff    time.Duration
	next       time.Time
	dialling   bool
}

type dialer struct {
	s *Service

	mu      sync.Mutex
	targets map[peer.ID]*dialTarget
	slots   chan struct{}
}

func newDialer(s *Service) *dialer {
	return &dialer{s: s, targets: make(map[peer.ID]*dialTarget), slots: make(chan struct{}, maxConcurrentDials)}
}

// add makes p a target, due now.
func (d *dialer) add(info peer.AddrInfo, persistent bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t := d.targets[info.ID]
	if t == nil {
		if len(d.targets) >= maxDialTargets && !persistent {
			return
		}
		t = &dialTarget{}
		d.targets[info.ID] = t
	}
	t.info = info
	t.persistent = t.persistent || persistent
	t.attempts = 0
	t.backoff = 0
	t.next = time.Time{}
}

// dropped re-dials a handshaken peer that disconnected, after RedialMin.
func (d *dialer) dropped(p peer.ID, addrs []ma.Multiaddr) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t := d.targets[p]
	if t == nil {
		// A peer dropped for a ban or for being of another network is not
		// worth remembering.
		if len(addrs) == 0 || len(d.targets) >= maxDialTargets || !d.s.gater.allowed(p) {
			return
		}
		t = &dialTarget{info: peer.AddrInfo{ID: p, Addrs: addrs}}
		d.targets[p] = t
	}
	t.next = time.Now().Add(max(d.s.cfg.RedialMin, t.backoff))
}

// connected resets p's backoff after a successful handshake.
func (d *dialer) connected(p peer.ID) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if t := d.targets[p]; t != nil {
		t.attempts, t.backoff = 0, 0
	}
}

// forget stops re-dialling p.
func (d *dialer) forget(p peer.ID) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.targets, p)
}

// redialNow makes p due at once, if it is a target.
func (d *dialer) redialNow(p peer.ID) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if t := d.targets[p]; t != nil {
		t.next, t.backoff = time.Time{}, 0
	}
}

func (d *dialer) run(ctx context.Context) {
	t := time.NewTicker(dialTick)
	defer t.Stop()
	for {
		d.dialDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// dialDue starts a dial for every target that is due, disconnected and
// allowed.
func (d *dialer) dialDue(ctx context.Context) {
	s := d.s
	now := time.Now()
	belowLow := len(s.host.Network().Peers()) < s.cfg.LowWater
	d.mu.Lock()
	defer d.mu.Unlock()
	for id, t := range d.targets {
		if t.dialling || now.Before(t.next) || (!t.persistent && !belowLow) {
			continue
		}
		if s.host.Network().Connectedness(id) == network.Connected || !s.gater.allowed(id) {
			continue
		}
		select {
		case d.slots <- struct{}{}:
		default:
			return
		}
		t.dialling = true
		info := t.info
		s.goRun(func(ctx context.Context) {
			defer func() { <-d.slots }()
			dctx, cancel := context.WithTimeout(ctx, s.cfg.HandshakeTimeout)
			err := s.host.Connect(dctx, info)
			cancel()
			d.dialed(id, err)
		})
	}
}

// dialed records the outcome of a dial.
func (d *dialer) dialed(p peer.ID, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t := d.targets[p]
	if t == nil {
		return
	}
	t.dialling = false
	// Every dial moves the backoff on, even one that connects: only a
	// completed handshake (connected) resets it, so a peer that accepts
	// connections and then fails the handshake is not hammered.
	t.attempts++
	if !t.persistent && t.attempts >= maxRedialAttempts {
		delete(d.targets, p)
		return
	}
	if t.backoff == 0 {
		t.backoff = d.s.cfg.RedialMin
	} else {
		t.backoff = min(2*t.backoff, d.s.cfg.RedialMax)
	}
	// Jitter of up to a quarter, so peers that dropped together do not
	// all come back in step.
	jitter := time.Duration(rand.Int64N(int64(t.backoff)/4 + 1))
	t.next = time.Now().Add(t.backoff + jitter)
	if err != nil {
		d.s.log.Debug("dial failed", "peer", p, "attempt", t.attempts, "retry in", t.backoff+jitter, "err", err)
	}
}
