package p2p

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/holiman/uint256"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/quarry-chain/quarry/chain/types"
)

// testChainID is the chain id of every test network.
const testChainID = 1337

var errTestInvalid = errors.New("test: invalid")

// genesisHeader returns a test network's genesis; variant picks the network.
func genesisHeader(variant uint64) *types.Header {
	return &types.Header{Version: types.HeaderVersion, Time: 1_700_000_000_000, Bits: 0x207fffff, Nonce: variant, TxRoot: types.TxRoot(nil)}
}

// makeChain returns n blocks on top of parent; salt makes branches differ.
func makeChain(parent *types.Header, n int, salt uint64) []*types.Block {
	out := make([]*types.Block, 0, n)
	for i := 0; i < n; i++ {
		h := &types.Header{
			Version:    types.HeaderVersion,
			Height:     parent.Height + 1,
			ParentHash: parent.Hash(),
			TxRoot:     types.TxRoot(nil),
			Time:       parent.Time + 1000,
			Bits:       0x207fffff,
			Nonce:      salt,
		}
		out = append(out, &types.Block{Header: h})
		parent = h
	}
	return out
}

// fakeChain is a Chain over a map of blocks, one unit of work per block,
// no proof-of-work checks. reject and stall let tests make it misbehave.
type fakeChain struct {
	mu      sync.Mutex
	genesis *types.Header
	blocks  map[types.Hash]*fakeEntry
	active  []types.Hash // by height
	reject  map[types.Hash]bool
	served  atomic.Int64  // blocks served by BlockByHash
	stall   chan struct{} // non-nil: BlockByHash waits for it to close
	subs    atomic.Int64  // SubmitBlock calls
}

type fakeEntry struct {
	b    *types.Block
	work int64
}

var _ Chain = (*fakeChain)(nil)

func newFakeChain(variant uint64) *fakeChain {
	g := genesisHeader(variant)
	c := &fakeChain{genesis: g, blocks: make(map[types.Hash]*fakeEntry), reject: make(map[types.Hash]bool)}
	h := g.Hash()
	c.blocks[h] = &fakeEntry{b: &types.Block{Header: g}, work: 1}
	c.active = []types.Hash{h}
	return c
}

func (c *fakeChain) GenesisHash() types.Hash { return c.genesis.Hash() }

func (c *fakeChain) Head() Head {
	c.mu.Lock()
	defer c.mu.Unlock()
	tip := c.active[len(c.active)-1]
	return Head{Hash: tip, Height: uint64(len(c.active) - 1), TotalWork: big.NewInt(c.blocks[tip].work)}
}

func (c *fakeChain) height() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.active) - 1
}

func (c *fakeChain) HaveBlock(h types.Hash) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.blocks[h]
	return ok
}

func (c *fakeChain) BlockLocator() []types.Hash {
	c.mu.Lock()
	defer c.mu.Unlock()
	var loc []types.Hash
	step := 1
	for i := len(c.active) - 1; i > 0; i -= step {
		loc = append(loc, c.active[i])
		if len(loc) >= 10 {
			step *= 2
		}
	}
	return append(loc, c.active[0])
}

func (c *fakeChain) LocateHeaders(locator []types.Hash, stop types.Hash, max int) []*types.Header {
	c.mu.Lock()
	defer c.mu.Unlock()
	start := 1
	for _, h := range locator {
		if e, ok := c.blocks[h]; ok {
			if ht := e.b.Height(); int(ht) < len(c.active) && c.active[ht] == h {
				start = int(ht) + 1
				break
			}
		}
	}
	var out []*types.Header
	for i := start; i < len(c.active) && len(out) < max; i++ {
		out = append(out, c.blocks[c.active[i]].b.Header)
		if c.active[i] == stop {
			break
		}
	}
	return out
}

