package e2e

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/coder/websocket"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/contracts"
	"github.com/quarry-chain/quarry/node"
)

// devKeyHex is anvil's and Hardhat's account 0, which the dev genesis funds
// (params.DevAccount). Its key is public; it guards nothing.
const devKeyHex = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"

// minerCoinbase receives the test nodes' block rewards. It is not the dev
// account, so the sender's balance changes only by what it sends and pays.
var minerCoinbase = types.Address{0xc0, 0x1b, 0xa5, 0xe0}

func devKey(t testing.TB) *btcec.PrivateKey {
	t.Helper()
	b, err := hex.DecodeString(devKeyHex)
	if err != nil {
		t.Fatal(err)
	}
	k, _ := btcec.PrivKeyFromBytes(b)
	return k
}

// nodeOpts selects what a test node runs.
type nodeOpts struct {
	mine  bool // start the miner
	noRPC bool // no JSON-RPC server
}

// startNode starts an in-process node on genesis g without a network, its
// RPC (unless opts.noRPC) on a free loopback port, stopped when the test
// ends.
func startNode(t *testing.T, g *params.Genesis, opts nodeOpts) *node.Node {
	t.Helper()
	cfg := node.Config{DataDir: t.TempDir(), Genesis: g, NoSync: true, NoP2P: true, NoRPC: opts.noRPC, Mine: opts.mine}
	cfg.RPC.Addr = "127.0.0.1:0"
	cfg.Miner.Threads = 1
	cfg.Miner.Coinbase = minerCoinbase
	n, err := node.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := n.Start(ctx); err != nil {
		cancel()
		n.Stop()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		if err := n.Stop(); err != nil {
			t.Errorf("node Stop: %v", err)
		}
	})
	return n
}

// rpcError is a JSON-RPC error object.
type rpcError struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("JSON-RPC error %d: %s", e.Code, e.Message) }

// httpCall makes one JSON-RPC request over HTTP and decodes its result into
// out (if not nil). A JSON-RPC error is returned as *rpcError.
func httpCall(ctx context.Context, addr, method string, out any, args ...any) error {
	if args == nil {
		args = []any{}
	}
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": args})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *rpcError       `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return fmt.Errorf("%s: decoding the response (HTTP %s): %w", method, resp.Status, err)
	}
	if r.Error != nil {
		return r.Error
	}
	if out != nil {
		if err := json.Unmarshal(r.Result, out); err != nil {
			return fmt.Errorf("%s: result %s: %w", method, r.Result, err)
		}
	}
	return nil
}

// mustCall is httpCall that fails the test on any error.
func mustCall(t *testing.T, addr, method string, out any, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := httpCall(ctx, addr, method, out, args...); err != nil {
		t.Fatalf("%s: %v", method, err)
	}
}

// waitFor polls cond until it holds or d passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// wsClient is a JSON-RPC client over one WebSocket connection that keeps
// subscription notifications apart from responses.
type wsClient struct {
	t      *testing.T
	conn   *websocket.Conn
	nextID int
	// notes holds notifications read while waiting for a response.
	notes []wsNote
}

// wsNote is one eth_subscription notification.
type wsNote struct {
	Subscription string          `json:"subscription"`
	Result       json.RawMessage `json:"result"`
}

func dialWS(t *testing.T, addr string) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws://"+addr, nil)
	if err != nil {
		t.Fatalf("WebSocket dial %s: %v", addr, err)
	}
	conn.SetReadLimit(16 << 20)
	t.Cleanup(func() { conn.Close(websocket.StatusNormalClosure, "") })
	return &wsClient{t: t, conn: conn}
}

