package e2e

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
)

// notifyWait bounds the wait for one notification: several dev blocks.
const notifyWait = 20 * time.Second

// TestNewHeadsWhileMining follows newHeads on a mining node: consecutive
// heights, each linked to the previous by parentHash, each the block
// eth_getBlockByNumber serves at that height.
func TestNewHeadsWhileMining(t *testing.T) {
	t.Parallel()
	n := startNode(t, params.DevGenesis(uint64(time.Now().UnixMilli())), nodeOpts{mine: true})
	ws := dialWS(t, n.RPCAddr())
	sub := ws.subscribe("newHeads")

	const want = 5
	var heads []rpcHead
	for len(heads) < want {
		note := ws.next(notifyWait)
		if note.Subscription != sub {
			t.Fatalf("notification for subscription %q, want %q", note.Subscription, sub)
		}
		var h rpcHead
		if err := json.Unmarshal(note.Result, &h); err != nil {
			t.Fatalf("newHeads result %s: %v", note.Result, err)
		}
		heads = append(heads, h)
	}
	now := uint64(time.Now().Unix())
	for i, h := range heads {
		num := hexUint(t, h.Number)
		if i > 0 {
			prev := heads[i-1]
			if num != hexUint(t, prev.Number)+1 || h.ParentHash != prev.Hash {
				t.Errorf("head %d: number %s parent %s does not follow %s %s", i, h.Number, h.ParentHash, prev.Number, prev.Hash)
			}
		}
		if ts := hexUint(t, h.Timestamp); ts+120 < now || ts > now+60 {
			t.Errorf("head %s: timestamp %d is not seconds near %d", h.Number, ts, now)
		}
		if !strings.EqualFold(h.Miner, minerCoinbase.String()) {
			t.Errorf("head %s: miner %s, want %s", h.Number, h.Miner, minerCoinbase)
		}
		if d, ok := new(big.Int).SetString(strings.TrimPrefix(h.Difficulty, "0x"), 16); !ok || d.Sign() <= 0 {
			t.Errorf("head %s: difficulty %q, want a positive quantity", h.Number, h.Difficulty)
		}
		var blk rpcHead
		mustCall(t, n.RPCAddr(), "eth_getBlockByNumber", &blk, h.Number, false)
		if blk.Hash != h.Hash {
			t.Errorf("eth_getBlockByNumber(%s).hash = %s, newHeads said %s", h.Number, blk.Hash, h.Hash)
		}
	}
	var unsubscribed bool
	ws.call("eth_unsubscribe", &unsubscribed, sub)
	if !unsubscribed {
		t.Error("eth_unsubscribe returned false")
	}
}

// TestLogsSubscriptionWhileMining deploys the token through the RPC on a
// mining node and follows its Transfer events with two logs subscriptions,
// one for every Transfer and one only for those to carol.
func TestLogsSubscriptionWhileMining(t *testing.T) {
	t.Parallel()
	g := params.DevGenesis(uint64(time.Now().UnixMilli()))
	n := startNode(t, g, nodeOpts{mine: true})
	addr := n.RPCAddr()

	deploy := deployTokenTx(t, g, 0)
	token := createAddress(params.DevAccount(), 0)
	receipt := sendAndWait(t, addr, deploy)
	if !strings.EqualFold(receipt.ContractAddress, token.String()) {
		t.Fatalf("contractAddress %s, want %s", receipt.ContractAddress, token)
	}

	ws := dialWS(t, addr)
	all := ws.subscribe("logs", map[string]any{"address": token, "topics": []any{transferTopic}})
	toCarol := ws.subscribe("logs", map[string]any{"address": []any{token}, "topics": []any{transferTopic, nil, addrTopic(carol)}})

	txBob, txCarol := transferTx(t, g, 1, token, bob, 100), transferTx(t, g, 2, token, carol, 200)
	mustCall(t, addr, "eth_sendRawTransaction", nil, rawTx(txBob))
	mustCall(t, addr, "eth_sendRawTransaction", nil, rawTx(txCarol))

	got := map[string][]rpcLog{}
	for len(got[all]) < 2 || len(got[toCarol]) < 1 {
		note := ws.next(notifyWait)
		var l rpcLog
		if err := json.Unmarshal(note.Result, &l); err != nil {
			t.Fatalf("logs result %s: %v", note.Result, err)
		}
		got[note.Subscription] = append(got[note.Subscription], l)
	}
	if len(got) != 2 || len(got[all]) != 2 || len(got[toCarol]) != 1 {
		t.Fatalf("notifications per subscription: %d for all, %d for carol, %d subscriptions", len(got[all]), len(got[toCarol]), len(got))
	}
	checkTransferLog(t, got[all][0], token, txBob.Hash(), bob, 100, false)
	checkTransferLog(t, got[all][1], token, txCarol.Hash(), carol, 200, false)
	checkTransferLog(t, got[toCarol][0], token, txCarol.Hash(), carol, 200, false)

	// The notification names the block the receipt names.
	var r struct {
		BlockHash types.Hash `json:"blockHash"`
	}
	mustCall(t, addr, "eth_getTransactionReceipt", &r, txCarol.Hash())
	if got[toCarol][0].BlockHash != r.BlockHash {
		t.Errorf("log blockHash %s, receipt's %s", got[toCarol][0].BlockHash, r.BlockHash)
	}
}

