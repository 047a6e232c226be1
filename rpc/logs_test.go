package rpc

import (
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/types"
)

func TestGetLogs(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(c *Config) { c.MaxLogBlockRange = 3; c.MaxLogResults = 2 })
	log0 := `{"address":"{token}","topics":["{topicA}","{topicB}"],"data":"0x01","blockNumber":"0x2","blockHash":"{b2}","transactionHash":"{tx2}","transactionIndex":"0x0","logIndex":"0x0","removed":false}`
	log1 := `{"address":"{token}","topics":["{topicB}"],"data":"0x","blockNumber":"0x2","blockHash":"{b2}","transactionHash":"{tx2}","transactionIndex":"0x0","logIndex":"0x1","removed":false}`
	log2 := `{"address":"{other}","topics":["{topicA}"],"data":"0x03","blockNumber":"0x2","blockHash":"{b2}","transactionHash":"{tx3}","transactionIndex":"0x1","logIndex":"0x2","removed":false}`
	runCases(t, ts, []methodCase{
		{name: "by address", method: "eth_getLogs", params: `[{"fromBlock":"0x1","toBlock":"latest","address":"{token}"}]`, want: `[` + log0 + `,` + log1 + `]`},
		{name: "by topic alternatives", method: "eth_getLogs", params: `[{"fromBlock":"0x1","topics":[["{topicA}","0x` + types.Hash{9}.Hex()[2:] + `"]]}]`, want: `[` + log0 + `,` + log2 + `]`},
		{name: "second position", method: "eth_getLogs", params: `[{"fromBlock":"0x1","topics":[null,"{topicB}"]}]`, want: `[` + log0 + `]`},
		{name: "address list and hash", method: "eth_getLogs", params: `[{"blockHash":"{b2}","address":["{other}"]}]`, want: `[` + log2 + `]`},
		{name: "no match", method: "eth_getLogs", params: `[{"fromBlock":"0x1","address":"{recipient}"}]`, want: `[]`},
		{name: "default latest", method: "eth_getLogs", params: `[{}]`, want: `[]`},
		{name: "range beyond tip", method: "eth_getLogs", params: `[{"fromBlock":"0x2","toBlock":"0x20","address":"{other}"}]`, want: `[` + log2 + `]`},
		{name: "range too large", method: "eth_getLogs", params: `[{"fromBlock":"0x0","toBlock":"0x3"}]`, code: -32005, msgPart: "block range too large: 4 blocks, limit 3"},
		{name: "too many results", method: "eth_getLogs", params: `[{"fromBlock":"0x1","toBlock":"0x3"}]`, code: -32005, msgPart: "limit 2 logs"},
	})
}

