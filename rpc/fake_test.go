package rpc

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"sync"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// Fixture constants.
const (
	testChainID = 1337
	testBits    = 0x207fffff // regtest-style easiest target: work 2 per block
	testGasLim  = 30_000_000
)

var (
	revertAddr = types.Address{0xee}       // calls revert with Error("nope")
	oogAddr    = types.Address{0x0a, 0x06} // calls need 50000 gas
	tokenAddr  = types.Address{0x70}       // emits logs in the fixture
	otherAddr  = types.Address{0x71}
	recipient  = types.Address{0x42}
	topicA     = types.Keccak256([]byte("Transfer(address,address,uint256)"))
	topicB     = types.Hash{0xbb}
	workID     = types.Hash{0x77}
)

// fake implements every backend over an in-memory chain.
type fake struct {
	t      testing.TB
	key    *btcec.PrivateKey
	sender types.Address
	signer types.Signer

	mu       sync.Mutex
	main     []*types.Block
	byHash   map[types.Hash]*types.Block
	receipts map[types.Hash][]*types.Receipt
	balances map[types.Address]*uint256.Int
	nonces   map[types.Address]uint64
	pool     []*types.Transaction
	mining   MiningStatus
	peers    []PeerInfo
	blocked  map[string]bool // peer ids cut off by BlockPeer

	chainSubs   []func(ChainEvent)
	pendingSubs []func([]*types.Transaction)
}

var (
	_ ChainBackend  = (*fake)(nil)
	_ StateBackend  = (*fake)(nil)
	_ ExecBackend   = (*fake)(nil)
	_ PoolBackend   = (*fake)(nil)
	_ MiningBackend = (*fake)(nil)
	_ AdminBackend  = (*fake)(nil)
	_ PoWBackend    = (*fake)(nil)
	_ SyncBackend   = (*fake)(nil)
	_ EventSource   = (*fake)(nil)
)

// newFake builds a chain of four blocks:
//
//	b0 genesis
//	b1 legacy transfer sender -> recipient (nonce 0), no logs
//	b2 dynamic-fee call to tokenAddr (nonce 1) with two logs, and an
//	   access-list creation (nonce 2) with one log from otherAddr
//	b3 empty
func newFake(t testing.TB) *fake {
	t.Helper()
	key, err := btcec.NewPrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	f := &fake{
		t: t, key: key, signer: types.NewSigner(testChainID),
		byHash:   make(map[types.Hash]*types.Block),
		receipts: make(map[types.Hash][]*types.Receipt),
		balances: make(map[types.Address]*uint256.Int),
		nonces:   make(map[types.Address]uint64),
		blocked:  make(map[string]bool),
		mining:   MiningStatus{Threads: 2, Hashrate: 1234, Coinbase: types.Address{0xcb}},
		peers:    []PeerInfo{{ID: "12D3KooWpeer", Addrs: []string{"/ip4/10.0.0.2/tcp/30303"}, Agent: "quarry/test", Height: 3}},
	}
	f.sender = types.PubkeyToAddress(key.PubKey())
	f.balances[f.sender] = uint256.NewInt(1e18)
	f.nonces[f.sender] = 3

	f.addBlock(nil, nil)
	tx1 := f.sign(&types.Transaction{Type: types.LegacyTxType, Nonce: 0, GasPrice: *uint256.NewInt(1e9), Gas: 21000, To: &recipient, Value: *uint256.NewInt(5)})
	f.addBlock([]*types.Transaction{tx1}, []*types.Receipt{{Status: 1, GasUsed: 21000, CumulativeGasUsed: 21000}})
	tx2 := f.sign(&types.Transaction{Type: types.DynamicFeeTxType, ChainID: testChainID, Nonce: 1, GasTipCap: *uint256.NewInt(2e9), GasFeeCap: *uint256.NewInt(3e9), Gas: 60000, To: &tokenAddr, Data: []byte{0xa9, 0x05, 0x9c, 0xbb}})
	tx3 := f.sign(&types.Transaction{Type: types.AccessListTxType, ChainID: testChainID, Nonce: 2, GasPrice: *uint256.NewInt(1e9), Gas: 90000, Data: []byte{0x60, 0x00},
		AccessList: types.AccessList{{Address: tokenAddr, StorageKeys: []types.Hash{{1}}}}})
	logs2 := []*types.Log{
		{Address: tokenAddr, Topics: []types.Hash{topicA, topicB}, Data: []byte{1}},
		{Address: tokenAddr, Topics: []types.Hash{topicB}},
	}
	logs3 := []*types.Log{{Address: otherAddr, Topics: []types.Hash{topicA}, Data: []byte{3}}}
	f.addBlock([]*types.Transaction{tx2, tx3}, []*types.Receipt{
		{Status: 1, GasUsed: 40000, CumulativeGasUsed: 40000, Logs: logs2, Bloom: types.BloomFromLogs(logs2)},
		{Status: 0, GasUsed: 50000, CumulativeGasUsed: 90000, Logs: logs3, Bloom: types.BloomFromLogs(logs3)},
	})
	f.addBlock(nil, nil)
	return f
}

