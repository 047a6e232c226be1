package rpc

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// wsClient is a minimal JSON-RPC WebSocket client for tests.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
	ctx  context.Context
}

func (ts *testServer) dialWS(t *testing.T) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.url, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(1 << 20)
	t.Cleanup(func() { c.CloseNow() })
	return &wsClient{t: t, conn: c, ctx: ctx}
}

func (w *wsClient) send(msg string) {
	w.t.Helper()
	if err := w.conn.Write(w.ctx, websocket.MessageText, []byte(msg)); err != nil {
		w.t.Fatal(err)
	}
}

// wsMessage is a response or a notification.
type wsMessage struct {
	ID     json.RawMessage `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *errorObject    `json:"error"`
	Method string          `json:"method"`
	Params struct {
		Subscription string          `json:"subscription"`
		Result       json.RawMessage `json:"result"`
	} `json:"params"`
}

func (w *wsClient) read() wsMessage {
	w.t.Helper()
	_, b, err := w.conn.Read(w.ctx)
	if err != nil {
		w.t.Fatalf("read: %v", err)
	}
	var m wsMessage
	if err := json.Unmarshal(b, &m); err != nil {
		w.t.Fatalf("bad message %s: %v", b, err)
	}
	return m
}

// subscribe sends eth_subscribe and returns the subscription id.
func (w *wsClient) subscribe(params string) string {
	w.t.Helper()
	w.send(`{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":` + params + `}`)
	m := w.read()
	if m.Error != nil {
		w.t.Fatalf("subscribe %s: %+v", params, m.Error)
	}
	var id string
	if err := json.Unmarshal(m.Result, &id); err != nil {
		w.t.Fatal(err)
	}
	return id
}

// notification reads the next message, which must be a notification for id.
func (w *wsClient) notification(id string, v any) {
	w.t.Helper()
	m := w.read()
	if m.Method != "eth_subscription" || m.Params.Subscription != id {
		w.t.Fatalf("want notification for %s, got %+v", id, m)
	}
	if err := json.Unmarshal(m.Params.Result, v); err != nil {
		w.t.Fatal(err)
	}
}

func TestWebSocketCalls(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, nil)
	w := ts.dialWS(t)
	w.send(`{"jsonrpc":"2.0","id":5,"method":"eth_blockNumber"}`)
	if m := w.read(); string(m.ID) != "5" || string(m.Result) != `"0x3"` {
		t.Fatalf("blockNumber over WS: %+v", m)
	}
	w.send(`[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},{"jsonrpc":"2.0","id":2,"method":"net_version"}]`)
	_, b, err := w.conn.Read(w.ctx)
	if err != nil || !jsonEqual(t, string(b), `[{"jsonrpc":"2.0","id":1,"result":"0x539"},{"jsonrpc":"2.0","id":2,"result":"1337"}]`) {
		t.Fatalf("batch over WS: %s %v", b, err)
	}
	w.send(`{"jsonrpc":"2.0","id":3,"method":"eth_subscribe","params":["nope"]}`)
	if m := w.read(); m.Error == nil || m.Error.Code != -32602 || !strings.Contains(m.Error.Message, `unknown subscription "nope"`) {
		t.Fatalf("bad subscription: %+v", m)
	}
	w.send(`not json`)
	if m := w.read(); m.Error == nil || m.Error.Code != -32700 {
		t.Fatalf("parse error over WS: %+v", m)
	}
}

func TestWebSocketSubscriptions(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, nil)
	f := ts.f
	w := ts.dialWS(t)
	heads := w.subscribe(`["newHeads"]`)
	logsSub := w.subscribe(`["logs",{"address":"` + tokenAddr.Hex() + `","topics":["` + topicA.Hex() + `"]}]`)
	pendingSub := w.subscribe(`["newPendingTransactions"]`)

	// A block with a matching log and a non-matching one.
	logs := []*types.Log{{Address: tokenAddr, Topics: []types.Hash{topicA}, Data: []byte{7}}, {Address: otherAddr, Topics: []types.Hash{topicA}}}
	tx := f.sign(&types.Transaction{Nonce: 3, Gas: 30000, To: &tokenAddr})
	b4 := f.extend([]*types.Transaction{tx}, []*types.Receipt{{Status: 1, GasUsed: 30000, CumulativeGasUsed: 30000, Logs: logs, Bloom: types.BloomFromLogs(logs)}})

	var head map[string]any
	w.notification(heads, &head)
	if head["hash"] != b4.Hash().Hex() || head["number"] != "0x4" || head["timestamp"] != hexutil.EncodeUint64(b4.Header.Time/1000) {
		t.Fatalf("newHeads: %v", head)
	}
	var l rpcLogJSON
	w.notification(logsSub, &l)
	if l.Address != tokenAddr.Hex() || l.Removed || l.BlockHash != b4.Hash().Hex() || l.LogIndex != "0x0" {
		t.Fatalf("log: %+v", l)
	}

	// Reorg b4 away: the log comes back flagged removed, then the new head.
	_, repl := f.reorg(nil, nil)
	w.notification(heads, &head)
	if head["hash"] != repl.Hash().Hex() {
		t.Fatalf("head after reorg: %v", head)
	}
	w.notification(logsSub, &l)
	if !l.Removed || l.BlockHash != b4.Hash().Hex() || l.TransactionHash != tx.Hash().Hex() {
		t.Fatalf("removed log: %+v", l)
	}

	// Pending transactions.
	ptx := f.sign(&types.Transaction{Nonce: 3, Gas: 21000, To: &recipient})
	if err := f.SendTx(context.Background(), ptx); err != nil {
		t.Fatal(err)
	}
	var h string
	w.notification(pendingSub, &h)
	if h != ptx.Hash().Hex() {
		t.Fatalf("pending hash %s, want %s", h, ptx.Hash().Hex())
	}

	// Unsubscribe: no more heads.
	w.send(`{"jsonrpc":"2.0","id":9,"method":"eth_unsubscribe","params":["` + heads + `"]}`)
	if m := w.read(); string(m.Result) != "true" {
		t.Fatalf("unsubscribe: %+v", m)
	}
	w.send(`{"jsonrpc":"2.0","id":10,"method":"eth_unsubscribe","params":["` + heads + `"]}`)
	if m := w.read(); string(m.Result) != "false" {
		t.Fatalf("second unsubscribe: %+v", m)
	}
	f.extend(nil, nil)
	w.send(`{"jsonrpc":"2.0","id":11,"method":"eth_blockNumber"}`)
	if m := w.read(); string(m.ID) != "11" {
		t.Fatalf("got %+v after unsubscribing, want only the response", m)
	}
}

