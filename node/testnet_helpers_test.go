package node

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"os"
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
	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/p2p"
)

// Helpers of the multi-node tests: real nodes (chain, pool, miner, p2p,
// RPC) in one process over loopback, and a block generator that builds
// valid blocks with the chain's own Builder far faster than mining them.

// easyBits is the dev chain's PoW limit (about two hashes per block): a
// chain whose genesis starts at it and whose blocks come exactly on
// schedule keeps it, so the generator finds nonces at once.
const easyBits = params.DevPowLimitBits

// genBlockTimeMs is the spacing of generated blocks: the target block time,
// so ASERT keeps the difficulty where the genesis put it.
const genBlockTimeMs = params.DevTargetBlockTimeMs

// testGasPrice is what test transfers pay per gas (2 gwei).
const testGasPrice = 2_000_000_000

// testAccount is a funded key of a test genesis.
type testAccount struct {
	key  *btcec.PrivateKey
	addr types.Address
}

// testAccounts returns n deterministic keys; account i is the same in
// every call.
func testAccounts(n int) []testAccount {
	out := make([]testAccount, n)
	for i := range out {
		seed := sha256.Sum256(binary.BigEndian.AppendUint64([]byte("quarry node multinode test"), uint64(i)))
		k, _ := btcec.PrivKeyFromBytes(seed[:])
		out[i] = testAccount{key: k, addr: types.PubkeyToAddress(k.PubKey())}
	}
	return out
}

// easyGenesis returns a dev genesis at the PoW limit, dated room blocks
// (of genBlockTimeMs) before now so that generated blocks stamped on
// schedule stay behind the clock, funding the dev account and accts.
func easyGenesis(room int, accts []testAccount) *params.Genesis {
	ts := uint64(time.Now().UnixMilli()) - uint64(room+60)*genBlockTimeMs
	g := params.DevGenesis(ts)
	g.InitialBits = easyBits
	coin := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	for _, a := range accts {
		g.Alloc = append(g.Alloc, params.GenesisAccount{Address: a.addr, Balance: new(big.Int).Mul(big.NewInt(1000), coin)})
	}
	slices.SortFunc(g.Alloc, func(a, b params.GenesisAccount) int { return bytes.Compare(a.Address[:], b.Address[:]) })
	return g
}

// minerGenesis returns the dev genesis of now, for tests where the real
// miner makes the blocks (about 2^16 hashes each at first).
func minerGenesis() *params.Genesis { return params.DevGenesis(uint64(time.Now().UnixMilli())) }

// testLogger logs to stderr with QUARRY_TEST_DEBUG set, else nowhere (t.Log
// would panic if a libp2p goroutine logged after the test ended).
func testLogger(name string) *slog.Logger {
	if os.Getenv("QUARRY_TEST_DEBUG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("node", name)
}

// netNodeOpts shapes one node of a test network.
type netNodeOpts struct {
	name      string
	dataDir   string // "" = a fresh t.TempDir()
	rpc       bool   // serve JSON-RPC on a free loopback port
	bootnodes []string
	edit      func(*Config)
}

// startNetNode starts a node with p2p on loopback TCP (fast status refresh
// and re-dials, so tests wait seconds, not minutes), no miner running, and
// stops it when the test ends.
func startNetNode(tb testing.TB, g *params.Genesis, o netNodeOpts) *Node {
	tb.Helper()
	if o.dataDir == "" {
		o.dataDir = tb.TempDir()
	}
	cfg := Config{DataDir: o.dataDir, Genesis: g, NoSync: true, Logger: testLogger(o.name), NoRPC: !o.rpc}
	cfg.RPC.Addr = "127.0.0.1:0"
	cfg.Miner.Threads = 1
	cfg.Miner.Coinbase = types.Address{0xc0, 0x1b, byte(len(o.name)), 0x5e}
	copy(cfg.Miner.Extra[:], o.name)
	cfg.P2P = p2p.Config{
		ListenAddrs:      []string{"/ip4/127.0.0.1/tcp/0"},
		Bootnodes:        o.bootnodes,
		HandshakeTimeout: 5 * time.Second,
		RequestTimeout:   5 * time.Second,
		StatusInterval:   time.Second,
		ProgressInterval: time.Second,
		RedialMin:        100 * time.Millisecond,
		RedialMax:        time.Second,
	}
	if o.edit != nil {
		o.edit(&cfg)
	}
	n, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := n.Start(ctx); err != nil {
		cancel()
		n.Stop()
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		cancel()
		if err := n.Stop(); err != nil {
			tb.Errorf("stop %s: %v", o.name, err)
		}
	})
	return n
}

