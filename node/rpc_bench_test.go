package node

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
)

// rpcBenchClients is the concurrency of the RPC benchmarks (issue 8's
// measurement point).
const rpcBenchClients = 16

// benchNode starts a node with RPC and no miner or network; senders are
// funded in its genesis.
func benchNode(b *testing.B, senders []*btcec.PrivateKey) *Node {
	b.Helper()
	g := params.DevGenesis(uint64(time.Now().UnixMilli()))
	for _, k := range senders {
		g.Alloc = append(g.Alloc, params.GenesisAccount{Address: types.PubkeyToAddress(k.PubKey()), Balance: new(big.Int).Lsh(big.NewInt(1), 100)})
	}
	sortAlloc(g)
	cfg := Config{DataDir: b.TempDir(), Genesis: g, NoSync: true, NoP2P: true}
	cfg.RPC.Addr = "127.0.0.1:0"
	cfg.Pool.MaxTxs, cfg.Pool.MaxBytes = 1<<20, 1<<30
	n, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := n.Start(ctx); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cancel(); n.Stop() })
	return n
}

// postAll sends bodies from rpcBenchClients goroutines and returns how many
// answers contained a result (not an error).
func postAll(b *testing.B, url string, bodies [][]byte) int64 {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: rpcBenchClients}}
	defer client.CloseIdleConnections()
	var next, ok atomic.Int64
	var wg sync.WaitGroup
	for range rpcBenchClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(bodies)) {
					return
				}
				resp, err := client.Post(url, "application/json", bytes.NewReader(bodies[i]))
				if err != nil {
					b.Error(err)
					return
				}
				out, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if bytes.Contains(out, []byte(`"result"`)) {
					ok.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return ok.Load()
}