func TestWebSocketLimits(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(c *Config) { c.MaxSubsPerConn = 1; c.MaxWSConns = 1 })
	w := ts.dialWS(t)
	w.subscribe(`["newHeads"]`)
	w.send(`{"jsonrpc":"2.0","id":2,"method":"eth_subscribe","params":["newHeads"]}`)
	if m := w.read(); m.Error == nil || !strings.Contains(m.Error.Message, "too many subscriptions") {
		t.Fatalf("second subscription: %+v", m)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.url, "http"), nil)
	if err == nil || resp == nil || resp.StatusCode != 503 {
		t.Fatalf("second connection: err %v, resp %v", err, resp)
	}
}

func TestSlowWebSocketClientDropped(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(c *Config) { c.WSSendQueue = 4; c.WSWriteTimeout = 200 * time.Millisecond })
	w := ts.dialWS(t)
	w.subscribe(`["newHeads"]`)
	// Never read while the chain grows: socket buffers fill, the writer
	// blocks, the queue fills, and the server must drop the client.
	const events = 20000
	parent := ts.f.main[len(ts.f.main)-1]
	for i := 0; i < events; i++ {
		b, rs := ts.f.makeBlock(parent, nil, nil, byte(i))
		ts.f.emitChain(ChainEvent{Added: []BlockReceipts{{b, rs}}})
	}
	waitFor(t, func() bool { return ts.wsConns.Load() == 0 })
	received := 0
	for {
		if _, _, err := w.conn.Read(w.ctx); err != nil {
			break
		}
		received++
	}
	if received >= events {
		t.Fatalf("slow client received all %d notifications; it should have been dropped", received)
	}
}

// TestWebSocketQueueBytesBound: a client that asks for big answers and
// never reads is dropped once the bytes queued for it pass
// WSSendQueueBytes, long before the message bound (1024) or the write
// timeout (a minute here) would act; before the bound existed it held 64
// MiB of answers until the timeout. One answer larger than the bound still
// reaches a client that reads.
func TestWebSocketQueueBytesBound(t *testing.T) {
	t.Parallel()
	const limit = 1 << 20
	ts := newTestServer(t, func(c *Config) { c.WSSendQueueBytes = limit; c.WSWriteTimeout = time.Minute })
	call := func(id, dataBytes int) string {
		return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"eth_call","params":[{"data":"0x%s"},"latest"]}`,
			id, strings.Repeat("ab", dataBytes))
	}

	reader := ts.dialWS(t)
	reader.conn.SetReadLimit(8 << 20)
	reader.send(call(1, limit)) // its answer, 2 MiB of hex, is twice the bound
	if m := reader.read(); m.Error != nil || len(m.Result) != 2*limit+4 {
		t.Fatalf("answer larger than the bound: error %+v, %d bytes", m.Error, len(m.Result))
	}

	silent := ts.dialWS(t)
	for i := range 64 { // 64 answers of 1 MiB of hex, never read
		if err := silent.conn.Write(silent.ctx, websocket.MessageText, []byte(call(i, limit/2))); err != nil {
			break // dropped already
		}
	}
	waitFor(t, func() bool { return ts.wsConns.Load() == 1 })

	reader.send(`{"jsonrpc":"2.0","id":2,"method":"eth_blockNumber"}`)
	if m := reader.read(); string(m.ID) != "2" || m.Error != nil {
		t.Fatalf("the reading client after the drop: %+v", m)
	}
}
