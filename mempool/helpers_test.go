package mempool

import (
	"fmt"
	"maps"
	"math/big"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/state"
	"github.com/quarry-chain/quarry/chain/types"
)

// The test environment is a real chain on an in-memory database whose
// genesis funds n keys, a pool following it, and a small block builder
// that computes each block's roots from its own model of the accounts
// (the state package only turns the model into a root).

const (
	testChainID   = 1337
	testPowBits   = 0x207fffff // about two attempts per block
	testBlockTime = 1000       // ms
	testGenesisTS = 1_767_225_600_000
	testGasLimit  = 30_000_000
	gwei          = 1_000_000_000
)

var (
	testRecipient = types.Address{0xee, 0xee}
	testCoinbase  = types.Address{0xc0, 0x1b}
)

// ether returns n ether in wei.
func ether(n uint64) *uint256.Int {
	return new(uint256.Int).Mul(uint256.NewInt(n), uint256.NewInt(1e18))
}

type modelAccount struct {
	nonce   uint64
	balance uint256.Int
}

type model map[types.Address]modelAccount

type env struct {
	t       testing.TB
	genesis *params.Genesis
	bc      *chain.BlockChain
	pool    *Pool
	keys    []*btcec.PrivateKey
	addrs   []types.Address
	signer  types.Signer
	models  map[types.Hash]model // state after each built block
}

// testKey returns the deterministic key number i.
func testKey(i int) *btcec.PrivateKey {
	var seed [32]byte
	seed[28], seed[29], seed[30], seed[31] = 0x51, byte(i>>16), byte(i>>8), byte(i)
	key, _ := btcec.PrivKeyFromBytes(seed[:])
	return key
}

// keyCache shares derived keys between tests: deriving 1,000 addresses
// costs a Keccak and a point serialisation each, repeated in every test.
var keyCache = struct {
	sync.Mutex
	keys  []*btcec.PrivateKey
	addrs []types.Address
}{}

func testKeys(n int) ([]*btcec.PrivateKey, []types.Address) {
	keyCache.Lock()
	defer keyCache.Unlock()
	for len(keyCache.keys) < n {
		k := testKey(len(keyCache.keys))
		keyCache.keys = append(keyCache.keys, k)
		keyCache.addrs = append(keyCache.addrs, types.PubkeyToAddress(k.PubKey()))
	}
	return keyCache.keys[:n:n], keyCache.addrs[:n:n]
}

// newEnv starts a chain funding nKeys keys with 1000 ether each and a pool
// on it; tweak adjusts the pool's configuration, gtweak the genesis.
func newEnv(t testing.TB, nKeys int, tweak func(*Config), gtweak ...func(*params.Genesis)) *env {
	t.Helper()
	e := &env{t: t, signer: types.NewSigner(testChainID), models: make(map[types.Hash]model)}
	e.keys, e.addrs = testKeys(nKeys)
	g := &params.Genesis{
		ChainID:           testChainID,
		Timestamp:         testGenesisTS,
		TargetBlockTimeMs: testBlockTime,
		ASERTHalfLifeMs:   60 * testBlockTime,
		InitialBits:       testPowBits,
		PowLimitBits:      testPowBits,
		Reward:            params.Reward{Initial: big.NewInt(2e18)},
		GasLimit:          testGasLimit,
		MaxBlockBytes:     1 << 20,
		MaxDriftMs:        15_000,
	}
	for _, a := range e.addrs {
		g.Alloc = append(g.Alloc, params.GenesisAccount{Address: a, Balance: ether(1000).ToBig()})
	}
	for _, f := range gtweak {
		f(g)
	}
	slices.SortFunc(g.Alloc, func(a, b params.GenesisAccount) int { return slices.Compare(a.Address[:], b.Address[:]) })
	e.genesis = g
	db := kvdb.OpenMemory()
	t.Cleanup(func() { db.Close() })
	now := time.UnixMilli(testGenesisTS + 24*3600*1000)
	sigs := chain.NewSigCache(0)
	bc, err := chain.New(chain.Config{DB: db, Genesis: g, Now: func() time.Time { return now }, SigCache: sigs, VerifyWorkers: 2})
	if err != nil {
		t.Fatalf("chain.New: %v", err)
	}
	e.bc = bc
	m := make(model)
	for _, a := range g.Alloc {
		var acct modelAccount
		acct.balance.SetFromBig(a.Balance)
		acct.nonce = a.Nonce
		m[a.Address] = acct
	}
	e.models[bc.Best().Hash] = m
	cfg := Config{Chain: bc, SigCache: sigs}
	if tweak != nil {
		tweak(&cfg)
	}
	pool, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { pool.Close() })
	e.pool = pool
	unsub := bc.Subscribe(pool.HandleChainEvent)
	t.Cleanup(unsub)
	return e
}

