package miner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/miner/sha256x"
)

// MaxThreads bounds SetThreads: far more goroutines than any machine has
// cores only adds scheduling overhead.
const MaxThreads = 1024

// Defaults for Config.
const (
	DefaultRecommit    = 2 * time.Second
	DefaultLogInterval = 30 * time.Second
	// waitPoll is how often a miner waiting for transactions (WaitForTxs)
	// asks the source again when it has no TxNotify channel.
	waitPoll = 100 * time.Millisecond
	// retryDelay is the pause after a template could not be built.
	retryDelay = 250 * time.Millisecond
	// staleDelay is the pause when the tip moved while a template was
	// being built: the chain is mid-import, and will be done in a moment.
	staleDelay = 2 * time.Millisecond
)

// errNothingToMine: WaitForTxs found no transaction that fits a block.
var errNothingToMine = errors.New("miner: no transactions to mine")

// Config holds what New needs. Chain is required.
type Config struct {
	Chain Chain
	// Source offers transactions; nil mines empty blocks.
	Source TxSource
	// TxNotify, if set, receives when the source has new transactions: an
	// empty template is rebuilt at once, a non-empty one at the next
	// Recommit. With WaitForTxs it wakes a waiting miner. It must not be
	// closed while the miner runs.
	TxNotify <-chan struct{}
	// Coinbase receives the subsidy and fees of mined blocks.
	Coinbase types.Address
	// Threads is how many goroutines search (0: runtime.NumCPU()).
	Threads int
	// Extra's first 8 bytes go into every header's extra field (vanity);
	// the last 8 are overwritten with a random value per template.
	Extra [types.HeaderExtraSize]byte
	// WaitForTxs mines only while the source has transactions (geth's
	// --dev.period 0).
	WaitForTxs bool
	// Recommit is how often a template with transactions is rebuilt, to
	// take in newer transactions and time (default DefaultRecommit).
	Recommit time.Duration
	// LogInterval is how often a progress line is logged (default
	// DefaultLogInterval).
	LogInterval time.Duration
	// OnBlock is called, on the miner's goroutine, with every mined block
	// the chain accepted; the node announces it. It should return quickly:
	// the next search starts after it.
	OnBlock func(*types.Block)
	// Impl is the hashing kernel (default sha256x.Fastest()).
	Impl   sha256x.Impl
	Logger *slog.Logger
	// Now is the clock for header times (default time.Now).
	Now func() time.Time
}

// Miner searches proofs of work for new blocks. Its methods are safe for
// concurrent use.
type Miner struct {
	cfg   Config
	log   *slog.Logger
	impl  sha256x.Impl
	meter meter

	threads  atomic.Int32
	coinbase atomic.Pointer[types.Address]

	mu  sync.Mutex // guards run
	run *run

	// onSearch, if set (by tests), is called each time workers start on a
	// template, with the template's parent.
	onSearch func(parent types.Hash)
}

// run is one Start..Stop period.
type run struct {
	cancel  context.CancelFunc
	done    chan struct{}
	unsub   func()
	head    chan struct{} // the tip moved
	changed chan struct{} // threads or coinbase changed
	cur     atomic.Pointer[search]
}

// New returns a stopped miner.
func New(cfg Config) (*Miner, error) {
	if cfg.Chain == nil {
		return nil, fmt.Errorf("%w: Chain is required", ErrConfig)
	}
	if cfg.Impl == 0 {
		cfg.Impl = sha256x.Fastest()
	}
	if !cfg.Impl.Available() {
		return nil, fmt.Errorf("%w: %w: %v", ErrConfig, sha256x.ErrUnavailable, cfg.Impl)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Recommit <= 0 {
		cfg.Recommit = DefaultRecommit
	}
	if cfg.LogInterval <= 0 {
		cfg.LogInterval = DefaultLogInterval
	}
	m := &Miner{cfg: cfg, log: cfg.Logger, impl: cfg.Impl}
	if err := m.SetThreads(cfg.Threads); err != nil {
		return nil, err
	}
	m.SetCoinbase(cfg.Coinbase)
	return m, nil
}

// Start begins mining until Stop or until ctx ends.
func (m *Miner) Start(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.run != nil {
		select {
		case <-m.run.done: // ended with its context; clean up
			m.run.unsub()
		default:
			return ErrRunning
		}
	}
	rctx, cancel := context.WithCancel(ctx)
	r := &run{
		cancel:  cancel,
		done:    make(chan struct{}),
		head:    make(chan struct{}, 1),
		changed: make(chan struct{}, 1),
	}
	r.unsub = m.cfg.Chain.Subscribe(r.onEvent)
	m.meter.reset(time.Now())
	m.run = r
	go m.loop(rctx, r)
	m.log.Info("miner started", "threads", m.Threads(), "coinbase", m.Coinbase(), "kernel", m.impl)
	return nil
}

// Stop ends mining and waits until every search goroutine has returned.
func (m *Miner) Stop() error {
	m.mu.Lock()
	r := m.run
	m.run = nil
	m.mu.Unlock()
	if r == nil {
		return ErrNotRunning
	}
	r.cancel()
	<-r.done
	r.unsub()
	m.log.Info("miner stopped")
	return nil
}

// Mining reports whether the miner is running.
func (m *Miner) Mining() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.run == nil {
		return false
	}
	select {
	case <-m.run.done:
		return false
	default:
		return true
	}
}

