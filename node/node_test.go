package node

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/miner"
)

// testKey is anvil's account 0 (the dev genesis funds it).
func testKey(t testing.TB) *btcec.PrivateKey {
	t.Helper()
	b, _ := hex.DecodeString("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
	k, _ := btcec.PrivKeyFromBytes(b)
	return k
}

// newTestNode starts a mining node without a network, RPC on a free
// loopback port, stopped when the test ends.
func newTestNode(t *testing.T, g *params.Genesis) *Node {
	t.Helper()
	cfg := Config{DataDir: t.TempDir(), Genesis: g, NoSync: true, NoP2P: true, Mine: true}
	cfg.RPC.Addr = "127.0.0.1:0"
	cfg.Miner.Threads = 1
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := n.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		if err := n.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return n
}

// call makes one JSON-RPC request and decodes its result into out.
func call(t *testing.T, n *Node, method string, out any, params ...any) *rpcErr {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	resp, err := http.Post("http://"+n.RPCAddr(), "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *rpcErr         `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	if r.Error == nil && out != nil {
		if err := json.Unmarshal(r.Result, out); err != nil {
			t.Fatalf("%s result %s: %v", method, r.Result, err)
		}
	}
	return r.Error
}

type rpcErr struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestDevNodeMinesAndIncludesRPCTransaction(t *testing.T) {
	g := params.DevGenesis(uint64(time.Now().UnixMilli()))
	n := newTestNode(t, g)
	waitFor(t, "two blocks", 30*time.Second, func() bool { return n.Chain().Best().Height >= 2 })

	var chainID string
	if e := call(t, n, "eth_chainId", &chainID); e != nil || chainID != fmt.Sprintf("0x%x", g.ChainID) {
		t.Fatalf("eth_chainId = %q, %+v", chainID, e)
	}
	to := types.Address{0xb0, 0xb}
	tx := &types.Transaction{Type: types.LegacyTxType, ChainID: g.ChainID, Nonce: 0, Gas: 21000, To: &to}
	tx.GasPrice.SetUint64(2_000_000_000)
	tx.Value.SetUint64(12345)
	signed, err := types.NewSigner(g.ChainID).SignTx(tx, testKey(t))
	if err != nil {
		t.Fatal(err)
	}
	var hash types.Hash
	if e := call(t, n, "eth_sendRawTransaction", &hash, "0x"+hex.EncodeToString(signed.Encode())); e != nil {
		t.Fatalf("sendRawTransaction: %+v", e)
	}
	if hash != signed.Hash() {
		t.Fatalf("returned hash %s, want %s", hash, signed.Hash())
	}
	// The same transaction again is "already known", geth's message.
	if e := call(t, n, "eth_sendRawTransaction", nil, "0x"+hex.EncodeToString(signed.Encode())); e == nil || e.Message != "already known" {
		t.Fatalf("resend: %+v, want already known", e)
	}
	var receipt map[string]any
	waitFor(t, "the receipt", 30*time.Second, func() bool {
		return call(t, n, "eth_getTransactionReceipt", &receipt, hash) == nil && receipt != nil
	})
	if receipt["status"] != "0x1" || receipt["gasUsed"] != "0x5208" {
		t.Fatalf("receipt = %v", receipt)
	}
	var bal string
	if e := call(t, n, "eth_getBalance", &bal, to, "latest"); e != nil || bal != "0x3039" {
		t.Fatalf("eth_getBalance = %q, %+v; want 0x3039", bal, e)
	}
}

func TestPendingTransactionsSurviveRestart(t *testing.T) {
	g := params.DevGenesis(uint64(time.Now().UnixMilli()))
	dir := t.TempDir()
	open := func() *Node {
		cfg := Config{DataDir: dir, Genesis: g, NoSync: true, NoP2P: true, NoRPC: true}
		n, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		return n
	}
	n := open()
	to := types.Address{0x01}
	var hashes []types.Hash
	// Nonces 0 and 1 are executable; 5 waits in the queue: all are local.
	for _, nonce := range []uint64{0, 1, 5} {
		tx := &types.Transaction{Type: types.LegacyTxType, ChainID: g.ChainID, Nonce: nonce, Gas: 21000, To: &to}
		tx.GasPrice.SetUint64(1_000_000_000)
		signed, err := types.NewSigner(g.ChainID).SignTx(tx, testKey(t))
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Pool().Add(signed, true); err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, signed.Hash())
	}
	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}
	n = open()
	defer n.Stop()
	for i, h := range hashes {
		if !n.Pool().Has(h) {
			t.Fatalf("transaction %d (%s) not reloaded", i, h)
		}
	}
	if pending, queued := n.Pool().Status(); pending != 2 || queued != 1 {
		t.Fatalf("after restart: %d pending, %d queued; want 2 and 1", pending, queued)
	}
}

