package miner

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/miner/sha256x"
)

var (
	minerA = types.Address{0xaa, 0x01}
	minerB = types.Address{0xbb, 0x02}
)

// TestMinedBlocksValid mines blocks with every kernel and has a second,
// independent chain import them: each passes full validation there.
func TestMinedBlocksValid(t *testing.T) {
	for _, impl := range sha256x.Impls() {
		t.Run(impl.String(), func(t *testing.T) {
			keys := newKeys()
			g := testGenesis(keys, easyBits)
			bc := newChain(t, g)
			log := newBlockLog()
			errs := new(errorCounter)
			m, err := New(Config{Chain: bc, Coinbase: minerA, Threads: 2, Impl: impl, OnBlock: log.onBlock, Logger: slog.New(errs)})
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			for range 5 {
				log.wait(t, 10*time.Second)
			}
			mustStop(t, m)
			if n := errs.n.Load(); n != 0 {
				t.Errorf("miner logged %d errors", n)
			}
			other := newChain(t, g)
			for _, b := range log.all() {
				res, err := other.ProcessBlock(b)
				if err != nil || res.Status != chain.StatusConnected {
					t.Fatalf("block %d %s: %v %v", b.Header.Height, b.Hash(), res.Status, err)
				}
				if b.Header.Coinbase != minerA {
					t.Errorf("block %d pays %s", b.Header.Height, b.Header.Coinbase)
				}
			}
			if other.Best().Hash != bc.Best().Hash {
				t.Errorf("independent import ends at %s, miner's chain at %s", other.Best().Hash, bc.Best().Hash)
			}
		})
	}
}

