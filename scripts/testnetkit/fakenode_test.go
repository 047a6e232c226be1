package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// fakeNode answers the JSON-RPC methods testnetkit uses from an in-memory
// chain of made-up block hashes.
type fakeNode struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	chain    []string // block hash by height
	peers    int
	mining   bool
	receipts map[string]map[string]any // tx hash -> receipt
	sent     []*types.Transaction
	nonces   map[types.Address]uint64
	calls    map[string]int

	// For included and agree -state-root; set, they add their fields to
	// every block.
	blockTxs  map[int][]string // height -> transaction hashes
	stateRoot string
	failed    map[string]bool   // transactions whose receipt has status 0
	index     map[string]string // eth_getTransactionByHash's block, instead of the chain's
	pooled    map[string]string // pool: transaction hash -> sender
	balances  map[string]string // address -> hex balance
}

const fakeChainID = 31337

func newFakeNode(t testing.TB, chain ...string) *fakeNode {
	t.Helper()
	f := &fakeNode{t: t, chain: chain, receipts: map[string]map[string]any{}, nonces: map[types.Address]uint64{}, calls: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// blockHashes makes n distinct hashes for a branch named by tag.
func blockHashes(tag byte, n int) []string {
	out := make([]string, n)
	for i := range out {
		var h types.Hash
		h[0], h[31] = tag, byte(i)
		out[i] = h.Hex()
	}
	return out
}

func (f *fakeNode) set(fn func(f *fakeNode)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *fakeNode) serve(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ID     json.RawMessage   `json:"id"`
		Method string            `json:"method"`
		Params []json.RawMessage `json:"params"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	result, rpcErr := f.answer(req.Method, req.Params)
	resp := map[string]any{"jsonrpc": "2.0", "id": req.ID}
	if rpcErr != nil {
		resp["error"] = rpcErr
	} else {
		resp["result"] = result
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}

func (f *fakeNode) answer(method string, params []json.RawMessage) (any, *rpcError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[method]++
	str := func(i int) string {
		var s string
		if i < len(params) {
			json.Unmarshal(params[i], &s)
		}
		return s
	}
	switch method {
	case "eth_chainId":
		return hexutil.EncodeUint64(fakeChainID), nil
	case "eth_gasPrice":
		return hexutil.EncodeUint64(1e9), nil
	case "eth_blockNumber":
		return hexutil.EncodeUint64(uint64(len(f.chain) - 1)), nil
	case "eth_hashrate":
		return "0x4c4b40", nil
	case "eth_mining":
		return f.mining, nil
	case "admin_peers":
		peers := make([]map[string]any, f.peers)
		for i := range peers {
			peers[i] = map[string]any{"id": fmt.Sprintf("peer%d", i)}
		}
		return peers, nil
	case "admin_nodeInfo":
		return map[string]any{"id": "12D3KooWfake", "listenAddrs": []string{"/ip4/127.0.0.1/tcp/1"}, "height": "0x2"}, nil
	case "eth_getBlockByNumber":
		n := uint64(len(f.chain) - 1)
		if tag := str(0); tag != "latest" {
			var err error
			if n, err = parseQuantity(tag); err != nil {
				return nil, &rpcError{Code: -32602, Message: "bad block number"}
			}
		}
		if n >= uint64(len(f.chain)) {
			return nil, nil
		}
		return f.block(int(n)), nil
	case "eth_getBlockByHash":
		for n, h := range f.chain {
			if strings.EqualFold(h, str(0)) {
				return f.block(n), nil
			}
		}
		return nil, nil
	case "eth_getBlockReceipts":
		n, err := parseQuantity(str(0))
		if err != nil || n >= uint64(len(f.chain)) {
			return nil, &rpcError{Code: -32602, Message: "bad block number"}
		}
		var out []map[string]any
		for _, h := range f.blockTxs[int(n)] {
			status := "0x1"
			if f.failed[h] {
				status = "0x0"
			}
			out = append(out, map[string]any{"transactionHash": h, "blockHash": f.chain[n], "status": status})
		}
		return out, nil
	case "eth_getTransactionByHash":
		h := strings.ToLower(str(0))
		if b, ok := f.index[h]; ok {
			return map[string]any{"hash": h, "blockHash": b}, nil
		}
		for n, txs := range f.blockTxs {
			if slices.Contains(txs, h) && n < len(f.chain) {
				return map[string]any{"hash": h, "blockHash": f.chain[n]}, nil
			}
		}
		if _, ok := f.pooled[h]; ok {
			return map[string]any{"hash": h, "blockHash": nil}, nil
		}
		return nil, nil
	case "txpool_content":
		pending := map[string]map[string]any{}
		for h, sender := range f.pooled {
			if pending[sender] == nil {
				pending[sender] = map[string]any{}
			}
			pending[sender][strconv.Itoa(len(pending[sender]))] = map[string]any{"hash": h}
		}
		return map[string]any{"pending": pending, "queued": map[string]any{}}, nil
	case "eth_getBalance":
		if b, ok := f.balances[strings.ToLower(str(0))]; ok {
			return b, nil
		}
		return "0x0", nil
	case "eth_getTransactionCount":
		addr, err := types.ParseAddress(str(0))
		if err != nil {
			return nil, &rpcError{Code: -32602, Message: "bad address"}
		}
		return hexutil.EncodeUint64(f.nonces[addr]), nil
	case "eth_sendRawTransaction":
		raw, err := hexutil.Decode(str(0))
		if err != nil {
			return nil, &rpcError{Code: -32602, Message: "bad data"}
		}
		tx, err := types.DecodeTransaction(raw)
		if err != nil {
			return nil, &rpcError{Code: -32000, Message: err.Error()}
		}
		from, err := types.NewSigner(fakeChainID).Sender(tx)
		if err != nil {
			return nil, &rpcError{Code: -32000, Message: "invalid sender"}
		}
		if tx.Nonce != f.nonces[from] {
			return nil, &rpcError{Code: -32000, Message: "nonce too low"}
		}
		f.nonces[from]++
		f.sent = append(f.sent, tx)
		return tx.Hash().Hex(), nil
	case "eth_getTransactionReceipt":
		if r, ok := f.receipts[strings.ToLower(str(0))]; ok {
			return r, nil
		}
		return nil, nil
	case "miner_stop":
		f.mining = false
		return nil, nil
	case "admin_blockPeer":
		return true, nil
	}
	return nil, &rpcError{Code: -32601, Message: "the method " + method + " does not exist/is not available"}
}

// block is the block at height n as eth_getBlockByNumber gives it.
func (f *fakeNode) block(n int) map[string]any {
	b := map[string]any{"number": hexutil.EncodeUint64(uint64(n)), "hash": f.chain[n]}
	if f.blockTxs == nil && f.stateRoot == "" {
		return b
	}
	parent := types.Hash{}.Hex()
	if n > 0 {
		parent = f.chain[n-1]
	}
	txs := f.blockTxs[n]
	if txs == nil {
		txs = []string{}
	}
	b["parentHash"], b["transactions"], b["stateRoot"] = parent, txs, f.stateRoot
	return b
}

// mine puts every sent transaction into a receipt at the tip, with the
// given status.
func (f *fakeNode) mine(status uint64) {
	f.set(func(f *fakeNode) {
		for _, tx := range f.sent {
			f.receipts[strings.ToLower(tx.Hash().Hex())] = map[string]any{
				"status": hexutil.EncodeUint64(status), "blockNumber": hexutil.EncodeUint64(uint64(len(f.chain) - 1)), "blockHash": f.chain[len(f.chain)-1],
			}
		}
	})
}

func (f *fakeNode) url() string { return f.srv.URL }

func (f *fakeNode) count(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

// nodeArg is "name=url" for the command line.
func (f *fakeNode) nodeArg(name int) string { return strconv.Itoa(name) + "=" + f.url() }