func (c *fakeChain) BlockByHash(h types.Hash) (*types.Block, error) {
	if c.stall != nil {
		<-c.stall
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.blocks[h]
	if !ok {
		return nil, fmt.Errorf("block %v not found", h)
	}
	c.served.Add(1)
	return e.b, nil
}

func (c *fakeChain) CheckHeaders([]*types.Header) error { return nil }

func (c *fakeChain) SubmitBlock(b *types.Block) Verdict {
	c.subs.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	h := b.Hash()
	if c.reject[h] {
		return Rejected(errTestInvalid)
	}
	if _, ok := c.blocks[h]; ok {
		return Ignored(errors.New("duplicate"))
	}
	parent, ok := c.blocks[b.ParentHash()]
	if !ok {
		return Orphan(b.ParentHash())
	}
	e := &fakeEntry{b: b, work: parent.work + 1}
	c.blocks[h] = e
	if e.work > c.blocks[c.active[len(c.active)-1]].work {
		// Rebuild the active chain back to where it agrees.
		n := int(b.Height())
		active := c.active[:min(len(c.active), n+1)]
		for len(active) < n+1 {
			active = append(active, types.Hash{})
		}
		for cur := b; ; {
			ht := cur.Height()
			if active[ht] == cur.Hash() {
				break
			}
			active[ht] = cur.Hash()
			if ht == 0 {
				break
			}
			cur = c.blocks[cur.ParentHash()].b
		}
		c.active = active
	}
	return Accepted()
}

// add submits blocks that must be accepted.
func (c *fakeChain) add(t testing.TB, blocks []*types.Block) {
	t.Helper()
	for _, b := range blocks {
		if v := c.SubmitBlock(b); v.Outcome != Accept {
			t.Fatalf("add block %d: %v %v", b.Height(), v.Outcome, v.Err)
		}
	}
}

// fakePool is a TxPool over a map; reject marks invalid transactions.
type fakePool struct {
	mu     sync.Mutex
	txs    map[types.Hash]*types.Transaction
	order  []types.Hash // arrival order, for PendingHashes
	reject map[types.Hash]bool
	served atomic.Int64 // transactions served by Get
}

var _ TxPool = (*fakePool)(nil)

func newFakePool() *fakePool {
	return &fakePool{txs: make(map[types.Hash]*types.Transaction), reject: make(map[types.Hash]bool)}
}

func (p *fakePool) SubmitTx(tx *types.Transaction) Verdict {
	p.mu.Lock()
	defer p.mu.Unlock()
	h := tx.Hash()
	if p.reject[h] {
		return Rejected(errTestInvalid)
	}
	if _, ok := p.txs[h]; ok {
		return Ignored(errors.New("already known"))
	}
	p.txs[h] = tx
	p.order = append(p.order, h)
	return Accepted()
}

// PendingHashes returns the first max hashes in arrival order.
func (p *fakePool) PendingHashes(max int) []types.Hash {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]types.Hash(nil), p.order[:min(max, len(p.order))]...)
}

func (p *fakePool) Get(h types.Hash) *types.Transaction {
	p.mu.Lock()
	defer p.mu.Unlock()
	tx := p.txs[h]
	if tx != nil {
		p.served.Add(1)
	}
	return tx
}

// count returns how many transactions p holds.
func (p *fakePool) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.txs)
}

func (p *fakePool) Has(h types.Hash) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.txs[h]
	return ok
}

// signedTx returns a valid signed transfer with the given nonce.
func signedTx(t testing.TB, nonce uint64) *types.Transaction {
	t.Helper()
	key, err := btcec.NewPrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	to := types.Address{0x42}
	tx := &types.Transaction{Nonce: nonce, Gas: 21000, To: &to, Value: *uint256.NewInt(1)}
	tx.GasPrice.SetUint64(1)
	out, err := types.NewSigner(testChainID).SignTx(tx, key)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// testNode is a Service over a fake chain and pool.
type testNode struct {
	svc   *Service
	chain *fakeChain
	pool  *fakePool
}

// testConfig returns a Config for loopback tests with short timers.
func testConfig(t testing.TB, c *fakeChain, p *fakePool) Config {
	// Logs go to stderr with P2P_TEST_DEBUG set, else nowhere: t.Log would
	// panic if a libp2p goroutine logged after the test ended.
	logger := slog.New(slog.DiscardHandler)
	if os.Getenv("P2P_TEST_DEBUG") != "" {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("node", fmt.Sprintf("%p", c))
	}
	return Config{
		Chain:            c,
		TxPool:           p,
		Genesis:          c.GenesisHash(),
		ChainID:          testChainID,
		ListenAddrs:      []string{"/ip4/127.0.0.1/tcp/0"},
		HandshakeTimeout: 3 * time.Second,
		RequestTimeout:   3 * time.Second,
		StatusInterval:   time.Second,
		ProgressInterval: time.Second,
		RedialMin:        100 * time.Millisecond,
		RedialMax:        time.Second,
		Logger:           logger,
	}
}

// startNode starts a node; edit may change its config first.
func startNode(t testing.TB, c *fakeChain, edit func(*Config)) *testNode {
	t.Helper()
	pool := newFakePool()
	cfg := testConfig(t, c, pool)
	if edit != nil {
		edit(&cfg)
	}
	svc, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := svc.Stop(); err != nil {
			t.Logf("stop: %v", err)
		}
	})
	return &testNode{svc: svc, chain: c, pool: pool}
}

// addr returns n's first listen address with its peer id.
func (n *testNode) addr() string {
	self := n.svc.Self()
	return fmt.Sprintf("%s/p2p/%s", self.Addrs[0], self.ID)
}

// connect dials b from a and waits for both handshakes.
func connect(t testing.TB, a, b *testNode) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.svc.ConnectPeer(ctx, b.addr()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "handshake", func() bool {
		return handshaken(a, b) && handshaken(b, a)
	})
}

// handshaken reports whether a has completed the handshake with b.
func handshaken(a, b *testNode) bool {
	for _, p := range a.svc.Peers() {
		if p.ID == b.svc.Self().ID {
			return p.Handshaken
		}
	}
	return false
}

// waitFor polls cond until it holds or the timeout fails the test.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// peerIDOf returns the peer id of a key.
func peerIDOf(k crypto.PrivKey) (peer.ID, error) { return peer.IDFromPrivateKey(k) }