// startNetNodes starts count nodes named prefix0, prefix1...
func startNetNodes(tb testing.TB, g *params.Genesis, count int, prefix string, rpcOn bool) []*Node {
	tb.Helper()
	out := make([]*Node, count)
	for i := range out {
		out[i] = startNetNode(tb, g, netNodeOpts{name: fmt.Sprintf("%s%d", prefix, i), rpc: rpcOn})
	}
	return out
}

// p2pAddr is n's first listen address with its peer id.
func p2pAddr(n *Node) string {
	self := n.P2P().Self()
	return fmt.Sprintf("%s/p2p/%s", self.Addrs[0], self.ID)
}

// handshaken reports whether a has finished the status exchange with b.
func handshaken(a, b *Node) bool {
	id := b.P2P().Self().ID
	for _, p := range a.P2P().Peers() {
		if p.ID == id {
			return p.Handshaken
		}
	}
	return false
}

// connectNodes dials b from a (a keeps re-dialling it) and waits until
// both sides completed the handshake.
func connectNodes(tb testing.TB, a, b *Node) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.P2P().ConnectPeer(ctx, p2pAddr(b)); err != nil {
		tb.Fatal(err)
	}
	eventually(tb, 10*time.Second, "handshake", func() bool { return handshaken(a, b) && handshaken(b, a) })
}

// waitGossipMesh waits until every node has had each of its peers in a
// gossip mesh for a second or more (GossipSub's time-in-mesh score is
// positive). A message published in the first second or so of a new
// connection was seen to miss a peer for good (blocks then arrive by sync,
// transactions never: nothing re-announces them), so tests that check
// gossip start from formed meshes.
func waitGossipMesh(tb testing.TB, d time.Duration, nodes ...*Node) {
	tb.Helper()
	eventually(tb, d, "gossip meshes", func() bool {
		for _, n := range nodes {
			for _, p := range n.P2P().Peers() {
				if p.GossipScore <= 0 {
					return false
				}
			}
		}
		return true
	})
}

