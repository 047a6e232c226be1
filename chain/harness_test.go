package chain

import (
	"errors"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/state"
	"github.com/quarry-chain/quarry/chain/types"
)

// The harness builds blocks the way a story reads: name each block, say
// which block it extends and what it holds, feed it to the chain, and check
// what the chain did. It computes every root from its own simple model of
// the account state (an oracle independent of the chain's state package
// but for the final root function), and mines each header at an easy target.

const (
	testBlockTime = 1000       // ms
	testPowBits   = 0x207fffff // ~2 attempts a block
	testGasPrice  = 1_000_000_000
	testGenesisTS = 1_767_225_600_000 // 2026-01-01, ms
)

var testSubsidy = new(big.Int).Mul(big.NewInt(2), big.NewInt(1e18))

// model is the account state after a block, as the harness computes it.
type model map[types.Address]modelAccount

type modelAccount struct {
	nonce   uint64
	balance uint256.Int
}

func (m model) clone() model { return maps.Clone(m) }

func (m model) supply() *uint256.Int {
	total := new(uint256.Int)
	for _, a := range m {
		total.Add(total, &a.balance)
	}
	return total
}

type genBlock struct {
	name  string
	block *types.Block
	after model
}

type harness struct {
	t       testing.TB
	genesis *params.Genesis
	db      *kvdb.DB
	bc      *BlockChain
	keys    []*btcec.PrivateKey
	addrs   []types.Address
	signer  types.Signer
	blocks  map[string]*genBlock
	now     time.Time
}

// newHarness starts a chain on an in-memory database whose genesis funds
// four accounts with 1000 ether each; tweaks adjust that genesis.
func newHarness(t testing.TB, tweaks ...func(*params.Genesis)) *harness {
	t.Helper()
	h := &harness{t: t, blocks: make(map[string]*genBlock), signer: types.NewSigner(1337)}
	for i := range 4 {
		var seed [32]byte
		seed[31] = byte(i + 1)
		key, _ := btcec.PrivKeyFromBytes(seed[:])
		h.keys = append(h.keys, key)
		h.addrs = append(h.addrs, types.PubkeyToAddress(key.PubKey()))
	}
	h.genesis = testGenesis(h.addrs)
	for _, tweak := range tweaks {
		tweak(h.genesis)
	}
	// Blocks are stamped at genesis + height * block time; a clock one day
	// ahead keeps every test block within the future-drift rule.
	h.now = time.UnixMilli(testGenesisTS + 24*3600*1000)
	h.db = kvdb.OpenMemory()
	t.Cleanup(func() { h.db.Close() })
	h.open()
	g := h.bc.Best()
	m := make(model)
	for _, a := range h.genesis.Alloc {
		var acct modelAccount
		acct.balance.SetFromBig(a.Balance)
		m[a.Address] = acct
	}
	gb, err := h.bc.BlockByHash(g.Hash)
	if err != nil {
		t.Fatal(err)
	}
	h.blocks["genesis"] = &genBlock{name: "genesis", block: gb, after: m}
	return h
}

func testGenesis(funded []types.Address) *params.Genesis {
	g := &params.Genesis{
		ChainID:           1337,
		Timestamp:         testGenesisTS,
		TargetBlockTimeMs: testBlockTime,
		ASERTHalfLifeMs:   60 * testBlockTime,
		InitialBits:       testPowBits,
		PowLimitBits:      testPowBits,
		Reward:            params.Reward{Initial: new(big.Int).Set(testSubsidy)},
		GasLimit:          30_000_000,
		MaxBlockBytes:     1 << 20,
		MaxDriftMs:        15_000,
	}
	for _, a := range funded {
		g.Alloc = append(g.Alloc, params.GenesisAccount{Address: a, Balance: new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18))})
	}
	slices.SortFunc(g.Alloc, func(a, b params.GenesisAccount) int { return slices.Compare(a.Address[:], b.Address[:]) })
	return g
}

// open (re)opens the chain on the harness's database.
func (h *harness) open() {
	h.t.Helper()
	bc, err := New(Config{DB: h.db, Genesis: h.genesis, Now: func() time.Time { return h.now }, VerifyWorkers: 2})
	if err != nil {
		h.t.Fatalf("New: %v", err)
	}
	h.bc = bc
}