// BenchmarkRPCReads measures read requests per second against a real node
// over HTTP at 16 concurrent clients.
func BenchmarkRPCReads(b *testing.B) {
	n := benchNode(b, nil)
	url := "http://" + n.RPCAddr()
	for _, bc := range []struct{ name, body string }{
		{"eth_blockNumber", `{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}`},
		{"eth_getBalance", fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["%s","latest"]}`, params.DevAccount())},
	} {
		b.Run(bc.name, func(b *testing.B) {
			bodies := make([][]byte, b.N)
			for i := range bodies {
				bodies[i] = []byte(bc.body)
			}
			b.ResetTimer()
			if got := postAll(b, url, bodies); got != int64(b.N) {
				b.Fatalf("%d of %d requests failed", int64(b.N)-got, b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

// BenchmarkSendRawTransaction measures how many signed transfers per second
// a node accepts through eth_sendRawTransaction at 16 concurrent clients
// (each admission recovers the signature), with the acceptance ratio.
func BenchmarkSendRawTransaction(b *testing.B) {
	const senders = 64
	keys := make([]*btcec.PrivateKey, senders)
	for i := range keys {
		var seed [32]byte
		seed[0], seed[31] = 0x5e, byte(i+1)
		keys[i], _ = btcec.PrivKeyFromBytes(seed[:])
	}
	n := benchNode(b, keys)
	url := "http://" + n.RPCAddr()
	signer := types.NewSigner(n.cfg.Genesis.ChainID)
	// Nonces carry on from one b.N round to the next within this process.
	nonces := make([]uint64, senders)
	to := types.Address{0x70}
	b.ResetTimer()
	b.StopTimer()
	bodies := make([][]byte, b.N)
	for i := range bodies {
		s := i % senders
		tx := &types.Transaction{Type: types.LegacyTxType, ChainID: n.cfg.Genesis.ChainID, Nonce: nonces[s], Gas: 21000, To: &to}
		nonces[s]++
		tx.GasPrice.SetUint64(1_000_000_000)
		tx.Value.SetUint64(1)
		signed, err := signer.SignTx(tx, keys[s])
		if err != nil {
			b.Fatal(err)
		}
		// A fresh decode drops the cached sender: the node must recover it.
		bodies[i] = fmt.Appendf(nil, `{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x%s"]}`, hex.EncodeToString(signed.Encode()))
	}
	b.StartTimer()
	start := time.Now()
	accepted := postAll(b, url, bodies)
	elapsed := time.Since(start)
	b.ReportMetric(float64(accepted)/elapsed.Seconds(), "accepted/s")
	b.ReportMetric(float64(accepted)/float64(b.N), "accepted-ratio")
}

// sortAlloc keeps the genesis allocation sorted by address, as params
// requires.
func sortAlloc(g *params.Genesis) {
	slices.SortFunc(g.Alloc, func(a, b params.GenesisAccount) int { return bytes.Compare(a.Address[:], b.Address[:]) })
}

// BenchmarkRPCReceipt measures eth_getTransactionReceipt, the call wallets
// poll once a second per pending transaction, at 16 concurrent clients, on
// transactions of blocks of several hundred transfers.
func BenchmarkRPCReceipt(b *testing.B) {
	const senders, perSender = 64, 8
	keys := make([]*btcec.PrivateKey, senders)
	for i := range keys {
		var seed [32]byte
		seed[0], seed[31] = 0x7e, byte(i+1)
		keys[i], _ = btcec.PrivKeyFromBytes(seed[:])
	}
	g := params.DevGenesis(uint64(time.Now().UnixMilli()))
	for _, k := range keys {
		g.Alloc = append(g.Alloc, params.GenesisAccount{Address: types.PubkeyToAddress(k.PubKey()), Balance: new(big.Int).Lsh(big.NewInt(1), 100)})
	}
	sortAlloc(g)
	cfg := Config{DataDir: b.TempDir(), Genesis: g, NoSync: true, NoP2P: true, Mine: true}
	cfg.Miner.Threads = 1
	cfg.RPC.Addr = "127.0.0.1:0"
	n, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := n.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer n.Stop()
	url := "http://" + n.RPCAddr()
	signer := types.NewSigner(g.ChainID)
	to := types.Address{0x71}
	var hashes []types.Hash
	var sends [][]byte
	for nonce := range uint64(perSender) {
		for _, k := range keys {
			tx := &types.Transaction{Type: types.LegacyTxType, ChainID: g.ChainID, Nonce: nonce, Gas: 21000, To: &to}
			tx.GasPrice.SetUint64(1_000_000_000)
			tx.Value.SetUint64(1)
			signed, err := signer.SignTx(tx, k)
			if err != nil {
				b.Fatal(err)
			}
			hashes = append(hashes, signed.Hash())
			sends = append(sends, fmt.Appendf(nil, `{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x%s"]}`, hex.EncodeToString(signed.Encode())))
		}
	}
	if got := postAll(b, url, sends); got != int64(len(sends)) {
		b.Fatalf("%d of %d transactions refused", int64(len(sends))-got, len(sends))
	}
	receipt := func(h types.Hash) []byte {
		return fmt.Appendf(nil, `{"jsonrpc":"2.0","id":1,"method":"eth_getTransactionReceipt","params":["%s"]}`, h.Hex())
	}
	deadline := time.Now().Add(time.Minute)
	for {
		// A receipt is an object with a "status": a pending one is null.
		resp, err := http.Post(url, "application/json", bytes.NewReader(receipt(hashes[len(hashes)-1])))
		if err != nil {
			b.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if bytes.Contains(out, []byte(`"status"`)) {
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("transactions not mined within a minute")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The miner would take a core from the server.
	stop := []byte(`{"jsonrpc":"2.0","id":1,"method":"miner_stop","params":[]}`)
	if got := postAll(b, url, [][]byte{stop}); got != 1 {
		b.Fatal("miner_stop failed")
	}
	bodies := make([][]byte, b.N)
	for i := range bodies {
		bodies[i] = receipt(hashes[i%len(hashes)])
	}
	b.ResetTimer()
	if got := postAll(b, url, bodies); got != int64(b.N) {
		b.Fatalf("%d of %d requests failed", int64(b.N)-got, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