// eventually polls cond until it holds, failing the test after d.
func eventually(tb testing.TB, d time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// headsEqual reports whether every node's head is want.
func headsEqual(want types.Hash, nodes ...*Node) bool {
	for _, n := range nodes {
		if n.Chain().Best().Hash != want {
			return false
		}
	}
	return true
}

// describeHeads lists the nodes' heights and heads, for failure messages.
func describeHeads(nodes ...*Node) string {
	var b bytes.Buffer
	for i, n := range nodes {
		best := n.Chain().Best()
		fmt.Fprintf(&b, " [%d] %d %s", i, best.Height, best.Hash)
	}
	return b.String()
}

// waitHead waits until every node's head is want.
func waitHead(tb testing.TB, d time.Duration, want types.Hash, nodes ...*Node) {
	tb.Helper()
	deadline := time.Now().Add(d)
	for !headsEqual(want, nodes...) {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %v waiting for head %s; heads:%s", d, want, describeHeads(nodes...))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// mineBlocks runs n's miner until its chain has grown by at least k blocks
// past its height now, then stops it, and returns the head.
func mineBlocks(tb testing.TB, n *Node, k uint64, d time.Duration) *chain.BestState {
	tb.Helper()
	start := n.Chain().Best().Height
	if err := n.Miner().Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	eventually(tb, d, fmt.Sprintf("%d mined blocks", k), func() bool { return n.Chain().Best().Height >= start+k })
	if err := n.Miner().Stop(); err != nil {
		tb.Fatal(err)
	}
	return n.Chain().Best()
}

// transfer signs a transfer of value wei from key with the given nonce.
func transfer(tb testing.TB, g *params.Genesis, key *btcec.PrivateKey, nonce uint64, to types.Address, value uint64) *types.Transaction {
	tb.Helper()
	tx := &types.Transaction{Type: types.LegacyTxType, ChainID: g.ChainID, Nonce: nonce, Gas: 21000, To: &to}
	tx.GasPrice.SetUint64(testGasPrice)
	tx.Value.SetUint64(value)
	signed, err := types.NewSigner(g.ChainID).SignTx(tx, key)
	if err != nil {
		tb.Fatal(err)
	}
	return signed
}

// devKey is the dev genesis' funded key (anvil's account 0).
func devKey() *btcec.PrivateKey {
	b, _ := hex.DecodeString("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
	k, _ := btcec.PrivKeyFromBytes(b)
	return k
}

// sendRawTx submits tx through n's eth_sendRawTransaction, as a wallet
// would, and fails the test on an RPC error.
func sendRawTx(tb testing.TB, n *Node, tx *types.Transaction) {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{
		"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction",
		"params": []string{"0x" + hex.EncodeToString(tx.Encode())},
	})
	resp, err := http.Post("http://"+n.RPCAddr(), "application/json", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Result types.Hash `json:"result"`
		Error  *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		tb.Fatal(err)
	}
	if r.Error != nil {
		tb.Fatalf("eth_sendRawTransaction: %d %s", r.Error.Code, r.Error.Message)
	}
	if r.Result != tx.Hash() {
		tb.Fatalf("eth_sendRawTransaction returned %s, want %s", r.Result, tx.Hash())
	}
}

// stateRoot is the state root of n's head.
func stateRoot(n *Node) types.Hash { return n.Chain().Best().Header.StateRoot }

// balanceOf reads an account's balance at bc's head.
func balanceOf(tb testing.TB, bc *chain.BlockChain, a types.Address) *uint256.Int {
	tb.Helper()
	r, err := bc.StateReader()
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Release()
	acct, _, err := r.Account(a)
	if err != nil {
		tb.Fatal(err)
	}
	return new(uint256.Int).Set(&acct.Balance)
}

// scratchChain is a chain in a temporary directory that is not part of any
// node: the generator's workspace, or a referee that judges blocks.
type scratchChain struct {
	bc  *chain.BlockChain
	db  *kvdb.DB
	dir string
}

// newScratchChain opens a chain of genesis g; close it with close.
func newScratchChain(tb testing.TB, g *params.Genesis) *scratchChain {
	tb.Helper()
	dir, err := os.MkdirTemp("", "quarry-node-scratch-")
	if err != nil {
		tb.Fatal(err)
	}
	db, err := kvdb.Open(dir, kvdb.Options{NoSync: true})
	if err != nil {
		os.RemoveAll(dir)
		tb.Fatal(err)
	}
	bc, err := chain.New(chain.Config{DB: db, Genesis: g})
	if err != nil {
		db.Close()
		os.RemoveAll(dir)
		tb.Fatal(err)
	}
	return &scratchChain{bc: bc, db: db, dir: dir}
}

func (s *scratchChain) close() {
	s.db.Close()
	os.RemoveAll(s.dir)
}

// senderTx is a signed transaction and its sender.
type senderTx struct {
	tx   *types.Transaction
	from types.Address
}

// buildBlock builds, but does not add, a block on bc's tip: stamped one
// block time after its parent (or at timeMs if non-zero), holding txs, with
// extra to tell branches apart. edit, if set, may then change the block
// (breaking it on purpose); the nonce is searched last, so the block meets
// its target unless edit says otherwise.
func buildBlock(tb testing.TB, bc *chain.BlockChain, txs []senderTx, extra string, timeMs uint64, edit func(*types.Block)) *types.Block {
	tb.Helper()
	parent := bc.Best()
	if timeMs == 0 {
		timeMs = parent.Header.Time + genBlockTimeMs
	}
	var ex [types.HeaderExtraSize]byte
	copy(ex[:], extra)
	bld, err := bc.NewBuilder(types.Address{0xc0, 0x1b, 0xa5, 0xe0}, timeMs, ex)
	if err != nil {
		tb.Fatal(err)
	}
	for i, st := range txs {
		if _, err := bld.AddTx(st.tx, st.from); err != nil {
			tb.Fatalf("block %d, tx %d: %v", parent.Height+1, i, err)
		}
	}
	blk, _, _, err := bld.Finish()
	if err != nil {
		tb.Fatal(err)
	}
	if edit != nil {
		edit(blk)
	}
	solve(tb, bc, blk.Header)
	return blk
}

// solve searches h's nonce until h meets its target.
func solve(tb testing.TB, bc *chain.BlockChain, h *types.Header) {
	tb.Helper()
	limit := bc.Params().PowLimit()
	for h.Nonce = 0; ; h.Nonce++ {
		if chain.CheckProofOfWork(h.Hash(), h.Bits, limit) == nil {
			return
		}
		if h.Nonce > 1<<24 {
			tb.Fatalf("no nonce for bits %#08x in 2^24 tries: the generator needs an easy genesis", h.Bits)
		}
	}
}

// extend builds k blocks on bc's tip and adds each to bc (so the next
// builds on it); txsFor(i) gives the transactions of the i-th. It returns
// the blocks.
func extend(tb testing.TB, bc *chain.BlockChain, k int, extra string, txsFor func(i int) []senderTx) []*types.Block {
	tb.Helper()
	out := make([]*types.Block, 0, k)
	cache := bc.SigCache()
	for i := range k {
		var txs []senderTx
		if txsFor != nil {
			txs = txsFor(i)
		}
		blk := buildBlock(tb, bc, txs, extra, 0, nil)
		// The generator knows the senders: spare its chain the recovery.
		for _, st := range txs {
			cache.Add(st.tx.Hash(), st.from)
		}
		if res, err := bc.ProcessBlock(blk); err != nil || res.Status != chain.StatusConnected {
			tb.Fatalf("generated block %d: %v %v", blk.Height(), res.Status, err)
		}
		out = append(out, blk)
	}
	return out
}

// importBlocks adds blocks to bc, each of which must be valid and extend a
// known block (or be known already), and then the last must be bc's head.
func importBlocks(tb testing.TB, bc *chain.BlockChain, blocks []*types.Block) {
	tb.Helper()
	for _, b := range blocks {
		res, err := bc.ProcessBlock(b)
		if errors.Is(err, chain.ErrDuplicateBlock) {
			continue
		}
		if err != nil || res.Status == chain.StatusOrphan {
			tb.Fatalf("import block %d %s: %v %v", b.Height(), b.Hash(), res.Status, err)
		}
	}
	if last := blocks[len(blocks)-1].Hash(); bc.Best().Hash != last {
		tb.Fatalf("after import the head is %s, want %s", bc.Best().Hash, last)
	}
}

// transferPlan signs, in parallel, perBlock transfers for each of blocks
// blocks from accts round-robin (each sender's nonces in order), to
// addresses derived from the sequence number.
func transferPlan(tb testing.TB, g *params.Genesis, accts []testAccount, blocks, perBlock int) [][]senderTx {
	tb.Helper()
	total := blocks * perBlock
	flat := make([]senderTx, total)
	signer := types.NewSigner(g.ChainID)
	workers := runtime.NumCPU()
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < total; i += workers {
				a := accts[i%len(accts)]
				var to types.Address
				binary.BigEndian.PutUint64(to[12:], uint64(i)+1)
				to[0] = 0x7e
				tx := &types.Transaction{Type: types.LegacyTxType, ChainID: g.ChainID, Nonce: uint64(i / len(accts)), Gas: 21000, To: &to}
				tx.GasPrice.SetUint64(testGasPrice)
				tx.Value.SetUint64(uint64(i) + 1)
				signed, err := signer.SignTx(tx, a.key)
				if err != nil {
					errs[w] = err
					return
				}
				flat[i] = senderTx{tx: signed, from: a.addr}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			tb.Fatal(err)
		}
	}
	out := make([][]senderTx, blocks)
	for i := range out {
		out[i] = flat[i*perBlock : (i+1)*perBlock]
	}
	return out
}

// txCount is how many transactions blocks hold.
func txCount(blocks []*types.Block) int {
	n := 0
	for _, b := range blocks {
		n += len(b.Txs)
	}
	return n
}