func TestDataDirErrors(t *testing.T) {
	g := params.DevGenesis(uint64(time.Now().UnixMilli()))
	dir := t.TempDir()
	n, err := New(Config{DataDir: dir, Genesis: g, NoSync: true, NoP2P: true, NoRPC: true})
	if err != nil {
		t.Fatal(err)
	}
	// A second node on the same directory is refused while the first runs.
	if _, err := New(Config{DataDir: dir, Genesis: g, NoP2P: true, NoRPC: true}); !errors.Is(err, ErrDataDirInUse) {
		t.Fatalf("second node: %v, want ErrDataDirInUse", err)
	}
	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}
	// The directory belongs to g's network: another genesis is refused.
	other := params.DevGenesis(uint64(time.Now().UnixMilli()) + 1)
	if _, err := New(Config{DataDir: dir, Genesis: other, NoP2P: true, NoRPC: true}); !errors.Is(err, chain.ErrGenesisMismatch) {
		t.Fatalf("other genesis: %v, want chain.ErrGenesisMismatch", err)
	}
	if _, err := New(Config{Genesis: g}); !errors.Is(err, ErrConfig) {
		t.Fatalf("no data dir: %v, want ErrConfig", err)
	}
}

func TestStopWithoutStartKeepsSavedTransactions(t *testing.T) {
	g := params.DevGenesis(uint64(time.Now().UnixMilli()))
	dir := t.TempDir()
	cfg := Config{DataDir: dir, Genesis: g, NoSync: true, NoP2P: true, NoRPC: true}
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	n.Start(context.Background())
	to := types.Address{0x02}
	tx := &types.Transaction{Type: types.LegacyTxType, ChainID: g.ChainID, Gas: 21000, To: &to}
	tx.GasPrice.SetUint64(1_000_000_000)
	signed, _ := types.NewSigner(g.ChainID).SignTx(tx, testKey(t))
	if err := n.Pool().Add(signed, true); err != nil {
		t.Fatal(err)
	}
	n.Stop()
	// Opened and closed without starting (as `quarryd export` might).
	n, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	n.Stop()
	n, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Stop()
	n.Start(context.Background())
	if !n.Pool().Has(signed.Hash()) {
		t.Fatal("saved transaction lost by a node that was stopped without starting")
	}
}

func TestRecommitInterval(t *testing.T) {
	tests := []struct {
		blockMs uint64
		want    time.Duration
	}{
		{blockMs: 100, want: 100 * time.Millisecond},
		{blockMs: 1_000, want: 250 * time.Millisecond},
		{blockMs: 4_000, want: time.Second},
		{blockMs: 600_000, want: miner.DefaultRecommit},
	}
	for _, tt := range tests {
		if got := recommitInterval(tt.blockMs); got != tt.want {
			t.Errorf("recommitInterval(%d) = %v, want %v", tt.blockMs, got, tt.want)
		}
	}
}

func TestCacheSplit(t *testing.T) {
	tests := []struct {
		mib                   int
		trie, accounts, dbMiB int64
	}{
		{mib: 0, trie: 64 << 20, accounts: 32 << 20, dbMiB: 32}, // the defaults of each part
		{mib: 128, trie: 64 << 20, accounts: 32 << 20, dbMiB: 32},
		{mib: 1024, trie: 512 << 20, accounts: 256 << 20, dbMiB: 256},
		{mib: 16, trie: 8 << 20, accounts: 4 << 20, dbMiB: 4},
	}
	for _, tt := range tests {
		trie, accounts, db := cacheSplit(tt.mib)
		if trie != tt.trie || accounts != tt.accounts || int64(db) != tt.dbMiB {
			t.Errorf("cacheSplit(%d) = %d, %d, %d MiB; want %d, %d, %d MiB", tt.mib, trie, accounts, db, tt.trie, tt.accounts, tt.dbMiB)
		}
	}
	if _, err := New(Config{DataDir: t.TempDir(), Genesis: params.DevGenesis(0), CacheMiB: MinCacheMiB - 1}); !errors.Is(err, ErrConfig) {
		t.Errorf("a %d MiB cache: %v, want ErrConfig", MinCacheMiB-1, err)
	}
}
