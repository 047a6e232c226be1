package miner

import (
	"context"
	"log/slog"
	"math/big"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
)

var _ Chain = (*chain.BlockChain)(nil)

const (
	testChainID  = 1337
	testGasPrice = 1_000_000_000 // 1 gwei
	// easyBits is the easiest target (about two attempts a block): tests
	// that only check validity mine as fast as blocks can be imported.
	easyBits = 0x207fffff
	// hardBits is Bitcoin's genesis difficulty, 2^32 attempts a block:
	// a search that never ends within a test.
	hardBits = 0x1d00ffff
)

var testSubsidy = new(big.Int).Mul(big.NewInt(2), big.NewInt(1e18))

// testKeys are four keys funded with 1000 ether in testGenesis.
type testKeys struct {
	keys  []*btcec.PrivateKey
	addrs []types.Address
}

func newKeys() testKeys {
	var k testKeys
	for i := range 5 {
		var seed [32]byte
		seed[31] = byte(i + 1)
		key, _ := btcec.PrivKeyFromBytes(seed[:])
		k.keys = append(k.keys, key)
		k.addrs = append(k.addrs, types.PubkeyToAddress(key.PubKey()))
	}
	return k
}

// testGenesis starts now, with the given bits as the initial and easiest
// target, and funds the first four of keys (the fifth stays empty).
func testGenesis(keys testKeys, bits uint32) *params.Genesis {
	g := &params.Genesis{
		ChainID:           testChainID,
		Timestamp:         uint64(time.Now().UnixMilli()) - 1000,
		TargetBlockTimeMs: 1000,
		ASERTHalfLifeMs:   60_000,
		InitialBits:       bits,
		PowLimitBits:      bits,
		Reward:            params.Reward{Initial: new(big.Int).Set(testSubsidy)},
		GasLimit:          30_000_000,
		MaxBlockBytes:     1 << 20,
		MaxDriftMs:        15_000,
	}
	for _, a := range keys.addrs[:4] {
		g.Alloc = append(g.Alloc, params.GenesisAccount{Address: a, Balance: new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18))})
	}
	slices.SortFunc(g.Alloc, func(a, b params.GenesisAccount) int { return slices.Compare(a.Address[:], b.Address[:]) })
	return g
}

// newChain opens a chain on in-memory storage.
func newChain(t testing.TB, g *params.Genesis) *chain.BlockChain {
	t.Helper()
	db := kvdb.OpenMemory()
	t.Cleanup(func() { db.Close() })
	bc, err := chain.New(chain.Config{DB: db, Genesis: g, VerifyWorkers: 1})
	if err != nil {
		t.Fatal(err)
	}
	return bc
}

// sign signs a transfer of value wei from key i with the given nonce.
func (k testKeys) sign(t testing.TB, i int, to types.Address, value, nonce uint64, opts ...func(*types.Transaction)) *types.Transaction {
	t.Helper()
	tx := &types.Transaction{
		Type:     types.LegacyTxType,
		ChainID:  testChainID,
		Nonce:    nonce,
		GasPrice: *uint256.NewInt(testGasPrice),
		Gas:      types.TxGas,
		To:       &to,
		Value:    *uint256.NewInt(value),
	}
	for _, o := range opts {
		o(tx)
	}
	signed, err := types.NewSigner(tx.ChainID).SignTx(tx, k.keys[i])
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// fakeSource offers a list, minus what the chain has already included (by
// sender nonce), and records failures. Like a pool that has not yet acted
// on a failure, it keeps offering failed transactions.
type fakeSource struct {
	bc *chain.BlockChain

	mu     sync.Mutex
	txs    []PendingTx
	failed map[types.Hash]error
	notify chan struct{}
}

func newFakeSource(bc *chain.BlockChain, txs ...PendingTx) *fakeSource {
	return &fakeSource{bc: bc, txs: txs, failed: make(map[types.Hash]error), notify: make(chan struct{}, 1)}
}

func (s *fakeSource) add(txs ...PendingTx) {
	s.mu.Lock()
	s.txs = append(s.txs, txs...)
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

func (s *fakeSource) Pending(gasLimit uint64) []PendingTx {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.bc.StateReader()
	if err != nil {
		return nil
	}
	defer r.Release()
	var out []PendingTx
	for _, p := range s.txs {
		acct, _, err := r.Account(p.From)
		if err != nil || p.Tx.Nonce < acct.Nonce {
			continue
		}
		out = append(out, p)
	}
	return out
}

func (s *fakeSource) Failed(tx *types.Transaction, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failed[tx.Hash()] = err
}

func (s *fakeSource) failures() map[types.Hash]error {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[types.Hash]error, len(s.failed))
	for k, v := range s.failed {
		out[k] = v
	}
	return out
}

// errorCounter is a slog handler that counts records at Error level, so a
// test can assert that the miner never logged a rejected block.
type errorCounter struct {
	n atomic.Int64
}

func (h *errorCounter) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelError }
func (h *errorCounter) Handle(_ context.Context, r slog.Record) error {
	h.n.Add(1)
	return nil
}
func (h *errorCounter) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *errorCounter) WithGroup(string) slog.Handler      { return h }

// blockLog collects the blocks a miner announces.
type blockLog struct {
	mu     sync.Mutex
	blocks []*types.Block
	ch     chan *types.Block
}

func newBlockLog() *blockLog { return &blockLog{ch: make(chan *types.Block, 1024)} }

func (l *blockLog) onBlock(b *types.Block) {
	l.mu.Lock()
	l.blocks = append(l.blocks, b)
	l.mu.Unlock()
	select {
	case l.ch <- b:
	default:
	}
}

// wait returns the next announced block, failing after timeout.
func (l *blockLog) wait(t testing.TB, timeout time.Duration) *types.Block {
	t.Helper()
	select {
	case b := <-l.ch:
		return b
	case <-time.After(timeout):
		t.Fatalf("no block within %v", timeout)
		return nil
	}
}

func (l *blockLog) all() []*types.Block {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.blocks)
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(time.Millisecond)
	}
}

func mustStop(t testing.TB, m *Miner) {
	t.Helper()
	if err := m.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
}

func balance(t testing.TB, bc *chain.BlockChain, a types.Address) *uint256.Int {
	t.Helper()
	r, err := bc.StateReader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	acct, _, err := r.Account(a)
	if err != nil {
		t.Fatal(err)
	}
	return &acct.Balance
}