func (f *fake) sign(tx *types.Transaction) *types.Transaction {
	f.t.Helper()
	if tx.Type == types.LegacyTxType {
		tx.ChainID = 0
	}
	out, err := f.signer.SignTx(tx, f.key)
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// makeBlock builds (without adding) a child of parent.
func (f *fake) makeBlock(parent *types.Block, txs []*types.Transaction, receipts []*types.Receipt, salt byte) (*types.Block, []*types.Receipt) {
	h := &types.Header{Version: types.HeaderVersion, Bits: testBits, GasLimit: testGasLim, Coinbase: types.Address{0xcb}}
	h.Extra[0] = salt
	if parent != nil {
		h.Height = parent.Height() + 1
		h.ParentHash = parent.Hash()
		h.Time = parent.Header.Time + 2500
	} else {
		h.Time = 1_700_000_000_123
	}
	for _, r := range receipts {
		h.GasUsed += r.GasUsed
	}
	b := &types.Block{Header: h, Txs: txs}
	h.TxRoot = b.ComputeTxRoot()
	if receipts == nil {
		receipts = []*types.Receipt{}
	}
	// Lookup fields, as the chain's Receipts fills them.
	for i, r := range receipts {
		if i >= len(txs) {
			break
		}
		tx := txs[i]
		from, err := f.signer.Sender(tx)
		if err != nil {
			f.t.Fatalf("fake block: sender of tx %d: %v", i, err)
		}
		r.TxHash, r.BlockHash, r.BlockNumber, r.TxIndex = tx.Hash(), b.Hash(), h.Height, uint(i)
		r.From, r.To, r.Type, r.EffectiveGasPrice = from, tx.To, tx.Type, tx.EffectiveGasPrice()
		r.ContractAddress = nil
		if tx.IsCreate() {
			addr := types.ContractAddress(from, tx.Nonce)
			r.ContractAddress = &addr
		}
	}
	return b, receipts
}

// addBlock appends a block to the main chain.
func (f *fake) addBlock(txs []*types.Transaction, receipts []*types.Receipt) *types.Block {
	var parent *types.Block
	if len(f.main) > 0 {
		parent = f.main[len(f.main)-1]
	}
	b, rs := f.makeBlock(parent, txs, receipts, 0)
	f.store(b, rs)
	f.main = append(f.main, b)
	return b
}

func (f *fake) store(b *types.Block, rs []*types.Receipt) {
	f.byHash[b.Hash()] = b
	f.receipts[b.Hash()] = rs
}

// emitChain sends a chain event to subscribers.
func (f *fake) emitChain(e ChainEvent) {
	f.mu.Lock()
	subs := slices.Clone(f.chainSubs)
	f.mu.Unlock()
	for _, fn := range subs {
		fn(e)
	}
}

// extend mines one block on the tip and announces it.
func (f *fake) extend(txs []*types.Transaction, receipts []*types.Receipt) *types.Block {
	f.mu.Lock()
	b := f.addBlock(txs, receipts)
	rs := f.receipts[b.Hash()]
	f.mu.Unlock()
	f.emitChain(ChainEvent{Added: []BlockReceipts{{b, rs}}})
	return b
}

// reorg replaces the tip with a sibling (different extra data) and
// announces the switch.
func (f *fake) reorg(txs []*types.Transaction, receipts []*types.Receipt) (old, repl *types.Block) {
	f.mu.Lock()
	old = f.main[len(f.main)-1]
	parent := f.main[len(f.main)-2]
	repl, rs := f.makeBlock(parent, txs, receipts, 9)
	f.store(repl, rs)
	f.main[len(f.main)-1] = repl
	oldRs := f.receipts[old.Hash()]
	f.mu.Unlock()
	f.emitChain(ChainEvent{Removed: []BlockReceipts{{old, oldRs}}, Added: []BlockReceipts{{repl, rs}}})
	return old, repl
}

func (f *fake) notFound(what string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrNotFound, fmt.Sprintf(what, args...))
}