// ether returns n ether in wei.
func ether(n uint64) *uint256.Int {
	return new(uint256.Int).Mul(uint256.NewInt(n), uint256.NewInt(1e18))
}

// transfer signs a 21000-gas transfer of value wei from key index from.
func (h *harness) transfer(from int, to types.Address, value uint64, nonce uint64) *types.Transaction {
	h.t.Helper()
	return h.transferWei(from, to, uint256.NewInt(value), nonce)
}

// transferWei is transfer for values beyond uint64.
func (h *harness) transferWei(from int, to types.Address, value *uint256.Int, nonce uint64) *types.Transaction {
	h.t.Helper()
	tx := &types.Transaction{
		Type:     types.LegacyTxType,
		ChainID:  1337,
		Nonce:    nonce,
		GasPrice: *uint256.NewInt(testGasPrice),
		Gas:      21000,
		To:       &to,
		Value:    *value,
	}
	signed, err := h.signer.SignTx(tx, h.keys[from])
	if err != nil {
		h.t.Fatal(err)
	}
	return signed
}

// blockOpt adjusts a block being built.
type blockOpt func(*blockSpec)

type blockSpec struct {
	txs      []*types.Transaction
	timeStep int64               // ms after the parent (default testBlockTime)
	coinbase types.Address       // default: a fixed miner address
	mutate   func(*types.Header) // applied after roots, before mining
	badPoW   bool                // make the hash miss the target
	skipTxs  bool                // put txs in the block but not in the model (to break roots)
}

func withTxs(txs ...*types.Transaction) blockOpt {
	return func(s *blockSpec) { s.txs = append(s.txs, txs...) }
}
func withTimeStep(ms int64) blockOpt        { return func(s *blockSpec) { s.timeStep = ms } }
func withCoinbase(a types.Address) blockOpt { return func(s *blockSpec) { s.coinbase = a } }
func withMutation(f func(*types.Header)) blockOpt {
	return func(s *blockSpec) { s.mutate = f }
}
func withBadPoW() blockOpt { return func(s *blockSpec) { s.badPoW = true } }

var testMiner = types.Address{0xc0, 0x1b, 0xa5, 0xe0}

// block builds, mines and records block name on top of parent.
func (h *harness) block(name, parent string, opts ...blockOpt) *types.Block {
	h.t.Helper()
	if _, dup := h.blocks[name]; dup {
		h.t.Fatalf("block name %q used twice", name)
	}
	p, ok := h.blocks[parent]
	if !ok {
		h.t.Fatalf("unknown parent %q", parent)
	}
	spec := blockSpec{timeStep: testBlockTime, coinbase: testMiner}
	for _, o := range opts {
		o(&spec)
	}
	ph := p.block.Header
	hdr := &types.Header{
		Version:    types.HeaderVersion,
		Height:     ph.Height + 1,
		ParentHash: p.block.Hash(),
		Coinbase:   spec.coinbase,
		GasLimit:   h.genesis.GasLimit,
		Time:       uint64(int64(ph.Time) + spec.timeStep),
	}
	copy(hdr.Extra[:], name) // distinct blocks even with identical contents
	after := p.after.clone()
	receipts := make([]*types.Receipt, 0, len(spec.txs))
	var gasUsed uint64
	for _, tx := range spec.txs {
		from, err := h.signer.Sender(tx)
		if err != nil {
			h.t.Fatal(err)
		}
		s := after[from]
		fee := new(uint256.Int).Mul(uint256.NewInt(21000), &tx.GasPrice)
		s.nonce++
		s.balance.Sub(&s.balance, fee)
		s.balance.Sub(&s.balance, &tx.Value)
		after[from] = s
		r := after[*tx.To]
		r.balance.Add(&r.balance, &tx.Value)
		after[*tx.To] = r
		c := after[spec.coinbase]
		c.balance.Add(&c.balance, fee)
		after[spec.coinbase] = c
		gasUsed += 21000
		receipts = append(receipts, &types.Receipt{Status: types.ReceiptStatusSuccessful, CumulativeGasUsed: gasUsed, GasUsed: 21000})
	}
	c := after[spec.coinbase]
	var sub uint256.Int
	sub.SetFromBig(h.bc.Params().Subsidy(hdr.Height))
	c.balance.Add(&c.balance, &sub)
	after[spec.coinbase] = c

	hdr.GasUsed = gasUsed
	hdr.TxRoot = types.TxRoot(spec.txs)
	hdr.ReceiptsRoot = types.ReceiptsRoot(receipts)
	hdr.StateRoot = h.modelRoot(after)
	bits, err := NextBits(h.bc.Params(), ph.Height, ph.Time)
	if err != nil {
		h.t.Fatal(err)
	}
	hdr.Bits = bits
	if spec.mutate != nil {
		spec.mutate(hdr)
	}
	if spec.badPoW {
		spoil(h.t, hdr)
	} else {
		mine(h.t, hdr)
	}
	b := &types.Block{Header: hdr, Txs: spec.txs}
	h.blocks[name] = &genBlock{name: name, block: b, after: after}
	return b
}