// wsMessage is anything the server sends: a response or a notification.
type wsMessage struct {
	ID     *int            `json:"id"`
	Method string          `json:"method"`
	Params wsNote          `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *rpcError       `json:"error"`
}

func (c *wsClient) read(ctx context.Context) wsMessage {
	c.t.Helper()
	_, data, err := c.conn.Read(ctx)
	if err != nil {
		c.t.Fatalf("WebSocket read: %v", err)
	}
	var m wsMessage
	if err := json.Unmarshal(data, &m); err != nil {
		c.t.Fatalf("WebSocket message %s: %v", data, err)
	}
	return m
}

// call sends one request and waits for its response, keeping notifications
// that arrive meanwhile for next.
func (c *wsClient) call(method string, out any, args ...any) {
	c.t.Helper()
	c.nextID++
	id := c.nextID
	req, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": args})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.conn.Write(ctx, websocket.MessageText, req); err != nil {
		c.t.Fatalf("WebSocket write: %v", err)
	}
	for {
		m := c.read(ctx)
		if m.ID == nil {
			if m.Method == "eth_subscription" {
				c.notes = append(c.notes, m.Params)
			}
			continue
		}
		if *m.ID != id {
			c.t.Fatalf("%s: response to id %d, want %d", method, *m.ID, id)
		}
		if m.Error != nil {
			c.t.Fatalf("%s: %v", method, m.Error)
		}
		if out != nil {
			if err := json.Unmarshal(m.Result, out); err != nil {
				c.t.Fatalf("%s: result %s: %v", method, m.Result, err)
			}
		}
		return
	}
}

// subscribe starts a subscription and returns its id.
func (c *wsClient) subscribe(args ...any) string {
	c.t.Helper()
	var id string
	c.call("eth_subscribe", &id, args...)
	if id == "" {
		c.t.Fatalf("eth_subscribe %v: empty subscription id", args)
	}
	return id
}

// next returns the next notification, waiting at most d.
func (c *wsClient) next(d time.Duration) wsNote {
	c.t.Helper()
	if len(c.notes) > 0 {
		n := c.notes[0]
		c.notes = c.notes[1:]
		return n
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		m := c.read(ctx)
		if m.ID == nil && m.Method == "eth_subscription" {
			return m.Params
		}
		c.t.Fatalf("unexpected message while waiting for a notification: %+v", m)
	}
}

// rpcLog is a log as eth_subscribe("logs") and receipts carry it.
type rpcLog struct {
	Address          types.Address `json:"address"`
	Topics           []types.Hash  `json:"topics"`
	Data             string        `json:"data"`
	BlockNumber      string        `json:"blockNumber"`
	BlockHash        types.Hash    `json:"blockHash"`
	TransactionHash  types.Hash    `json:"transactionHash"`
	TransactionIndex string        `json:"transactionIndex"`
	LogIndex         string        `json:"logIndex"`
	Removed          bool          `json:"removed"`
}

// rpcHead is the part of a newHeads notification the tests check.
type rpcHead struct {
	Number     string     `json:"number"`
	Hash       types.Hash `json:"hash"`
	ParentHash types.Hash `json:"parentHash"`
	Timestamp  string     `json:"timestamp"`
	Miner      string     `json:"miner"`
	Difficulty string     `json:"difficulty"`
}

// hexUint parses a JSON-RPC quantity.
func hexUint(t *testing.T, q string) uint64 {
	t.Helper()
	var n uint64
	if _, err := fmt.Sscanf(q, "0x%x", &n); err != nil {
		t.Fatalf("quantity %q: %v", q, err)
	}
	return n
}

// ---- transactions ----

// gasPrice is what the tests' own transactions pay: 1 gwei.
const gasPrice = 1_000_000_000

// signTx signs a legacy transaction from the dev account.
func signTx(t *testing.T, g *params.Genesis, nonce uint64, to *types.Address, gas uint64, data []byte) *types.Transaction {
	t.Helper()
	tx := &types.Transaction{Type: types.LegacyTxType, ChainID: g.ChainID, Nonce: nonce, Gas: gas, To: to, Data: data}
	tx.GasPrice.SetUint64(gasPrice)
	signed, err := types.NewSigner(g.ChainID).SignTx(tx, devKey(t))
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// tokenSupply is what the tests' token mints to the dev account.
var tokenSupply = new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(1e18))

// deployTokenTx creates the example token with tokenSupply.
func deployTokenTx(t *testing.T, g *params.Genesis, nonce uint64) *types.Transaction {
	t.Helper()
	code, err := contracts.CreationCode("token")
	if err != nil {
		t.Fatal(err)
	}
	data := append(code, word(tokenSupply)...)
	return signTx(t, g, nonce, nil, 2_000_000, data)
}

// transferTx calls the token's transfer(to, amount).
func transferTx(t *testing.T, g *params.Genesis, nonce uint64, token, to types.Address, amount int64) *types.Transaction {
	t.Helper()
	data := append(selector("transfer(address,uint256)"), addrWord(to)...)
	data = append(data, word(big.NewInt(amount))...)
	return signTx(t, g, nonce, &token, 200_000, data)
}

// createAddress is Ethereum's keccak(rlp([sender, nonce]))[12:] for the
// small nonces the tests use (RLP of a nonce below 128 is one byte, of 0
// the empty string).
func createAddress(sender types.Address, nonce uint64) types.Address {
	if nonce >= 0x80 {
		panic("createAddress: nonce too large for this helper")
	}
	n := byte(nonce)
	if nonce == 0 {
		n = 0x80
	}
	enc := append([]byte{0xd6, 0x94}, sender[:]...)
	enc = append(enc, n)
	h := types.Keccak256(enc)
	var a types.Address
	copy(a[:], h[12:])
	return a
}

func selector(sig string) []byte {
	h := types.Keccak256([]byte(sig))
	return h[:4]
}

func word(v *big.Int) []byte {
	var w [32]byte
	v.FillBytes(w[:])
	return w[:]
}

func addrWord(a types.Address) []byte {
	var w [32]byte
	copy(w[12:], a[:])
	return w[:]
}

func addrTopic(a types.Address) types.Hash {
	var h types.Hash
	copy(h[12:], a[:])
	return h
}

// transferTopic is topic 0 of the ERC-20 Transfer event.
var transferTopic = types.Keccak256([]byte("Transfer(address,address,uint256)"))

func rawTx(tx *types.Transaction) string { return "0x" + hex.EncodeToString(tx.Encode()) }

// ---- blocks built by hand ----

// buildBlock builds a block on n's tip holding txs (from the dev account),
// stamped now, and solves its proof of work. n must not be mining.
func buildBlock(t *testing.T, n *node.Node, extra byte, txs ...*types.Transaction) *types.Block {
	t.Helper()
	var ex [types.HeaderExtraSize]byte
	ex[0] = extra // tells branches apart even when their contents match
	b, err := n.Chain().NewBuilder(minerCoinbase, uint64(time.Now().UnixMilli()), ex)
	if err != nil {
		t.Fatal(err)
	}
	for _, tx := range txs {
		if _, err := b.AddTx(tx, params.DevAccount()); err != nil {
			t.Fatalf("AddTx %s: %v", tx.Hash(), err)
		}
	}
	blk, _, _, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	solve(t, blk.Header)
	return blk
}

// solve searches nonces until h meets its own target. The dev genesis
// target needs about 2^16 attempts.
func solve(t *testing.T, h *types.Header) {
	t.Helper()
	target, err := types.CompactToTarget(h.Bits)
	if err != nil {
		t.Fatal(err)
	}
	for nonce := uint64(0); nonce < 1<<32; nonce++ {
		h.Nonce = nonce
		if hash := h.Hash(); types.HashToBig(hash).Cmp(target) <= 0 {
			return
		}
	}
	t.Fatalf("no nonce below 2^32 meets bits %#x", h.Bits)
}

// process feeds b to n's chain.
func process(t *testing.T, n *node.Node, b *types.Block) {
	t.Helper()
	if _, err := n.Chain().ProcessBlock(b); err != nil {
		t.Fatalf("ProcessBlock %d %s: %v", b.Height(), b.Hash(), err)
	}
}
