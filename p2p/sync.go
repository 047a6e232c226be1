package p2p

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/quarry-chain/quarry/chain/types"
)

// Sync, headers first. When a peer's status shows more total work than our
// chain (or it sent us an orphan block), the syncer asks it for headers
// after our block locator, checks that they link and pass Chain.CheckHeaders
// (proof of work, difficulty, time), then downloads the bodies in parallel
// from every peer that may have them, BlocksPerRequest at a time, at most
// MaxInflightPerPeer requests per peer and never more than SyncWindow blocks
// ahead of the next block to import; blocks are submitted in order as they
// arrive. A request that fails or times out goes to another peer; the peer
// is penalised and after maxStalls timeouts in a row disconnected. Rounds
// repeat with the next batch of headers until the peer has nothing more.

// syncCheckInterval is how often the syncer looks for a better peer even
// when nothing pokes it.
const syncCheckInterval = 2 * time.Second

// maxStalls is how many requests in a row a peer may let time out before
// it is disconnected.
const maxStalls = 3

// syncer runs one sync at a time.
type syncer struct {
	s     *Service
	pokeC chan struct{}

	mu     sync.Mutex
	forced peer.ID // a peer that sent us an orphan: sync from it next
}

func newSyncer(s *Service) *syncer {
	return &syncer{s: s, pokeC: make(chan struct{}, 1)}
}

// poke asks the syncer to look for a better peer now.
func (sy *syncer) poke() {
	select {
	case sy.pokeC <- struct{}{}:
	default:
	}
}

// fetchFrom asks the syncer to sync from p, which has blocks we lack (it
// sent us an orphan). One such request is remembered; a newer one replaces
// it, so a flood of orphans costs nothing but this slot.
func (sy *syncer) fetchFrom(p peer.ID) {
	sy.mu.Lock()
	sy.forced = p
	sy.mu.Unlock()
	sy.poke()
}

func (sy *syncer) run(ctx context.Context) {
	t := time.NewTicker(syncCheckInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-sy.pokeC:
		case <-t.C:
		}
		if p, ok := sy.pick(); ok {
			sy.syncFrom(ctx, p)
		}
	}
}

// pick chooses the peer to sync from: the one that sent an orphan, else
// the handshaken peer with the most work above ours that has not already
// run dry at its current head.
func (sy *syncer) pick() (peer.ID, bool) {
	sy.mu.Lock()
	forced := sy.forced
	sy.forced = ""
	sy.mu.Unlock()
	if forced != "" {
		if rec, ok := sy.s.peers.snapshot(forced); ok && rec.handshaken {
			return forced, true
		}
	}
	ours := sy.s.cfg.Chain.Head().TotalWork
	var best peer.ID
	bestWork := ours
	for _, rec := range sy.s.peers.all() {
		if !rec.handshaken || rec.head.TotalWork == nil || rec.exhausted == rec.head.Hash {
			continue
		}
		if rec.head.TotalWork.Cmp(bestWork) > 0 {
			best, bestWork = rec.id, rec.head.TotalWork
		}
	}
	return best, best != ""
}

// syncFrom downloads p's chain past ours, batch by batch.
func (sy *syncer) syncFrom(ctx context.Context, p peer.ID) {
	s := sy.s
	rec, ok := s.peers.snapshot(p)
	if !ok {
		return
	}
	prog := newProgress(s, p, rec.head.Height)
	defer prog.finish()
	var last types.Hash // the last header of the previous batch
	for ctx.Err() == nil {
		locator := s.cfg.Chain.BlockLocator()
		if !last.IsZero() {
			// The previous batch may sit on a side branch that our
			// locator (from the active tip) does not mention.
			locator = append([]types.Hash{last}, locator...)
		}
		rctx, cancel := context.WithTimeout(ctx, s.cfg.RequestTimeout)
		hdrs, err := s.getHeaders(rctx, p, locator, types.Hash{}, MaxHeadersPerMsg)
		cancel()
		if err != nil {
			sy.failed(p, err)
			return
		}
		s.peers.answered(p)
		fresh, err := sy.checkHeaders(hdrs)
		if err != nil {
			s.penalise(p, OffenseInvalidHeaders, err)
			return
		}
		if len(fresh) > 0 {
			prog.target(fresh[len(fresh)-1].Height)
			if err := sy.fetchBodies(ctx, p, fresh, prog); err != nil {
				s.log.Info("sync round failed", "peer", p, "err", err)
				return
			}
		}
		if len(hdrs) < MaxHeadersPerMsg {
			// p has nothing past this batch: do not ask it again until
			// its head changes.
			s.peers.setExhausted(p, rec.head.Hash)
			if len(hdrs) > 0 {
				// Others may be ahead still: look again at once.
				sy.poke()
			}
			return
		}
		last = hdrs[len(hdrs)-1].Hash()
	}
}