// txSpec describes a transaction to sign; zero fields take defaults.
type txSpec struct {
	typ      types.TxType
	nonce    uint64
	price    uint64 // gas price (legacy) in gwei; default 1
	fee, tip uint64 // dynamic-fee caps in gwei
	gas      uint64 // default 21000
	to       *types.Address
	value    *uint256.Int
	data     []byte
	chainID  uint64
}

// tx signs spec with key index from.
func (e *env) tx(from int, s txSpec) *types.Transaction {
	e.t.Helper()
	tx, err := signSpec(e.keys[from], s)
	if err != nil {
		e.t.Fatal(err)
	}
	return tx
}

func signSpec(key *btcec.PrivateKey, s txSpec) (*types.Transaction, error) {
	tx := &types.Transaction{Type: s.typ, ChainID: testChainID, Nonce: s.nonce, Gas: 21000, Data: s.data}
	if s.chainID != 0 {
		tx.ChainID = s.chainID
	}
	if s.gas != 0 {
		tx.Gas = s.gas
	}
	to := testRecipient
	if s.to != nil {
		to = *s.to
	}
	tx.To = &to
	if s.value != nil {
		tx.Value = *s.value
	} else {
		tx.Value.SetUint64(1)
	}
	if s.typ == types.DynamicFeeTxType {
		tx.GasFeeCap.Mul(uint256.NewInt(s.fee), uint256.NewInt(gwei))
		tx.GasTipCap.Mul(uint256.NewInt(s.tip), uint256.NewInt(gwei))
	} else {
		price := max(s.price, 1)
		tx.GasPrice.Mul(uint256.NewInt(price), uint256.NewInt(gwei))
	}
	return types.NewSigner(tx.ChainID).SignTx(tx, key)
}