// SetThreads sets how many goroutines search (0: runtime.NumCPU()); a
// running search restarts with the new count.
func (m *Miner) SetThreads(n int) error {
	if n < 0 || n > MaxThreads {
		return fmt.Errorf("%w: %d, want 0..%d", ErrBadThreads, n, MaxThreads)
	}
	if n == 0 {
		n = runtime.NumCPU()
	}
	m.threads.Store(int32(n))
	m.notifyChanged()
	return nil
}

// Threads returns the number of search goroutines.
func (m *Miner) Threads() int { return int(m.threads.Load()) }

// SetCoinbase sets the address that mined blocks pay; a running search
// restarts on a template paying it.
func (m *Miner) SetCoinbase(a types.Address) {
	m.coinbase.Store(&a)
	m.notifyChanged()
}

// Coinbase returns the address mined blocks pay.
func (m *Miner) Coinbase() types.Address { return *m.coinbase.Load() }

// HashRate returns attempts per second, averaged over the last ten seconds
// or so; 0 when stopped.
func (m *Miner) HashRate() float64 {
	if !m.Mining() {
		return 0
	}
	return m.meter.rate(time.Now())
}

func (m *Miner) notifyChanged() {
	m.mu.Lock()
	r := m.run
	m.mu.Unlock()
	if r != nil {
		r.signal(r.changed)
	}
}

func (r *run) signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default: // already pending
	}
}

// onEvent runs on the chain's goroutine, under its lock: it only flags the
// current search and wakes the loop. Aborting here, not in the loop, lets
// the workers stop at their next batch even while the loop is busy.
func (r *run) onEvent(ev chain.Event) {
	nh, ok := ev.(chain.NewHead)
	if !ok {
		return
	}
	if s := r.cur.Load(); s != nil && s.tmpl.parent != nh.Block.Hash() {
		s.abort.Store(true)
	}
	r.signal(r.head)
}

// hasRoom reports whether a template's block could take another plain
// transfer.
func hasRoom(h *types.Header) bool {
	return h.GasLimit-h.GasUsed >= types.TxGas
}