// failed handles a failed request to p: penalise what it proves, and
// disconnect p after maxStalls timeouts in a row.
func (sy *syncer) failed(p peer.ID, err error) {
	s := sy.s
	s.log.Debug("sync request failed", "peer", p, "err", err)
	o, ok := offenseOf(err)
	if !ok {
		return
	}
	s.penalise(p, o, err)
	if o == OffenseStall && s.peers.stalled(p) >= maxStalls {
		s.log.Info("dropping stalled peer", "peer", p)
		_ = s.host.Network().ClosePeer(p)
	}
}

// checkHeaders checks that hdrs is a chain hanging off a block we have,
// and returns the part we do not have yet, checked by Chain.CheckHeaders.
func (sy *syncer) checkHeaders(hdrs []*types.Header) ([]*types.Header, error) {
	if len(hdrs) == 0 {
		return nil, nil
	}
	chain := sy.s.cfg.Chain
	if !chain.HaveBlock(hdrs[0].ParentHash) {
		return nil, fmt.Errorf("%w: first header's parent %v is unknown", ErrBadResponse, hdrs[0].ParentHash)
	}
	prev := hdrs[0].ParentHash
	for i, h := range hdrs {
		if h.ParentHash != prev || (i > 0 && h.Height != hdrs[i-1].Height+1) {
			return nil, fmt.Errorf("%w: header %d (height %d) does not extend the one before", ErrBadResponse, i, h.Height)
		}
		prev = h.Hash()
	}
	// Skip what we have: everything up to the last known header.
	first := 0
	for first < len(hdrs) && chain.HaveBlock(hdrs[first].Hash()) {
		first++
	}
	fresh := hdrs[first:]
	if len(fresh) == 0 {
		return nil, nil
	}
	if err := chain.CheckHeaders(fresh); err != nil {
		return nil, err
	}
	return fresh, nil
}

// chunk is one GetBlocks request's worth of a batch: indexes into it.
type chunk struct {
	idx      []int
	excluded map[peer.ID]bool // peers that failed this chunk
}

// fetchResult is a finished GetBlocks request.
type fetchResult struct {
	c      *chunk
	p      peer.ID
	blocks []*types.Block
	err    error
}