// ChainBackend.

func (f *fake) ChainID() uint64 { return testChainID }
func (f *fake) Head() *types.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.main[len(f.main)-1].Header
}
func (f *fake) BlockByNumber(ctx context.Context, n uint64) (*types.Block, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n >= uint64(len(f.main)) {
		return nil, f.notFound("block %d", n)
	}
	return f.main[n], nil
}
func (f *fake) HeaderByNumber(ctx context.Context, n uint64) (*types.Header, error) {
	b, err := f.BlockByNumber(ctx, n)
	if err != nil {
		return nil, err
	}
	return b.Header, nil
}
func (f *fake) BlockByHash(ctx context.Context, h types.Hash) (*types.Block, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.byHash[h]
	if !ok {
		return nil, f.notFound("block %s", h)
	}
	return b, nil
}
func (f *fake) HeaderByHash(ctx context.Context, h types.Hash) (*types.Header, error) {
	b, err := f.BlockByHash(ctx, h)
	if err != nil {
		return nil, err
	}
	return b.Header, nil
}
func (f *fake) InMainChain(ctx context.Context, h types.Hash) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.byHash[h]
	return ok && b.Height() < uint64(len(f.main)) && f.main[b.Height()] == b
}
func (f *fake) Receipts(ctx context.Context, h types.Hash) ([]*types.Receipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rs, ok := f.receipts[h]
	if !ok {
		return nil, f.notFound("receipts %s", h)
	}
	return rs, nil
}
func (f *fake) TxLookup(ctx context.Context, h types.Hash) (TxLocation, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, b := range f.main {
		for i, tx := range b.Txs {
			if tx.Hash() == h {
				return TxLocation{BlockHash: b.Hash(), Height: b.Height(), Index: uint64(i)}, nil
			}
		}
	}
	return TxLocation{}, f.notFound("tx %s", h)
}
func (f *fake) TotalWork(ctx context.Context, h types.Hash) (*big.Int, error) {
	b, err := f.BlockByHash(ctx, h)
	if err != nil {
		return nil, err
	}
	return big.NewInt(int64(2 * (b.Height() + 1))), nil
}

// StateBackend: the state of genesis is "pruned".

func (f *fake) checkState(at *types.Header) error {
	if at.Height == 0 {
		return fmt.Errorf("state of block 0: %w", ErrStateNotAvailable)
	}
	return nil
}
func (f *fake) Balance(ctx context.Context, at *types.Header, a types.Address) (*uint256.Int, error) {
	if err := f.checkState(at); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if b, ok := f.balances[a]; ok {
		return b.Clone(), nil
	}
	return new(uint256.Int), nil
}
func (f *fake) Nonce(ctx context.Context, at *types.Header, a types.Address) (uint64, error) {
	if err := f.checkState(at); err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.nonces[a], nil
}
func (f *fake) Code(ctx context.Context, at *types.Header, a types.Address) ([]byte, error) {
	if err := f.checkState(at); err != nil {
		return nil, err
	}
	if a == tokenAddr {
		return []byte{0x60, 0x01, 0x00}, nil
	}
	return nil, nil
}
func (f *fake) Storage(ctx context.Context, at *types.Header, a types.Address, slot types.Hash) (types.Hash, error) {
	if err := f.checkState(at); err != nil {
		return types.Hash{}, err
	}
	if a == tokenAddr && slot == (types.Hash{31: 1}) {
		return types.Hash{31: 0x2a}, nil
	}
	return types.Hash{}, nil
}