// loop builds templates and runs searches until ctx ends.
func (m *Miner) loop(ctx context.Context, r *run) {
	defer close(r.done)
	meterTick := time.NewTicker(time.Second)
	defer meterTick.Stop()
	logTick := time.NewTicker(m.cfg.LogInterval)
	defer logTick.Stop()
	recommit := time.NewTicker(m.cfg.Recommit)
	defer recommit.Stop()

	var (
		s       *search
		height  uint64
		txsSeen bool // TxNotify fired since the template was built
	)
	// stop ends the current search. A solution a worker found just before
	// (while another event won the select) is still a valid block, on a
	// side branch at worst: submit it rather than drop it.
	stop := func(submitPending bool) {
		if s == nil {
			return
		}
		s.stop()
		r.cur.Store(nil)
		t, found := s.tmpl, s.found
		s = nil
		if submitPending {
			select {
			case sol := <-found:
				m.submit(t, sol)
			default:
			}
		}
	}
	defer stop(false)
	for {
		if s == nil {
			// Anything that arrived before this point is covered by the
			// template built now, from the current tip.
			drain(r.head)
			drain(r.changed)
			drain(m.cfg.TxNotify)
			tmpl, err := m.prepare(ctx, r)
			if err != nil {
				delay := retryDelay
				switch {
				case ctx.Err() != nil:
					return
				case errors.Is(err, errNothingToMine):
					continue // prepare has waited already
				case errors.Is(err, chain.ErrStaleTemplate):
					delay = staleDelay
				default:
					m.log.Error("cannot build a block template", "err", err)
				}
				if !sleep(ctx, delay) {
					return
				}
				continue
			}
			s, err = m.startSearch(tmpl, m.Threads())
			if err != nil {
				m.log.Error("cannot start the search", "err", err)
				s = nil
				if !sleep(ctx, retryDelay) {
					return
				}
				continue
			}
			r.cur.Store(s)
			height = tmpl.block.Header.Height
			txsSeen = false
			if m.onSearch != nil {
				m.onSearch(tmpl.parent)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-r.head:
			// The event handler aborted the workers if the new tip is not
			// the template's parent; the tip may have moved back since.
			if m.cfg.Chain.Best().Hash != s.tmpl.parent || s.abort.Load() {
				stop(true)
			}
		case <-r.changed:
			stop(true)
		case sol := <-s.found:
			t := s.tmpl
			stop(false) // a second solution would only be a sibling
			m.submit(t, sol)
		case <-recommit.C:
			// Only new transactions that could still fit make a rebuild
			// worth its cost (executing the whole block again): the search
			// refreshes the time by itself, and a full block stays full.
			if txsSeen && hasRoom(s.tmpl.block.Header) {
				stop(true)
			}
		case <-m.cfg.TxNotify: // nil channel: never
			if len(s.tmpl.block.Txs) == 0 {
				stop(true)
			} else {
				txsSeen = true
			}
		case now := <-meterTick.C:
			m.meter.tick(now)
		case <-logTick.C:
			m.log.Info("mining", "height", height, "hashrate", formatRate(m.meter.rate(time.Now())),
				"threads", m.Threads(), "txs", len(s.tmpl.block.Txs))
		}
	}
}

// prepare builds the next template; with WaitForTxs it first waits until
// the source has transactions (or ctx ends).
func (m *Miner) prepare(ctx context.Context, r *run) (*template, error) {
	src := m.cfg.Source
	for m.cfg.WaitForTxs {
		if src != nil && len(src.Pending(m.gasHint())) > 0 {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-m.cfg.TxNotify:
		case <-r.changed:
		case <-time.After(waitPoll):
		}
	}
	t, err := m.newTemplate(m.Coinbase(), src)
	if err != nil {
		return nil, err
	}
	if m.cfg.WaitForTxs && len(t.block.Txs) == 0 {
		// Everything offered was left out; wait for more.
		if !sleep(ctx, waitPoll) {
			return nil, ctx.Err()
		}
		return nil, errNothingToMine
	}
	return t, nil
}

// gasHint is the gas limit of the tip, a good guess for the next block's.
func (m *Miner) gasHint() uint64 { return m.cfg.Chain.Best().Header.GasLimit }

// submit imports a solved block through the chain's normal path and hands
// it to OnBlock if the chain took it.
func (m *Miner) submit(t *template, sol solution) {
	hdr := *t.block.Header
	hdr.Time, hdr.Nonce = sol.time, sol.nonce
	blk := &types.Block{Header: &hdr, Txs: t.block.Txs}
	hash := blk.Hash()
	if hash != types.Hash(sol.hash) {
		// The kernel and the header encoding disagree: never submit.
		m.log.Error("mined hash does not match the block", "kernel", types.Hash(sol.hash), "block", hash)
		return
	}
	res, err := m.cfg.Chain.ProcessBlock(blk)
	if err != nil {
		if errors.Is(err, chain.ErrDuplicateBlock) {
			return
		}
		m.log.Error("mined block rejected", "height", hdr.Height, "hash", hash, "err", err)
		return
	}
	m.log.Info("mined block", "height", hdr.Height, "hash", hash, "txs", len(blk.Txs),
		"fees", t.fees.Dec(), "status", res.Status, "elapsed", time.Since(t.built).Round(time.Millisecond))
	if m.cfg.OnBlock != nil && (res.Status == chain.StatusConnected || res.Status == chain.StatusSideChain) {
		m.cfg.OnBlock(blk)
	}
}

func drain(ch <-chan struct{}) {
	select {
	case <-ch:
	default:
	}
}

// sleep waits d or until ctx ends; it reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// formatRate renders attempts per second with an SI prefix.
func formatRate(r float64) string {
	switch {
	case r >= 1e9:
		return fmt.Sprintf("%.2f GH/s", r/1e9)
	case r >= 1e6:
		return fmt.Sprintf("%.2f MH/s", r/1e6)
	case r >= 1e3:
		return fmt.Sprintf("%.2f kH/s", r/1e3)
	}
	return fmt.Sprintf("%.0f H/s", r)
}

// currentSearch returns the running search, if any (for tests).
func (m *Miner) currentSearch() *search {
	m.mu.Lock()
	r := m.run
	m.mu.Unlock()
	if r == nil {
		return nil
	}
	return r.cur.Load()
}