// TestSubscriptionsAcrossReorg makes a node reorganise: node A holds a
// transfer to bob in block 2a; node B, from the same genesis and block 1,
// builds 2b (a transfer to carol with the same nonce) and 3b, and A is fed
// them. A's subscribers must see bob's Transfer again, flagged "removed",
// then carol's, and heads 2b and 3b.
func TestSubscriptionsAcrossReorg(t *testing.T) {
	t.Parallel()
	g := params.DevGenesis(uint64(time.Now().UnixMilli()))
	a := startNode(t, g, nodeOpts{})
	b := startNode(t, g, nodeOpts{noRPC: true})

	token := createAddress(params.DevAccount(), 0)
	b1 := buildBlock(t, a, 0, deployTokenTx(t, g, 0))
	process(t, a, b1)
	process(t, b, b1)

	ws := dialWS(t, a.RPCAddr())
	heads := ws.subscribe("newHeads")
	logs := ws.subscribe("logs", map[string]any{"address": token})

	txBob := transferTx(t, g, 1, token, bob, 100)
	b2a := buildBlock(t, a, 'a', txBob)
	process(t, a, b2a)
	notes := collect(t, ws, 2)
	checkHead(t, notes[heads], b2a)
	checkLogs(t, notes[logs], expectedLog{token, txBob.Hash(), b2a.Hash(), bob, 100, false})

	// B's heavier branch: two blocks on block 1.
	txCarol := transferTx(t, g, 1, token, carol, 200)
	b2b := buildBlock(t, b, 'b', txCarol)
	process(t, b, b2b)
	b3b := buildBlock(t, b, 'b')
	process(t, b, b3b)

	// 2b alone ties 2a: A keeps its tip and tells nobody anything.
	res, err := a.Chain().ProcessBlock(b2b)
	if err != nil || res.Status != chain.StatusSideChain {
		t.Fatalf("block 2b: %+v, %v; want a side-chain block", res, err)
	}
	res, err = a.Chain().ProcessBlock(b3b)
	if err != nil || res.Status != chain.StatusConnected || res.Reorged != 1 {
		t.Fatalf("block 3b: %+v, %v; want connected with a reorg of 1 block", res, err)
	}
	if best := a.Chain().Best(); best.Hash != b3b.Hash() {
		t.Fatalf("A's tip is %s, want 3b %s", best.Hash, b3b.Hash())
	}

	notes = collect(t, ws, 4)
	checkHead(t, notes[heads], b2b, b3b)
	checkLogs(t, notes[logs],
		expectedLog{token, txBob.Hash(), b2a.Hash(), bob, 100, true},
		expectedLog{token, txCarol.Hash(), b2b.Hash(), carol, 200, false})

	// What the RPC serves afterwards agrees: bob's transfer is gone.
	var r map[string]any
	mustCall(t, a.RPCAddr(), "eth_getTransactionReceipt", &r, txBob.Hash())
	if r != nil {
		t.Errorf("receipt of the reorged-out transfer to bob: %v, want null", r)
	}
	var got []rpcLog
	mustCall(t, a.RPCAddr(), "eth_getLogs", &got, map[string]any{"address": token, "fromBlock": "0x2", "toBlock": "latest"})
	if len(got) != 1 {
		t.Fatalf("eth_getLogs after the reorg: %d logs, want carol's only", len(got))
	}
	checkTransferLog(t, got[0], token, txCarol.Hash(), carol, 200, false)
}