// modelRoot is the state root of the model's accounts, through the state
// package's genesis root (a pure function of an account set).
func (h *harness) modelRoot(m model) types.Hash {
	h.t.Helper()
	g := *h.genesis
	g.Alloc = nil
	for addr, a := range m {
		g.Alloc = append(g.Alloc, params.GenesisAccount{Address: addr, Balance: a.balance.ToBig(), Nonce: a.nonce})
	}
	slices.SortFunc(g.Alloc, func(a, b params.GenesisAccount) int { return slices.Compare(a.Address[:], b.Address[:]) })
	root, err := state.GenesisRoot(g.Alloc)
	if err != nil {
		h.t.Fatal(err)
	}
	return root
}

// chainOf builds n blocks named prefix1..prefixN on top of parent.
func (h *harness) chainOf(prefix, parent string, n int, opts ...blockOpt) []string {
	h.t.Helper()
	names := make([]string, n)
	for i := range n {
		names[i] = fmt.Sprintf("%s%d", prefix, i+1)
		h.block(names[i], parent, opts...)
		parent = names[i]
	}
	return names
}

// accept feeds the named blocks and requires each to be taken.
func (h *harness) accept(names ...string) {
	h.t.Helper()
	for _, name := range names {
		if _, err := h.bc.ProcessBlock(h.blocks[name].block); err != nil {
			h.t.Fatalf("block %s: unexpected error %v", name, err)
		}
	}
}

// process feeds a block and returns what the chain said.
func (h *harness) process(name string) (Result, error) {
	h.t.Helper()
	return h.bc.ProcessBlock(h.blocks[name].block)
}

// reject feeds the named block and requires the rule error kind.
func (h *harness) reject(name string, kind ErrorKind) {
	h.t.Helper()
	_, err := h.bc.ProcessBlock(h.blocks[name].block)
	if !errors.Is(err, kind) {
		h.t.Fatalf("block %s: err = %v, want %s", name, err, kind)
	}
	var re *RuleError
	if !errors.As(err, &re) {
		h.t.Fatalf("block %s: %v is not a *RuleError", name, err)
	}
}

// expectTip requires the named block to be the active tip, with the state
// the model computed for it.
func (h *harness) expectTip(name string) {
	h.t.Helper()
	want := h.blocks[name]
	best := h.bc.Best()
	if best.Hash != want.block.Hash() {
		h.t.Fatalf("tip is %s (height %d), want %s (height %d)", h.nameOf(best.Hash), best.Height, name, want.block.Header.Height)
	}
	if root, err := h.bc.state.Root(); err != nil || root != want.block.Header.StateRoot {
		h.t.Fatalf("state root %s at tip %s, want %s", root, name, want.block.Header.StateRoot)
	}
	h.checkBalances(want.after)
}

func (h *harness) nameOf(hash types.Hash) string {
	for name, b := range h.blocks {
		if b.block.Hash() == hash {
			return name
		}
	}
	return hash.String()
}

// checkBalances compares every modelled account with the chain's state.
func (h *harness) checkBalances(m model) {
	h.t.Helper()
	r, err := h.bc.StateReader()
	if err != nil {
		h.t.Fatal(err)
	}
	defer r.Release()
	for addr, want := range m {
		acct, _, err := r.Account(addr)
		if err != nil {
			h.t.Fatalf("account %s: %v", addr, err)
		}
		if acct.Balance != want.balance || acct.Nonce != want.nonce {
			h.t.Fatalf("account %s: balance %s nonce %d, want %s nonce %d", addr, acct.Balance.Dec(), acct.Nonce, want.balance.Dec(), want.nonce)
		}
	}
}