// ExecBackend.

func (f *fake) Call(ctx context.Context, msg *CallMsg, at *types.Header) (*ExecResult, error) {
	if err := f.checkState(at); err != nil {
		return nil, err
	}
	switch {
	case msg.To != nil && *msg.To == revertAddr:
		return &ExecResult{ReturnData: revertData("nope"), GasUsed: 23000, Reverted: true}, nil
	case msg.To != nil && *msg.To == oogAddr:
		if msg.Gas < 50000 {
			return &ExecResult{GasUsed: msg.Gas, Err: fmt.Errorf("vm: %w", ErrOutOfGas)}, nil
		}
		return &ExecResult{GasUsed: 45000, ReturnData: []byte{1}}, nil
	}
	if msg.Gas < 21000 {
		return &ExecResult{GasUsed: msg.Gas, Err: ErrOutOfGas}, nil
	}
	out := slices.Clone(msg.Data)
	slices.Reverse(out)
	return &ExecResult{ReturnData: out, GasUsed: 21000}, nil
}

// revertData ABI-encodes Error(reason).
func revertData(reason string) []byte {
	out := append([]byte{}, errorSelector[:]...)
	word := func(n int) []byte { w := make([]byte, 32); big.NewInt(int64(n)).FillBytes(w); return w }
	out = append(out, word(32)...)
	out = append(out, word(len(reason))...)
	padded := make([]byte, (len(reason)+31)/32*32)
	copy(padded, reason)
	return append(out, padded...)
}

// PoolBackend.

func (f *fake) SendTx(ctx context.Context, tx *types.Transaction) error {
	from, err := f.signer.Sender(tx)
	if err != nil {
		return ErrInvalidSender
	}
	f.mu.Lock()
	if tx.Nonce < f.nonces[from] {
		f.mu.Unlock()
		return fmt.Errorf("%w: address %s, tx: %d state: %d", ErrNonceTooLow, from, tx.Nonce, f.nonces[from])
	}
	for _, p := range f.pool {
		if p.Hash() == tx.Hash() {
			f.mu.Unlock()
			return fmt.Errorf("mempool: %w", ErrAlreadyKnown)
		}
	}
	f.pool = append(f.pool, tx)
	subs := slices.Clone(f.pendingSubs)
	f.mu.Unlock()
	for _, fn := range subs {
		fn([]*types.Transaction{tx})
	}
	return nil
}
func (f *fake) PendingNonce(ctx context.Context, a types.Address) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := f.nonces[a]
	for _, tx := range f.pool {
		if from, _ := f.signer.Sender(tx); from == a {
			n++
		}
	}
	return n, nil
}
func (f *fake) Tx(h types.Hash) *types.Transaction {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, tx := range f.pool {
		if tx.Hash() == h {
			return tx
		}
	}
	return nil
}
func (f *fake) Content() (pending, queued map[types.Address][]*types.Transaction) {
	f.mu.Lock()
	defer f.mu.Unlock()
	pending = make(map[types.Address][]*types.Transaction)
	for _, tx := range f.pool {
		from, _ := f.signer.Sender(tx)
		pending[from] = append(pending[from], tx)
	}
	return pending, map[types.Address][]*types.Transaction{}
}
func (f *fake) SuggestGasPrice(ctx context.Context) (*uint256.Int, error) {
	return uint256.NewInt(1e9), nil
}

// MiningBackend.