// fetchBodies downloads the blocks of hdrs (a checked chain we lack) from
// every capable peer and submits them in order. The header source src is
// blamed if a block it vouched for is invalid.
func (sy *syncer) fetchBodies(ctx context.Context, src peer.ID, hdrs []*types.Header, prog *progress) error {
	s := sy.s
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	n := len(hdrs)
	hashes := make([]types.Hash, n)
	pos := make(map[types.Hash]int, n)
	for i, h := range hdrs {
		hashes[i] = h.Hash()
		pos[hashes[i]] = i
	}
	var pending []*chunk
	for i := 0; i < n; i += s.cfg.BlocksPerRequest {
		c := &chunk{excluded: make(map[peer.ID]bool)}
		for j := i; j < min(n, i+s.cfg.BlocksPerRequest); j++ {
			c.idx = append(c.idx, j)
		}
		pending = append(pending, c)
	}
	got := make([]*types.Block, n)
	next := 0 // the next block to submit
	inflight := make(map[peer.ID]int)
	total := 0
	results := make(chan fetchResult)

	for next < n {
		// Dispatch chunks inside the window to the least busy peers.
		candidates := sy.bodyPeers(src, hdrs[n-1].Height)
		for len(pending) > 0 && pending[0].idx[0] < next+s.cfg.SyncWindow {
			c := pending[0]
			p, ok := leastBusy(candidates, inflight, c.excluded, s.cfg.MaxInflightPerPeer)
			if !ok {
				break
			}
			pending = pending[1:]
			inflight[p]++
			total++
			want := make([]types.Hash, len(c.idx))
			for k, i := range c.idx {
				want[k] = hashes[i]
			}
			go func() {
				rctx, rcancel := context.WithTimeout(ctx, s.cfg.RequestTimeout)
				blocks, err := s.getBlocks(rctx, p, want)
				rcancel()
				select {
				case results <- fetchResult{c: c, p: p, blocks: blocks, err: err}:
				case <-ctx.Done():
				}
			}()
		}
		if total == 0 {
			return fmt.Errorf("%w: %d blocks from height %d", ErrNoPeers, n-next, hdrs[next].Height)
		}
		var r fetchResult
		select {
		case <-ctx.Done():
			return ctx.Err()
		case r = <-results:
		}
		inflight[r.p]--
		total--
		if r.err != nil {
			sy.failed(r.p, r.err)
			r.c.excluded[r.p] = true
			pending = slices.Insert(pending, 0, r.c)
			continue
		}
		s.peers.answered(r.p)
		missing := r.c.idx[:0:0]
		have := make(map[int]bool, len(r.blocks))
		for _, b := range r.blocks {
			i := pos[b.Hash()]
			got[i], have[i] = b, true
		}
		for _, i := range r.c.idx {
			if !have[i] {
				missing = append(missing, i)
			}
		}
		if len(missing) > 0 {
			// r.p lacks some (another branch, or pruned): ask others.
			r.c.idx = missing
			r.c.excluded[r.p] = true
			pending = slices.Insert(pending, 0, r.c)
		}
		// Submit what is contiguous.
		for next < n && got[next] != nil {
			b := got[next]
			got[next] = nil
			v := s.cfg.Chain.SubmitBlock(b)
			if v.Outcome == Reject {
				s.penalise(src, OffenseInvalidBlock, v.Err)
				return fmt.Errorf("block %v at height %d rejected: %w", hashes[next], b.Height(), v.Err)
			}
			next++
			prog.add(1, b.Height())
		}
	}
	return nil
}

// bodyPeers lists the peers that may have blocks up to height: the header
// source, and every handshaken peer whose head is at least that high.
func (sy *syncer) bodyPeers(src peer.ID, height uint64) []peer.ID {
	out := []peer.ID{}
	for _, rec := range sy.s.peers.all() {
		if rec.id == src || (rec.handshaken && rec.head.Height >= height) {
			out = append(out, rec.id)
		}
	}
	slices.Sort(out) // deterministic order, for reproducible logs
	return out
}

// leastBusy returns the candidate with the fewest requests in flight that
// is below the limit and not excluded.
func leastBusy(candidates []peer.ID, inflight map[peer.ID]int, excluded map[peer.ID]bool, limit int) (peer.ID, bool) {
	var best peer.ID
	bestN := limit
	for _, p := range candidates {
		if excluded[p] {
			continue
		}
		if n := inflight[p]; n < bestN {
			best, bestN = p, n
		}
	}
	return best, best != ""
}

// progress logs sync progress every ProgressInterval.
type progress struct {
	s       *Service
	p       peer.ID
	start   time.Time
	lastLog time.Time
	blocks  int
	height  uint64
	goal    uint64
}

func newProgress(s *Service, p peer.ID, goal uint64) *progress {
	now := time.Now()
	return &progress{s: s, p: p, start: now, lastLog: now, goal: goal}
}

func (pr *progress) target(h uint64) {
	if h > pr.goal {
		pr.goal = h
	}
}

func (pr *progress) add(n int, height uint64) {
	pr.blocks += n
	pr.height = height
	now := time.Now()
	if now.Sub(pr.lastLog) < pr.s.cfg.ProgressInterval {
		return
	}
	pr.lastLog = now
	rate := float64(pr.blocks) / now.Sub(pr.start).Seconds()
	var eta time.Duration
	if rate > 0 && pr.goal > height {
		eta = time.Duration(float64(pr.goal-height) / rate * float64(time.Second)).Round(time.Second)
	}
	pr.s.log.Info("sync progress", "peer", pr.p, "height", height, "target", pr.goal,
		"blocks", pr.blocks, "rate", fmt.Sprintf("%.1f blk/s", rate), "eta", eta)
}

func (pr *progress) finish() {
	if pr.blocks == 0 {
		return
	}
	el := time.Since(pr.start)
	pr.s.log.Info("sync done", "peer", pr.p, "height", pr.height, "blocks", pr.blocks,
		"elapsed", el.Round(time.Millisecond), "rate", fmt.Sprintf("%.1f blk/s", float64(pr.blocks)/el.Seconds()))
}