func TestFilters(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, nil)
	f := ts.f
	var blockID, logID, pendingID string
	ts.result(t, "eth_newBlockFilter", `[]`, &blockID)
	ts.result(t, "eth_newFilter", `[{"address":"`+tokenAddr.Hex()+`"}]`, &logID)
	ts.result(t, "eth_newPendingTransactionFilter", `[]`, &pendingID)

	logs := []*types.Log{{Address: tokenAddr, Topics: []types.Hash{topicA}}}
	tx := f.sign(&types.Transaction{Nonce: 3, Gas: 21000, To: &tokenAddr})
	b4 := f.extend([]*types.Transaction{tx}, []*types.Receipt{{Status: 1, GasUsed: 21000, CumulativeGasUsed: 21000, Logs: logs, Bloom: types.BloomFromLogs(logs)}})
	old, repl := f.reorg(nil, nil)
	if old != b4 {
		t.Fatal("reorg did not replace b4")
	}

	waitFor(t, func() bool {
		var hashes []string
		ts.result(t, "eth_getFilterChanges", `["`+blockID+`"]`, &hashes)
		if len(hashes) == 0 {
			return false
		}
		if len(hashes) != 2 || hashes[0] != b4.Hash().Hex() || hashes[1] != repl.Hash().Hex() {
			t.Fatalf("block filter: %v", hashes)
		}
		return true
	})
	var got []rpcLogJSON
	ts.result(t, "eth_getFilterChanges", `["`+logID+`"]`, &got)
	if len(got) != 2 || got[0].Removed || !got[1].Removed || got[0].BlockHash != b4.Hash().Hex() || got[1].TransactionHash != tx.Hash().Hex() {
		t.Fatalf("log filter changes: %+v", got)
	}
	ts.result(t, "eth_getFilterChanges", `["`+logID+`"]`, &got)
	if len(got) != 0 {
		t.Fatalf("second poll: %+v", got)
	}
	// eth_getFilterLogs re-runs the criteria over the chain (latest only).
	ts.result(t, "eth_getFilterLogs", `["`+logID+`"]`, &got)
	if len(got) != 0 {
		t.Fatalf("filter logs at the (empty) tip: %+v", got)
	}

	ptx := f.sign(&types.Transaction{Nonce: 4, Gas: 21000, To: &recipient})
	ts.result(t, "eth_sendRawTransaction", `["`+rawTx(ptx)+`"]`, nil)
	waitFor(t, func() bool {
		var hashes []string
		ts.result(t, "eth_getFilterChanges", `["`+pendingID+`"]`, &hashes)
		return len(hashes) == 1 && hashes[0] == ptx.Hash().Hex()
	})

	var ok bool
	ts.result(t, "eth_uninstallFilter", `["`+blockID+`"]`, &ok)
	if !ok {
		t.Fatal("uninstall returned false")
	}
	if r := ts.call(t, "eth_getFilterChanges", `["`+blockID+`"]`); r.Error == nil || r.Error.Message != "filter not found" {
		t.Fatalf("uninstalled filter: %+v", r.Error)
	}

	// Idle filters expire.
	now := time.Now()
	ts.filters.mu.Lock()
	ts.filters.now = func() time.Time { return now.Add(DefaultFilterTimeout + time.Second) }
	ts.filters.mu.Unlock()
	ts.filters.expire()
	if r := ts.call(t, "eth_getFilterChanges", `["`+logID+`"]`); r.Error == nil {
		t.Fatal("idle filter did not expire")
	}
}

// rpcLogJSON decodes a log object in tests.
type rpcLogJSON struct {
	Address         string   `json:"address"`
	Topics          []string `json:"topics"`
	BlockHash       string   `json:"blockHash"`
	TransactionHash string   `json:"transactionHash"`
	LogIndex        string   `json:"logIndex"`
	Removed         bool     `json:"removed"`
}

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestFilterCriteriaMatch(t *testing.T) {
	t.Parallel()
	l := &types.Log{Address: tokenAddr, Topics: []types.Hash{topicA, topicB}}
	tests := []struct {
		name string
		crit filterCriteria
		want bool
	}{
		{"empty", filterCriteria{}, true},
		{"address", filterCriteria{addresses: []types.Address{otherAddr, tokenAddr}}, true},
		{"wrong address", filterCriteria{addresses: []types.Address{otherAddr}}, false},
		{"first topic", filterCriteria{topics: [][]types.Hash{{topicA}}}, true},
		{"wildcard then topic", filterCriteria{topics: [][]types.Hash{nil, {topicB}}}, true},
		{"wrong topic", filterCriteria{topics: [][]types.Hash{{topicB}}}, false},
		{"more positions than topics", filterCriteria{topics: [][]types.Hash{nil, nil, nil}}, false},
	}
	bloom := types.BloomFromLogs([]*types.Log{l})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.crit.match(l); got != tt.want {
				t.Fatalf("match = %v, want %v", got, tt.want)
			}
			if tt.want && !tt.crit.bloomMatch(bloom) {
				t.Fatal("bloom rejects a matching log")
			}
		})
	}
}