// TestCoinbaseGetsSubsidyAndFees mines one block with transactions at
// several gas prices and checks the coinbase balance to the wei.
func TestCoinbaseGetsSubsidyAndFees(t *testing.T) {
	keys := newKeys()
	bc := newChain(t, testGenesis(keys, easyBits))
	var txs []PendingTx
	want, _ := uint256.FromBig(testSubsidy)
	for i := range 4 {
		price := uint64(testGasPrice * (i + 1))
		tx := keys.sign(t, i, keys.addrs[4], 1000, 0, func(tx *types.Transaction) { tx.GasPrice = *uint256.NewInt(price) })
		txs = append(txs, PendingTx{Tx: tx, From: keys.addrs[i]})
		want.Add(want, uint256.NewInt(price*types.TxGas))
	}
	src := newFakeSource(bc, txs...)
	log := newBlockLog()
	m, err := New(Config{Chain: bc, Source: src, Coinbase: minerA, Threads: 1, OnBlock: log.onBlock, WaitForTxs: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	b := log.wait(t, 10*time.Second)
	mustStop(t, m)
	if len(b.Txs) != 4 {
		t.Fatalf("block has %d transactions, want 4", len(b.Txs))
	}
	if got := balance(t, bc, minerA); !got.Eq(want) {
		t.Errorf("coinbase has %s wei, want subsidy + fees = %s", got.Dec(), want.Dec())
	}
	if bc.Best().Height != 1 {
		t.Errorf("WaitForTxs mined up to height %d, want 1", bc.Best().Height)
	}
}

// TestFailingTxsSkippedAndReported offers a mix of good transactions and
// ones that break each kind of rule: the block holds only the good ones,
// each bad one is reported with its rule, and a sender's transactions after
// its failed one are left out without being blamed.
func TestFailingTxsSkippedAndReported(t *testing.T) {
	keys := newKeys()
	bc := newChain(t, testGenesis(keys, easyBits))
	to := types.Address{0x70}
	good0 := keys.sign(t, 0, to, 1, 0)
	good1 := keys.sign(t, 0, to, 1, 1)
	gap := keys.sign(t, 1, to, 1, 5)   // account 1 is at nonce 0
	after := keys.sign(t, 1, to, 1, 6) // follows the gap: skipped, not blamed
	broke := keys.sign(t, 4, to, 1, 0) // account 4 has no funds
	forged := keys.sign(t, 2, to, 1, 0)
	otherChain := keys.sign(t, 3, to, 1, 0, func(tx *types.Transaction) { tx.ChainID = 99 })
	lowGas := keys.sign(t, 3, to, 1, 0, func(tx *types.Transaction) { tx.Gas = 20_000 })
	src := newFakeSource(bc,
		PendingTx{good0, keys.addrs[0]},
		PendingTx{gap, keys.addrs[1]},
		PendingTx{after, keys.addrs[1]},
		PendingTx{broke, keys.addrs[4]},
		PendingTx{forged, keys.addrs[3]}, // signed by 2, offered as 3
		PendingTx{otherChain, keys.addrs[3]},
		PendingTx{lowGas, keys.addrs[3]},
		PendingTx{good1, keys.addrs[0]},
	)
	log := newBlockLog()
	m, err := New(Config{Chain: bc, Source: src, Coinbase: minerA, Threads: 1, OnBlock: log.onBlock, WaitForTxs: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	b := log.wait(t, 10*time.Second)
	mustStop(t, m)

	if len(b.Txs) != 2 || b.Txs[0].Hash() != good0.Hash() || b.Txs[1].Hash() != good1.Hash() {
		t.Fatalf("block holds %d transactions, want exactly the two good ones", len(b.Txs))
	}
	failed := src.failures()
	tests := []struct {
		name string
		tx   *types.Transaction
		want error // nil: must not be reported
	}{
		{"nonce gap", gap, chain.ErrBadTxNonce},
		{"after a failed one", after, nil},
		{"no funds", broke, chain.ErrInsufficientFund},
		{"sender is not From", forged, chain.ErrBadTxSignature},
		// forged blamed account 3's first transaction; the others of
		// "account 3" are skipped behind it without blame.
		{"other chain behind forged", otherChain, nil},
		{"low gas behind forged", lowGas, nil},
		{"good", good0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err, reported := failed[tc.tx.Hash()]
			if tc.want == nil {
				if reported {
					t.Errorf("reported as failed: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("reported %v, want %v", err, tc.want)
			}
		})
	}
}

// TestRuleKindsReported covers the rules that need a sender of their own.
func TestRuleKindsReported(t *testing.T) {
	keys := newKeys()
	bc := newChain(t, testGenesis(keys, easyBits))
	to := types.Address{0x71}
	otherChain := keys.sign(t, 1, to, 1, 0, func(tx *types.Transaction) { tx.ChainID = 99 })
	lowGas := keys.sign(t, 2, to, 1, 0, func(tx *types.Transaction) { tx.Gas = 20_000 })
	good := keys.sign(t, 0, to, 1, 0)
	src := newFakeSource(bc, PendingTx{otherChain, keys.addrs[1]}, PendingTx{lowGas, keys.addrs[2]}, PendingTx{good, keys.addrs[0]})
	m, err := New(Config{Chain: bc, Coinbase: minerA, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := m.newTemplate(minerA, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(tmpl.block.Txs) != 1 {
		t.Fatalf("template holds %d transactions, want 1", len(tmpl.block.Txs))
	}
	failed := src.failures()
	if err := failed[otherChain.Hash()]; !errors.Is(err, chain.ErrWrongChainID) {
		t.Errorf("other chain: %v", err)
	}
	if err := failed[lowGas.Hash()]; !errors.Is(err, chain.ErrIntrinsicGas) {
		t.Errorf("low gas: %v", err)
	}
}

// twoMiners runs a miner on each of two chains of one network, each
// forwarding its blocks to the other chain as p2p would.
type twoMiners struct {
	chains  [2]*chain.BlockChain
	miners  [2]*Miner
	errs    [2]*errorCounter
	mu      sync.Mutex
	fwdErrs []error
}

func newTwoMiners(t testing.TB, g *params.Genesis, threads int) *twoMiners {
	t.Helper()
	tm := &twoMiners{}
	for i := range 2 {
		tm.chains[i] = newChain(t, g)
	}
	for i, cb := range []types.Address{minerA, minerB} {
		other := tm.chains[1-i]
		tm.errs[i] = new(errorCounter)
		m, err := New(Config{
			Chain: tm.chains[i], Coinbase: cb, Threads: threads, Logger: slog.New(tm.errs[i]),
			OnBlock: func(b *types.Block) {
				if _, err := other.ProcessBlock(b); err != nil && !errors.Is(err, chain.ErrDuplicateBlock) {
					tm.mu.Lock()
					tm.fwdErrs = append(tm.fwdErrs, err)
					tm.mu.Unlock()
				}
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		tm.miners[i] = m
	}
	return tm
}

func (tm *twoMiners) check(t testing.TB) {
	t.Helper()
	tm.mu.Lock()
	defer tm.mu.Unlock()
	for _, err := range tm.fwdErrs {
		t.Errorf("forwarded block rejected: %v", err)
	}
	for i, e := range tm.errs {
		if n := e.n.Load(); n != 0 {
			t.Errorf("miner %d logged %d errors", i, n)
		}
	}
}

// TestTwoMinersConverge: two miners on the dev genesis race each other,
// every block reaching both chains. No block is ever rejected, and once
// the tips differ only by a tie, one more block settles them on one head.
func TestTwoMinersConverge(t *testing.T) {
	if testing.Short() {
		t.Skip("mines a few dozen dev blocks")
	}
	g := params.DevGenesis(uint64(time.Now().UnixMilli()) - 1000)
	tm := newTwoMiners(t, g, 1)
	ctx := context.Background()
	for _, m := range tm.miners {
		if err := m.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 60*time.Second, "height 20 on both chains", func() bool {
		return tm.chains[0].Best().Height >= 20 && tm.chains[1].Best().Height >= 20
	})
	for _, m := range tm.miners {
		mustStop(t, m)
	}
	// Equal-work tips stay as they are (first seen wins); one more block
	// from either miner breaks the tie, as in any Nakamoto chain.
	for round := 0; tm.chains[0].Best().Hash != tm.chains[1].Best().Hash; round++ {
		if round == 5 {
			t.Fatalf("chains did not converge: %s at %d vs %s at %d", tm.chains[0].Best().Hash, tm.chains[0].Best().Height,
				tm.chains[1].Best().Hash, tm.chains[1].Best().Height)
		}
		h := tm.chains[0].Best().Height
		if err := tm.miners[0].Start(ctx); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 30*time.Second, "one more block", func() bool { return tm.chains[0].Best().Height > h })
		mustStop(t, tm.miners[0])
	}
	tm.check(t)
	coinbases := map[types.Address]int{}
	for h := uint64(1); h <= tm.chains[0].Best().Height; h++ {
		b, err := tm.chains[0].BlockByHeight(h)
		if err != nil {
			t.Fatal(err)
		}
		coinbases[b.Header.Coinbase]++
	}
	t.Logf("converged at height %d; blocks by miner A %d, B %d", tm.chains[0].Best().Height, coinbases[minerA], coinbases[minerB])
}

// TestAbortOnNewHead: when the other miner's block arrives, the search
// moves to a template on it promptly. The bound here is generous for a
// loaded machine; BenchmarkAbortLatency measures the real figure.
func TestAbortOnNewHead(t *testing.T) {
	if testing.Short() {
		t.Skip("mines a few dozen dev blocks")
	}
	const bound = 500 * time.Millisecond
	g := params.DevGenesis(uint64(time.Now().UnixMilli()) - 1000)
	tm := newTwoMiners(t, g, 1)
	lat := newLatencyProbe(tm.chains[0], tm.miners[0], minerB)
	for _, m := range tm.miners {
		if err := m.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	samples := lat.collect(t, 10, 60*time.Second)
	for _, m := range tm.miners {
		mustStop(t, m)
	}
	lat.close()
	tm.check(t)
	for _, d := range samples {
		if d > bound {
			t.Errorf("restart took %v after a new head, bound %v", d, bound)
		}
	}
	t.Logf("restart latencies: %v", samples)
}

// latencyProbe measures, on one chain and its miner, the time from a
// NewHead carrying a block paid to from (the other miner) until the miner's
// workers run on a template whose parent is that block.
type latencyProbe struct {
	mu      sync.Mutex
	heads   map[types.Hash]time.Time
	samples chan time.Duration
	unsub   func()
}

// newLatencyProbe must be called before m starts, so that its chain
// subscription runs before the miner's and stamps the head first.
func newLatencyProbe(bc *chain.BlockChain, m *Miner, from types.Address) *latencyProbe {
	p := &latencyProbe{heads: make(map[types.Hash]time.Time), samples: make(chan time.Duration, 1<<16)}
	p.unsub = bc.Subscribe(func(ev chain.Event) {
		if nh, ok := ev.(chain.NewHead); ok && nh.Block.Header.Coinbase == from {
			p.mu.Lock()
			p.heads[nh.Block.Hash()] = time.Now()
			p.mu.Unlock()
		}
	})
	m.onSearch = func(parent types.Hash) {
		now := time.Now()
		p.mu.Lock()
		at, ok := p.heads[parent]
		delete(p.heads, parent)
		p.mu.Unlock()
		if ok {
			select {
			case p.samples <- now.Sub(at):
			default:
			}
		}
	}
	return p
}

func (p *latencyProbe) collect(t testing.TB, n int, timeout time.Duration) []time.Duration {
	t.Helper()
	var out []time.Duration
	deadline := time.After(timeout)
	for len(out) < n {
		select {
		case d := <-p.samples:
			out = append(out, d)
		case <-deadline:
			t.Fatalf("only %d of %d restarts measured in %v", len(out), n, timeout)
		}
	}
	return out
}

func (p *latencyProbe) close() { p.unsub() }

// TestStartStopSetThreads drives the run-time controls on a chain too hard
// to find a block on, and checks that no goroutine outlives Stop.
func TestStartStopSetThreads(t *testing.T) {
	keys := newKeys()
	bc := newChain(t, testGenesis(keys, hardBits))
	m, err := New(Config{Chain: bc, Coinbase: minerA, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	if err := m.Stop(); !errors.Is(err, ErrNotRunning) {
		t.Errorf("Stop before Start: %v", err)
	}
	if m.HashRate() != 0 {
		t.Error("hash rate while stopped")
	}
	for round := range 3 {
		if err := m.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := m.Start(context.Background()); !errors.Is(err, ErrRunning) {
			t.Errorf("second Start: %v", err)
		}
		for _, n := range []int{2, 1, 3} {
			if err := m.SetThreads(n); err != nil {
				t.Fatal(err)
			}
			waitFor(t, 5*time.Second, "search with new thread count", func() bool {
				s := m.currentSearch()
				return s != nil && cap(s.found) == n
			})
		}
		m.SetCoinbase(minerB)
		waitFor(t, 5*time.Second, "template paying the new coinbase", func() bool {
			s := m.currentSearch()
			return s != nil && s.tmpl.block.Header.Coinbase == minerB
		})
		m.SetCoinbase(minerA)
		waitFor(t, 5*time.Second, "a hash rate", func() bool { return m.HashRate() > 0 })
		if !m.Mining() {
			t.Error("not mining after Start")
		}
		mustStop(t, m)
		if m.Mining() || m.HashRate() != 0 {
			t.Errorf("round %d: still mining after Stop", round)
		}
	}
	for _, bad := range []int{-1, MaxThreads + 1} {
		if err := m.SetThreads(bad); !errors.Is(err, ErrBadThreads) {
			t.Errorf("SetThreads(%d): %v", bad, err)
		}
	}
	if err := m.SetThreads(0); err != nil || m.Threads() != runtime.NumCPU() {
		t.Errorf("SetThreads(0): %v, threads %d", err, m.Threads())
	}
	waitFor(t, 5*time.Second, "goroutines to exit", func() bool { return runtime.NumGoroutine() <= before })
}

// TestStopWithContext: a run ends with its context too, and the miner can
// be started again afterwards.
func TestStopWithContext(t *testing.T) {
	keys := newKeys()
	bc := newChain(t, testGenesis(keys, hardBits))
	m, err := New(Config{Chain: bc, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	waitFor(t, 5*time.Second, "run to end", func() bool { return !m.Mining() })
	if err := m.Start(context.Background()); err != nil {
		t.Fatalf("Start after the context ended: %v", err)
	}
	mustStop(t, m)
	waitFor(t, 5*time.Second, "goroutines to exit", func() bool { return runtime.NumGoroutine() <= before })
}

// TestWaitForTxs is dev mode with period 0: nothing is mined until a
// transaction waits, and then only the blocks that hold transactions.
func TestWaitForTxs(t *testing.T) {
	keys := newKeys()
	bc := newChain(t, testGenesis(keys, easyBits))
	src := newFakeSource(bc)
	log := newBlockLog()
	m, err := New(Config{Chain: bc, Source: src, TxNotify: src.notify, Coinbase: minerA, Threads: 1, WaitForTxs: true, OnBlock: log.onBlock})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer mustStop(t, m)
	time.Sleep(200 * time.Millisecond)
	if h := bc.Best().Height; h != 0 {
		t.Fatalf("mined to height %d with no transactions", h)
	}
	// A transaction from an unfunded account is reported, not mined.
	bad := keys.sign(t, 4, minerB, 1, 0)
	src.add(PendingTx{bad, keys.addrs[4]})
	waitFor(t, 5*time.Second, "failure report", func() bool { return len(src.failures()) == 1 })
	time.Sleep(100 * time.Millisecond)
	if h := bc.Best().Height; h != 0 {
		t.Fatalf("mined to height %d with only a failing transaction", h)
	}
	good := keys.sign(t, 0, minerB, 1, 0)
	src.add(PendingTx{good, keys.addrs[0]})
	b := log.wait(t, 5*time.Second)
	if len(b.Txs) != 1 || b.Txs[0].Hash() != good.Hash() {
		t.Fatalf("block holds %d transactions, want the good one", len(b.Txs))
	}
	time.Sleep(200 * time.Millisecond)
	if h := bc.Best().Height; h != 1 {
		t.Errorf("height %d after the only transaction was mined, want 1", h)
	}
}

func TestMeter(t *testing.T) {
	t.Parallel()
	var m meter
	t0 := time.Unix(1000, 0)
	if m.rate(t0) != 0 {
		t.Error("rate before any sample")
	}
	m.reset(t0)
	for i := 1; i <= 20; i++ {
		m.add(1000)
		m.tick(t0.Add(time.Duration(i) * time.Second))
	}
	// 1000 per second throughout: the window's average is the same.
	if got := m.rate(t0.Add(20 * time.Second)); got < 999 || got > 1001 {
		t.Errorf("rate %v, want 1000", got)
	}
	// The rate follows a change within the window.
	for i := 21; i <= 40; i++ {
		m.add(5000)
		m.tick(t0.Add(time.Duration(i) * time.Second))
	}
	if got := m.rate(t0.Add(40 * time.Second)); got < 4999 || got > 5001 {
		t.Errorf("rate %v, want 5000", got)
	}
}

func TestTemplateTime(t *testing.T) {
	t.Parallel()
	empty := &template{minTime: 5_000, maxTime: ^uint64(0)}
	withTxs := &template{minTime: 5_300, maxTime: 5_999}
	tests := []struct {
		name string
		t    *template
		now  uint64
		want uint64
	}{
		{"clock behind the median rule", empty, 4_000, 5_000},
		{"clock", empty, 9_000, 9_000},
		{"within the executed second", withTxs, 5_500, 5_500},
		{"past the executed second", withTxs, 7_000, 5_999},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.t.timeAt(tc.now); got != tc.want {
				t.Errorf("timeAt(%d) = %d, want %d", tc.now, got, tc.want)
			}
		})
	}
}

func TestErrorsDistinct(t *testing.T) {
	t.Parallel()
	kinds := []error{ErrConfig, ErrRunning, ErrNotRunning, ErrBadThreads}
	for i, a := range kinds {
		for j, b := range kinds {
			if errors.Is(a, b) != (i == j) {
				t.Errorf("errors.Is(%v, %v) = %v", a, b, i != j)
			}
		}
	}
	if _, err := New(Config{}); !errors.Is(err, ErrConfig) {
		t.Errorf("New without a chain: %v", err)
	}
}

func TestFormatRate(t *testing.T) {
	t.Parallel()
	for r, want := range map[float64]string{12: "12 H/s", 1500: "1.50 kH/s", 5.5e6: "5.50 MH/s", 2e9: "2.00 GH/s"} {
		if got := formatRate(r); got != want {
			t.Errorf("formatRate(%v) = %q, want %q", r, got, want)
		}
	}
}

// A template is rebuilt at the recommit interval only when transactions
// arrived since it was built and it has room for them: rebuilding means
// executing the whole block again.
func TestRecommitOnlyForNewTxsThatFit(t *testing.T) {
	const (
		hardBits = 0x1b00ffff // about 2^48 attempts: no block is found during the test
		recommit = 40 * time.Millisecond
	)
	tests := []struct {
		name       string
		gasLimit   uint64
		first      int // transactions in the source at start
		later      int // transactions added after the first search started
		wantSearch int // searches started after a dozen recommit intervals
		wantTxs    int // transactions in the last template
	}{
		{name: "no new transactions", gasLimit: 30_000_000, first: 1, later: 0, wantSearch: 1, wantTxs: 1},
		{name: "new transactions with room", gasLimit: 30_000_000, first: 1, later: 2, wantSearch: 2, wantTxs: 3},
		{name: "new transactions, block full", gasLimit: 2 * types.TxGas, first: 2, later: 1, wantSearch: 1, wantTxs: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys := newKeys()
			g := testGenesis(keys, hardBits)
			g.GasLimit = tt.gasLimit
			bc := newChain(t, g)
			src := newFakeSource(bc)
			for i := range tt.first {
				src.add(PendingTx{keys.sign(t, 0, minerB, 1, uint64(i)), keys.addrs[0]})
			}
			m, err := New(Config{Chain: bc, Source: src, TxNotify: src.notify, Coinbase: minerA, Threads: 1, Recommit: recommit})
			if err != nil {
				t.Fatal(err)
			}
			var searches atomic.Int32
			m.onSearch = func(types.Hash) { searches.Add(1) }
			if err := m.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			defer mustStop(t, m)
			waitFor(t, 5*time.Second, "first search", func() bool { return searches.Load() >= 1 })
			for i := range tt.later {
				src.add(PendingTx{keys.sign(t, 1, minerB, 1, uint64(i)), keys.addrs[1]})
			}
			time.Sleep(12 * recommit)
			if got := int(searches.Load()); got != tt.wantSearch {
				t.Errorf("%d searches, want %d", got, tt.wantSearch)
			}
			m.mu.Lock()
			r := m.run
			m.mu.Unlock()
			s := r.cur.Load()
			if s == nil {
				t.Fatal("no search running")
			}
			if got := len(s.tmpl.block.Txs); got != tt.wantTxs {
				t.Errorf("template holds %d transactions, want %d", got, tt.wantTxs)
			}
		})
	}
}