// signMany signs specs (spec i with key keys[from[i]]) on all CPUs.
func signMany(t testing.TB, keys []*btcec.PrivateKey, from []int, specs []txSpec) []*types.Transaction {
	t.Helper()
	out := make([]*types.Transaction, len(specs))
	var wg sync.WaitGroup
	workers := runtime.NumCPU()
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(specs); i += workers {
				tx, err := signSpec(keys[from[i]], specs[i])
				if err != nil {
					errs[w] = err
					return
				}
				out[i] = tx
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// mustAdd admits txs and fails on any error.
func (e *env) mustAdd(txs ...*types.Transaction) {
	e.t.Helper()
	for i, err := range e.pool.AddBatch(txs, false) {
		if err != nil {
			e.t.Fatalf("tx %d (nonce %d): %v", i, txs[i].Nonce, err)
		}
	}
}

// block builds and mines a block on parent holding txs (plain transfers),
// recording the state it leads to.
func (e *env) block(parent *types.Block, tag string, txs ...*types.Transaction) *types.Block {
	e.t.Helper()
	ph := parent.Header
	after := maps.Clone(e.models[parent.Hash()])
	if after == nil {
		e.t.Fatalf("no model for parent %s", parent.Hash())
	}
	hdr := &types.Header{
		Version:    types.HeaderVersion,
		Height:     ph.Height + 1,
		ParentHash: parent.Hash(),
		Coinbase:   testCoinbase,
		GasLimit:   testGasLimit,
		Time:       ph.Time + testBlockTime,
	}
	copy(hdr.Extra[:], tag)
	var receipts []*types.Receipt
	var gasUsed uint64
	for _, tx := range txs {
		from, err := e.signer.Sender(tx)
		if err != nil {
			e.t.Fatal(err)
		}
		price := tx.EffectiveGasPrice()
		fee := new(uint256.Int).Mul(uint256.NewInt(21000), &price)
		s := after[from]
		s.nonce++
		s.balance.Sub(&s.balance, fee)
		s.balance.Sub(&s.balance, &tx.Value)
		after[from] = s
		r := after[*tx.To]
		r.balance.Add(&r.balance, &tx.Value)
		after[*tx.To] = r
		c := after[testCoinbase]
		c.balance.Add(&c.balance, fee)
		after[testCoinbase] = c
		gasUsed += 21000
		receipts = append(receipts, &types.Receipt{Status: types.ReceiptStatusSuccessful, CumulativeGasUsed: gasUsed, GasUsed: 21000})
	}
	c := after[testCoinbase]
	var sub uint256.Int
	sub.SetFromBig(e.bc.Params().Subsidy(hdr.Height))
	c.balance.Add(&c.balance, &sub)
	after[testCoinbase] = c
	hdr.GasUsed = gasUsed
	hdr.TxRoot = types.TxRoot(txs)
	hdr.ReceiptsRoot = types.ReceiptsRoot(receipts)
	var alloc []params.GenesisAccount
	for addr, a := range after {
		alloc = append(alloc, params.GenesisAccount{Address: addr, Balance: a.balance.ToBig(), Nonce: a.nonce})
	}
	slices.SortFunc(alloc, func(a, b params.GenesisAccount) int { return slices.Compare(a.Address[:], b.Address[:]) })
	root, err := state.GenesisRoot(alloc)
	if err != nil {
		e.t.Fatal(err)
	}
	hdr.StateRoot = root
	bits, err := chain.NextBits(e.bc.Params(), ph.Height, ph.Time)
	if err != nil {
		e.t.Fatal(err)
	}
	hdr.Bits = bits
	target, _ := types.CompactToTarget(bits)
	for hdr.Nonce = 0; types.HashToBig(hdr.Hash()).Cmp(target) > 0; hdr.Nonce++ {
	}
	b := &types.Block{Header: hdr, Txs: txs}
	e.models[b.Hash()] = after
	return b
}

// genesisBlock returns the chain's genesis block.
func (e *env) genesisBlock() *types.Block {
	e.t.Helper()
	b, err := chain.GenesisBlock(e.genesis)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// accept processes blocks and fails on any error.
func (e *env) accept(blocks ...*types.Block) {
	e.t.Helper()
	for _, b := range blocks {
		if _, err := e.bc.ProcessBlock(b); err != nil {
			e.t.Fatalf("block %d: %v", b.Header.Height, err)
		}
	}
}

// checkInvariants verifies every structural invariant of the pool.
func checkInvariants(t testing.TB, p *Pool) {
	t.Helper()
	if err := p.invariantError(); err != nil {
		t.Fatal(err)
	}
}

func (p *Pool) invariantError() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	seen := 0
	bytes, queued := 0, 0
	for addr, a := range p.senders {
		if a.addr != addr || len(a.txs) == 0 {
			return fmt.Errorf("account %s: addr %s, %d txs", addr, a.addr, len(a.txs))
		}
		var spend uint256.Int
		for i, ptx := range a.txs {
			if ptx.sender != addr || p.all[ptx.hash] != ptx || ptx.nonce < a.nonce {
				return fmt.Errorf("account %s: tx %d misfiled", addr, i)
			}
			if i > 0 && a.txs[i-1].nonce >= ptx.nonce {
				return fmt.Errorf("account %s: nonces out of order", addr)
			}
			spend.Add(&spend, &ptx.cost)
			bytes += ptx.size
			seen++
		}
		e := a.exec
		a.recount()
		if a.exec != e {
			return fmt.Errorf("account %s: exec %d, want %d", addr, e, a.exec)
		}
		queued += a.queued()
		if spend != a.spend || a.balance.Lt(&spend) {
			return fmt.Errorf("account %s: spend %s (sum %s), balance %s", addr, a.spend.Dec(), spend.Dec(), a.balance.Dec())
		}
		if a.heapIdx < 0 || a.heapIdx >= len(p.evict) || p.evict[a.heapIdx] != a {
			return fmt.Errorf("account %s: heap index %d", addr, a.heapIdx)
		}
		if len(a.txs) > p.cfg.MaxPerSender || a.queued() > p.cfg.MaxQueuedPerSender {
			return fmt.Errorf("account %s: %d txs, %d queued", addr, len(a.txs), a.queued())
		}
	}
	if seen != len(p.all) || bytes != p.bytes || queued != p.nQueued || len(p.evict) != len(p.senders) {
		return fmt.Errorf("totals: %d/%d txs, %d/%d bytes, %d/%d queued, heap %d senders %d",
			seen, len(p.all), bytes, p.bytes, queued, p.nQueued, len(p.evict), len(p.senders))
	}
	for i := 1; i < len(p.evict); i++ {
		if p.evict.Less(i, (i-1)/2) {
			return fmt.Errorf("eviction heap out of order at %d", i)
		}
	}
	if len(p.all) > p.cfg.MaxTxs || p.bytes > p.cfg.MaxBytes || p.nQueued > p.cfg.MaxQueued {
		return fmt.Errorf("over limits: %d txs, %d bytes, %d queued", len(p.all), p.bytes, p.nQueued)
	}
	return nil
}

// snapshot is an observable summary of the pool, to prove a refusal
// changed nothing.
type snapshot struct {
	pending, queued, bytes int
	content                string
}

func takeSnapshot(p *Pool) snapshot {
	pending, queued := p.Status()
	var s snapshot
	s.pending, s.queued, s.bytes = pending, queued, p.Bytes()
	c := p.Content()
	addrs := slices.SortedFunc(maps.Keys(c), func(a, b types.Address) int { return slices.Compare(a[:], b[:]) })
	for _, a := range addrs {
		s.content += a.String() + ":"
		for _, tx := range c[a].Pending {
			s.content += "p" + tx.Hash().String()
		}
		for _, tx := range c[a].Queued {
			s.content += "q" + tx.Hash().String()
		}
	}
	return s
}