func (f *fake) Start(threads int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mining.Mining = true
	if threads > 0 {
		f.mining.Threads = threads
	}
	return nil
}
func (f *fake) Stop() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mining.Mining = false
	return nil
}
func (f *fake) SetThreads(n int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mining.Threads = n
	return nil
}
func (f *fake) SetCoinbase(a types.Address) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mining.Coinbase = a
	return nil
}
func (f *fake) Status() MiningStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mining
}
func (f *fake) GetWork(ctx context.Context) (*Work, error) {
	h := *f.Head()
	h.Height++
	h.ParentHash = f.Head().Hash()
	return &Work{ID: workID, Header: &h, Target: types.Hash{0x7f, 0xff, 0xff}}, nil
}
func (f *fake) SubmitWork(ctx context.Context, id types.Hash, time, nonce uint64) error {
	if id != workID {
		return ErrUnknownWork
	}
	return nil
}

// AdminBackend.

func (f *fake) NodeInfo(ctx context.Context) (*NodeInfo, error) {
	return &NodeInfo{ID: selfPeerID, Name: "quarry/test", ListenAddrs: []string{"/ip4/127.0.0.1/tcp/30303"}, Genesis: f.main[0].Hash(), Listening: true}, nil
}
func (f *fake) Peers(ctx context.Context) ([]PeerInfo, error) { return f.peers, nil }
func (f *fake) AddPeer(ctx context.Context, addr string) error {
	if addr == "bad" {
		return Errorf(&Kind{CodeServer, "invalid multiaddr"}, "%q", addr)
	}
	return nil
}
func (f *fake) RemovePeer(ctx context.Context, id string) error {
	if id != f.peers[0].ID {
		return f.notFound("peer %s", id)
	}
	return nil
}

// selfPeerID is the fake's own peer id, which it refuses to block.
const selfPeerID = "12D3KooWself"

func (f *fake) BlockPeer(ctx context.Context, id string) error {
	if id == selfPeerID {
		return Errorf(&Kind{CodeInvalidParams, "invalid peer"}, "cannot block ourselves")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.blocked[id] = true
	return nil
}
func (f *fake) UnblockPeer(ctx context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.blocked, id)
	return nil
}
func (f *fake) isBlocked(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.blocked[id]
}

// PoWBackend.

func (f *fake) ChainTips(ctx context.Context) ([]ChainTip, error) {
	head := f.Head()
	return []ChainTip{{Hash: head.Hash(), Height: head.Height, TotalWork: big.NewInt(8), Status: "active"}}, nil
}
func (f *fake) Reorgs(ctx context.Context, limit int) ([]ReorgInfo, error) {
	return []ReorgInfo{{Time: 1_700_000_100_000, Fork: types.Hash{1}, ForkHeight: 2, OldTip: types.Hash{2}, NewTip: types.Hash{3}, Disconnected: 1, Connected: 2}}[:min(limit, 1)], nil
}

// SyncBackend.

func (f *fake) SyncProgress(ctx context.Context) (*SyncProgress, error) { return nil, nil }

// EventSource.

func (f *fake) SubscribeChain(fn func(ChainEvent)) func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.chainSubs = append(f.chainSubs, fn)
	return func() {}
}
func (f *fake) SubscribePendingTxs(fn func([]*types.Transaction)) func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pendingSubs = append(f.pendingSubs, fn)
	return func() {}
}

// config returns a Config with every backend set to f.
func (f *fake) config() Config {
	return Config{
		Addr: "127.0.0.1:0", Chain: f, State: f, Exec: f, Pool: f, Mining: f, Admin: f, PoW: f, Sync: f, Events: f,
		ClientVersion: "quarry/test",
	}
}

// bigExec is an ExecBackend whose every call returns data, reverted or
// not: the large answers of the hostile-client measurements and of the
// response budget tests.
type bigExec struct {
	data     []byte
	reverted bool
}

var _ ExecBackend = (*bigExec)(nil)

func (e *bigExec) Call(ctx context.Context, msg *CallMsg, at *types.Header) (*ExecResult, error) {
	return &ExecResult{ReturnData: e.data, GasUsed: 21000, Reverted: e.reverted}, nil
}