// Token holders of the tests.
var (
	bob   = types.Address{0xb0, 0xb0}
	carol = types.Address{0xca, 0x10}
)

// collect reads n notifications and groups them by subscription, in order.
func collect(t *testing.T, ws *wsClient, n int) map[string][]json.RawMessage {
	t.Helper()
	out := map[string][]json.RawMessage{}
	for range n {
		note := ws.next(notifyWait)
		out[note.Subscription] = append(out[note.Subscription], note.Result)
	}
	return out
}

// checkHead checks that the newHeads notifications are exactly blocks.
func checkHead(t *testing.T, got []json.RawMessage, blocks ...*types.Block) {
	t.Helper()
	if len(got) != len(blocks) {
		t.Fatalf("%d newHeads notifications, want %d", len(got), len(blocks))
	}
	for i, raw := range got {
		var h rpcHead
		if err := json.Unmarshal(raw, &h); err != nil {
			t.Fatalf("newHeads result %s: %v", raw, err)
		}
		if h.Hash != blocks[i].Hash() || hexUint(t, h.Number) != blocks[i].Height() || h.ParentHash != blocks[i].Header.ParentHash {
			t.Errorf("head %d: %s at %s (parent %s), want %s at %d", i, h.Hash, h.Number, h.ParentHash, blocks[i].Hash(), blocks[i].Height())
		}
	}
}

// expectedLog is one Transfer notification a test expects.
type expectedLog struct {
	token     types.Address
	tx, block types.Hash
	to        types.Address
	value     int64
	removed   bool
}

func checkLogs(t *testing.T, got []json.RawMessage, want ...expectedLog) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d logs notifications, want %d: %s", len(got), len(want), got)
	}
	for i, raw := range got {
		var l rpcLog
		if err := json.Unmarshal(raw, &l); err != nil {
			t.Fatalf("logs result %s: %v", raw, err)
		}
		w := want[i]
		checkTransferLog(t, l, w.token, w.tx, w.to, w.value, w.removed)
		if l.BlockHash != w.block {
			t.Errorf("log %d: blockHash %s, want %s", i, l.BlockHash, w.block)
		}
		// removed must be present in the JSON, not left to a default.
		if !strings.Contains(string(raw), fmt.Sprintf(`"removed":%t`, w.removed)) {
			t.Errorf("log %d: no \"removed\":%t in %s", i, w.removed, raw)
		}
	}
}

// checkTransferLog checks a Transfer(dev account -> to, value) log.
func checkTransferLog(t *testing.T, l rpcLog, token types.Address, tx types.Hash, to types.Address, value int64, removed bool) {
	t.Helper()
	wantTopics := []types.Hash{transferTopic, addrTopic(params.DevAccount()), addrTopic(to)}
	if l.Address != token || fmt.Sprint(l.Topics) != fmt.Sprint(wantTopics) {
		t.Errorf("log of %s: address %s topics %v, want %s %v", tx, l.Address, l.Topics, token, wantTopics)
	}
	if want := fmt.Sprintf("0x%x", word(big.NewInt(value))); l.Data != want {
		t.Errorf("log of %s: data %s, want %s", tx, l.Data, want)
	}
	if l.TransactionHash != tx || l.Removed != removed {
		t.Errorf("log: transaction %s removed %t, want %s removed %t", l.TransactionHash, l.Removed, tx, removed)
	}
}

// rpcReceipt is the part of a receipt the tests read.
type rpcReceipt struct {
	Status          string `json:"status"`
	ContractAddress string `json:"contractAddress"`
	BlockHash       string `json:"blockHash"`
}

// sendAndWait sends tx through eth_sendRawTransaction and waits until it
// has a successful receipt.
func sendAndWait(t *testing.T, addr string, tx *types.Transaction) rpcReceipt {
	t.Helper()
	var hash types.Hash
	mustCall(t, addr, "eth_sendRawTransaction", &hash, rawTx(tx))
	if hash != tx.Hash() {
		t.Fatalf("eth_sendRawTransaction returned %s, want %s", hash, tx.Hash())
	}
	var r *rpcReceipt
	waitFor(t, "the receipt of "+hash.String(), notifyWait, func() bool {
		mustCall(t, addr, "eth_getTransactionReceipt", &r, hash)
		return r != nil
	})
	if r.Status != "0x1" {
		t.Fatalf("receipt of %s: status %s", hash, r.Status)
	}
	return *r
}
