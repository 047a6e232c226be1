package p2p

import (
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
)

// Offense is a kind of peer misbehaviour. Each costs a fixed number of
// points on the peer's score; at Config.BanThreshold (default 100) the peer
// is disconnected and banned. Scores decay (Config.ScoreHalfLife), so rare
// accidents are forgiven and only sustained or provable misbehaviour bans.
type Offense uint8

// Offenses, with their points at the default threshold of 100.
const (
	// OffenseInvalidBlock: a block that full validation rejects. Proof of
	// malice (or a broken node): 100, ban at once.
	OffenseInvalidBlock Offense = iota + 1
	// OffenseInvalidHeaders: sync headers that do not link or fail the
	// proof-of-work and difficulty checks: 100.
	OffenseInvalidHeaders
	// OffenseInvalidTx: a transaction the pool rejects as invalid: 20.
	OffenseInvalidTx
	// OffenseMalformed: bytes that do not decode: 50.
	OffenseMalformed
	// OffenseOversized: a message longer than its limit: 50.
	OffenseOversized
	// OffenseProtocol: a well-formed message the protocol does not allow
	// here (unrequested blocks, a response as a request): 20.
	OffenseProtocol
	// OffenseFlood: requests or gossip faster than the rate limits: 5.
	OffenseFlood
	// OffenseStall: a request not answered in time: 10.
	OffenseStall
)

// Points returns what the offense costs.
func (o Offense) Points() float64 {
	switch o {
	case OffenseInvalidBlock, OffenseInvalidHeaders:
		return 100
	case OffenseMalformed, OffenseOversized:
		return 50
	case OffenseInvalidTx, OffenseProtocol:
		return 20
	case OffenseStall:
		return 10
	case OffenseFlood:
		return 5
	}
	return 0
}

// String implements fmt.Stringer.
func (o Offense) String() string {
	switch o {
	case OffenseInvalidBlock:
		return "invalid block"
	case OffenseInvalidHeaders:
		return "invalid headers"
	case OffenseInvalidTx:
		return "invalid transaction"
	case OffenseMalformed:
		return "malformed message"
	case OffenseOversized:
		return "oversized message"
	case OffenseProtocol:
		return "protocol violation"
	case OffenseFlood:
		return "flood"
	case OffenseStall:
		return "stalled request"
	}
	return fmt.Sprintf("Offense(%d)", uint8(o))
}

// maxScoreEntries bounds the scoreboard. Scores outlive connections (a peer
// must not clear its score by reconnecting), so the table holds peers that
// left too; past the bound the lowest score is forgotten first.
const maxScoreEntries = 4096

// scoreboard holds each peer's misbehaviour score, decaying exponentially.
type scoreboard struct {
	halfLife time.Duration

	mu      sync.Mutex
	entries map[peer.ID]*scoreEntry
}

type scoreEntry struct {
	points  float64
	updated time.Time
}

func newScoreboard(halfLife time.Duration) *scoreboard {
	return &scoreboard{halfLife: halfLife, entries: make(map[peer.ID]*scoreEntry)}
}

// decayed returns e's points at now.
func (s *scoreboard) decayed(e *scoreEntry, now time.Time) float64 {
	dt := now.Sub(e.updated)
	if dt <= 0 {
		return e.points
	}
	return e.points * math.Exp2(-float64(dt)/float64(s.halfLife))
}

// add adds points to p's score and returns the new score.
func (s *scoreboard) add(p peer.ID, points float64, now time.Time) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entries[p]
	if e == nil {
		if len(s.entries) >= maxScoreEntries {
			s.evictLowest(now)
		}
		e = &scoreEntry{updated: now}
		s.entries[p] = e
	}
	e.points = s.decayed(e, now) + points
	e.updated = now
	return e.points
}

// get returns p's score at now (0 for a peer without one).
func (s *scoreboard) get(p peer.ID, now time.Time) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.entries[p]; e != nil {
		return s.decayed(e, now)
	}
	return 0
}

// reset forgets p's score (after a ban has dealt with it).
func (s *scoreboard) reset(p peer.ID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.entries, p)
}

func (s *scoreboard) evictLowest(now time.Time) {
	var low peer.ID
	lowScore := math.Inf(1)
	for p, e := range s.entries {
		if v := s.decayed(e, now); v < lowScore {
			low, lowScore = p, v
		}
	}
	delete(s.entries, low)
}
