package p2p

import (
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"golang.org/x/time/rate"

	"github.com/quarry-chain/quarry/chain/types"
)

// maxServePerPeer is how many sync requests of one peer we serve at once;
// more are refused (and count as a flood), so one peer cannot tie up our
// disk and CPU with parallel requests.
const maxServePerPeer = 8

// maxServeDelay is the longest a request over its peer's rate is held
// before it is served; a peer that would wait longer is flooding.
const maxServeDelay = 2 * time.Second

// peerRecord is what we know of a connected peer.
type peerRecord struct {
	id          peer.ID
	dir         network.Direction
	connectedAt time.Time
	handshaken  bool
	head        Head // from its last status message
	serveLimit  *rate.Limiter
	gossipLimit *rate.Limiter // transactions relayed to us
	blockLimit  *rate.Limiter // blocks relayed to us
	serving     int           // sync requests being served
	stalls      int           // requests that timed out since its last good answer
	// exhausted is the head hash at which syncing from this peer last
	// found nothing new: it is not asked again until its head changes.
	exhausted types.Hash
}

// peerSet is the set of connected peers. Its size is bounded by the
// connection limits of the resource manager and connection manager.
type peerSet struct {
	mu    sync.Mutex
	peers map[peer.ID]*peerRecord
	cfg   *Config
}

func newPeerSet(cfg *Config) *peerSet {
	return &peerSet{peers: make(map[peer.ID]*peerRecord), cfg: cfg}
}

// add records a new connection to p; it reports whether p was new.
func (ps *peerSet) add(p peer.ID, dir network.Direction) bool {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if _, ok := ps.peers[p]; ok {
		return false
	}
	ps.peers[p] = &peerRecord{
		id:          p,
		dir:         dir,
		connectedAt: time.Now(),
		serveLimit:  rate.NewLimiter(rate.Limit(ps.cfg.ServeRate), ps.cfg.ServeBurst),
		gossipLimit: rate.NewLimiter(rate.Limit(ps.cfg.GossipRate), ps.cfg.GossipBurst),
		blockLimit:  rate.NewLimiter(rate.Limit(ps.cfg.BlockGossipRate), ps.cfg.BlockGossipBurst),
	}
	return true
}

// remove forgets p; it reports whether p had completed the handshake.
func (ps *peerSet) remove(p peer.ID) bool {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	rec, ok := ps.peers[p]
	delete(ps.peers, p)
	return ok && rec.handshaken
}

// snapshot returns a copy of p's record (without its limiters' identity
// mattering to the caller).
func (ps *peerSet) snapshot(p peer.ID) (peerRecord, bool) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	rec, ok := ps.peers[p]
	if !ok {
		return peerRecord{}, false
	}
	return *rec, true
}

// all returns copies of every record.
func (ps *peerSet) all() []peerRecord {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	out := make([]peerRecord, 0, len(ps.peers))
	for _, rec := range ps.peers {
		out = append(out, *rec)
	}
	return out
}

// setHead records p's head from a status message and marks the handshake
// done; it reports whether p is still connected.
func (ps *peerSet) setHead(p peer.ID, h Head) bool {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	rec, ok := ps.peers[p]
	if ok {
		rec.head = h
		rec.handshaken = true
	}
	return ok
}

// setExhausted notes that p had nothing new for us at head hash.
func (ps *peerSet) setExhausted(p peer.ID, hash types.Hash) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if rec, ok := ps.peers[p]; ok {
		rec.exhausted = hash
	}
}

// allowServe admits one request of p: it takes a serving slot and a
// token of p's request rate, and returns how long to wait before serving
// (the token's delay), so a peer slightly over its rate is slowed down, not
// punished. It returns false, and p should be charged for a flood, when p
// already has maxServePerPeer requests being served or would wait more
// than maxServeDelay. release gives the slot back. A peer not in the set
// (a stream racing its connection's notification) is admitted.
func (ps *peerSet) allowServe(p peer.ID) (time.Duration, bool) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	rec, ok := ps.peers[p]
	if !ok {
		return 0, true
	}
	if rec.serving >= maxServePerPeer {
		return 0, false
	}
	r := rec.serveLimit.Reserve()
	if d := r.Delay(); !r.OK() || d > maxServeDelay {
		r.Cancel()
		return 0, false
	}
	rec.serving++
	return r.Delay(), true
}

func (ps *peerSet) release(p peer.ID) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if rec, ok := ps.peers[p]; ok && rec.serving > 0 {
		rec.serving--
	}
}

// allowGossip takes one of p's transaction gossip tokens (a block token
// if block). A peer not (yet) in the set is allowed: pubsub only delivers
// from connected peers, and the record may lag the connection by a moment.
func (ps *peerSet) allowGossip(p peer.ID, block bool) bool {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	rec, ok := ps.peers[p]
	if !ok {
		return true
	}
	if block {
		return rec.blockLimit.Allow()
	}
	return rec.gossipLimit.Allow()
}

// stalled counts a timeout of p and returns its count of consecutive ones.
func (ps *peerSet) stalled(p peer.ID) int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	rec, ok := ps.peers[p]
	if !ok {
		return 0
	}
	rec.stalls++
	return rec.stalls
}

// answered clears p's stall count.
func (ps *peerSet) answered(p peer.ID) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if rec, ok := ps.peers[p]; ok {
		rec.stalls = 0
	}
}
