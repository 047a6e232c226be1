package rpc

import (
	"strings"
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// methodCase is one request and its expected answer: either a result
// (JSON, with fixture placeholders) or an error code and message fragment.
type methodCase struct {
	name    string
	method  string
	params  string
	want    string
	code    int
	msgPart string
}

func runCases(t *testing.T, ts *testServer, cases []methodCase) {
	t.Helper()
	rep := ts.replacer()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := ts.call(t, tc.method, rep.Replace(tc.params))
			if tc.code != 0 {
				if r.Error == nil {
					t.Fatalf("result %s, want error %d %q", r.Result, tc.code, tc.msgPart)
				}
				if r.Error.Code != tc.code || !strings.Contains(r.Error.Message, tc.msgPart) {
					t.Fatalf("error %d %q, want %d containing %q", r.Error.Code, r.Error.Message, tc.code, tc.msgPart)
				}
				return
			}
			if r.Error != nil {
				t.Fatalf("error %d %q, want %s", r.Error.Code, r.Error.Message, tc.want)
			}
			if want := rep.Replace(tc.want); !jsonEqual(t, string(r.Result), want) {
				t.Fatalf("result\n %s\nwant\n %s", r.Result, want)
			}
		})
	}
}

func TestMethods(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, nil)
	zero := `"0x0000000000000000000000000000000000000000000000000000000000000000"`
	cases := []methodCase{
		{name: "chainId", method: "eth_chainId", params: `[]`, want: `"0x539"`},
		{name: "blockNumber", method: "eth_blockNumber", params: `[]`, want: `"0x3"`},
		{name: "balance latest", method: "eth_getBalance", params: `["{sender}","latest"]`, want: `"0xde0b6b3a7640000"`},
		{name: "balance default block", method: "eth_getBalance", params: `["{sender}"]`, want: `"0xde0b6b3a7640000"`},
		{name: "balance lower-case address", method: "eth_getBalance", params: `["` + strings.ToLower(ts.f.sender.Hex()) + `","0x2"]`, want: `"0xde0b6b3a7640000"`},
		{name: "balance empty account", method: "eth_getBalance", params: `["{recipient}","pending"]`, want: `"0x0"`},
		{name: "balance safe", method: "eth_getBalance", params: `["{sender}","safe"]`, code: -32000, msgPart: "historical state not available"},
		{name: "balance EIP-1898 hash", method: "eth_getBalance", params: `["{sender}",{"blockHash":"{b1}","requireCanonical":true}]`, want: `"0xde0b6b3a7640000"`},
		{name: "balance EIP-1898 number", method: "eth_getBalance", params: `["{sender}",{"blockNumber":"0x2"}]`, want: `"0xde0b6b3a7640000"`},
		{name: "balance block hash string", method: "eth_getBalance", params: `["{sender}","{b1}"]`, want: `"0xde0b6b3a7640000"`},
		{name: "balance bad hash string", method: "eth_getBalance", params: `["{sender}","0x` + strings.Repeat("zz", 32) + `"]`, code: -32602, msgPart: "block hash"},
		{name: "balance pruned state", method: "eth_getBalance", params: `["{sender}","earliest"]`, code: -32000, msgPart: "historical state not available"},
		{name: "balance unknown block", method: "eth_getBalance", params: `["{sender}","0x9"]`, code: -32000, msgPart: "header not found"},
		{name: "balance unknown hash", method: "eth_getBalance", params: `["{sender}",{"blockHash":` + zero + `}]`, code: -32000, msgPart: "not found"},
		{name: "nonce latest", method: "eth_getTransactionCount", params: `["{sender}","latest"]`, want: `"0x3"`},
		{name: "nonce pending", method: "eth_getTransactionCount", params: `["{sender}","pending"]`, want: `"0x3"`},
		{name: "code", method: "eth_getCode", params: `["{token}","latest"]`, want: `"0x600100"`},
		{name: "code empty", method: "eth_getCode", params: `["{recipient}","latest"]`, want: `"0x"`},
		{name: "storage quantity slot", method: "eth_getStorageAt", params: `["{token}","0x1","latest"]`, want: `"0x000000000000000000000000000000000000000000000000000000000000002a"`},
		{name: "storage full slot", method: "eth_getStorageAt", params: `["{token}","0x0000000000000000000000000000000000000000000000000000000000000001"]`, want: `"0x000000000000000000000000000000000000000000000000000000000000002a"`},
		{name: "call", method: "eth_call", params: `[{"to":"{recipient}","data":"0x0102"},"latest"]`, want: `"0x0201"`},
		{name: "call input field", method: "eth_call", params: `[{"to":"{recipient}","input":"0x0a0b","chainId":"0x539","type":"0x2"}]`, want: `"0x0b0a"`},
		{name: "call revert", method: "eth_call", params: `[{"to":"{revert}"}]`, code: 3, msgPart: "execution reverted: nope"},
		{name: "call tip above cap", method: "eth_call", params: `[{"to":"{recipient}","maxFeePerGas":"0x1","maxPriorityFeePerGas":"0x2"}]`, code: -32000, msgPart: "max priority fee per gas higher than max fee per gas"},
		{name: "call wrong chain", method: "eth_call", params: `[{"to":"{recipient}","chainId":"0x1"}]`, code: -32000, msgPart: "invalid chain id"},
		{name: "estimate transfer", method: "eth_estimateGas", params: `[{"from":"{sender}","to":"{recipient}","value":"0x1"}]`, want: `"0x5208"`},
		{name: "estimate binary search", method: "eth_estimateGas", params: `[{"to":"{oog}"}]`, want: `"0xc350"`},
		{name: "estimate low cap", method: "eth_estimateGas", params: `[{"to":"{oog}","gas":"0x7530"}]`, code: -32000, msgPart: "gas required exceeds allowance"},
		{name: "estimate revert", method: "eth_estimateGas", params: `[{"to":"{revert}"}]`, code: 3, msgPart: "execution reverted"},
		{name: "gasPrice", method: "eth_gasPrice", params: `[]`, want: `"0x3b9aca00"`},
		{name: "maxPriorityFeePerGas", method: "eth_maxPriorityFeePerGas", params: `[]`, want: `"0x3b9aca00"`},
		{name: "feeHistory", method: "eth_feeHistory", params: `["0x2","latest",[25,75]]`,
			want: `{"oldestBlock":"0x2","baseFeePerGas":["0x0","0x0","0x0"],"gasUsedRatio":[0.003,0],"reward":[["0x3b9aca00","0x77359400"],["0x0","0x0"]]}`},
		{name: "feeHistory number count", method: "eth_feeHistory", params: `[1,"0x1"]`, want: `{"oldestBlock":"0x1","baseFeePerGas":["0x0","0x0"],"gasUsedRatio":[0.0007]}`},
		{name: "feeHistory clamps at genesis", method: "eth_feeHistory", params: `["0x10","0x0"]`, want: `{"oldestBlock":"0x0","baseFeePerGas":["0x0","0x0"],"gasUsedRatio":[0]}`},
		{name: "syncing", method: "eth_syncing", params: `[]`, want: `false`},
		{name: "mining", method: "eth_mining", params: `[]`, want: `false`},
		{name: "hashrate", method: "eth_hashrate", params: `[]`, want: `"0x4d2"`},
		{name: "coinbase", method: "eth_coinbase", params: `[]`, want: `"0xCB00000000000000000000000000000000000000"`},
		{name: "accounts", method: "eth_accounts", params: `[]`, want: `[]`},
		{name: "block missing", method: "eth_getBlockByNumber", params: `["0x9",false]`, want: `null`},
		{name: "block by unknown hash", method: "eth_getBlockByHash", params: `[` + zero + `,true]`, want: `null`},
		{name: "tx count by number", method: "eth_getBlockTransactionCountByNumber", params: `["0x2"]`, want: `"0x2"`},
		{name: "tx count by hash", method: "eth_getBlockTransactionCountByHash", params: `["{b1}"]`, want: `"0x1"`},
		{name: "tx count unknown", method: "eth_getBlockTransactionCountByNumber", params: `["0x99"]`, want: `null`},
		{name: "uncles by number", method: "eth_getUncleCountByBlockNumber", params: `["latest"]`, want: `"0x0"`},
		{name: "uncles by hash", method: "eth_getUncleCountByBlockHash", params: `["{b2}"]`, want: `"0x0"`},
		{name: "tx unknown", method: "eth_getTransactionByHash", params: `[` + zero + `]`, want: `null`},
		{name: "receipt unknown", method: "eth_getTransactionReceipt", params: `[` + zero + `]`, want: `null`},
		{name: "tx by index out of range", method: "eth_getTransactionByBlockNumberAndIndex", params: `["0x1","0x1"]`, want: `null`},
		{name: "block receipts unknown", method: "eth_getBlockReceipts", params: `["0x9"]`, want: `null`},
		{name: "block receipts empty", method: "eth_getBlockReceipts", params: `["0x3"]`, want: `[]`},
		{name: "block receipts by hash string", method: "eth_getBlockReceipts", params: `["{b3}"]`, want: `[]`},
		{name: "block by number refuses a hash", method: "eth_getBlockByNumber", params: `["{b1}",false]`, code: -32602, msgPart: "got a block hash"},
		{name: "net_version", method: "net_version", params: `[]`, want: `"1337"`},
		{name: "net_listening", method: "net_listening", params: `[]`, want: `true`},
		{name: "net_peerCount", method: "net_peerCount", params: `[]`, want: `"0x1"`},
		{name: "clientVersion", method: "web3_clientVersion", params: `[]`, want: `"quarry/test"`},
		{name: "sha3 empty", method: "web3_sha3", params: `["0x"]`, want: `"0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"`},
		{name: "sha3", method: "web3_sha3", params: `["0x68656c6c6f20776f726c64"]`, want: `"0x47173285a8d7341e5e972fc677286384f802f8ef42a5ec5f03bbfa254cb01fad"`},
		{name: "txpool_status", method: "txpool_status", params: `[]`, want: `{"pending":"0x0","queued":"0x0"}`},
		{name: "txpool_content", method: "txpool_content", params: `[]`, want: `{"pending":{},"queued":{}}`},
		{name: "txpool_contentFrom", method: "txpool_contentFrom", params: `["{sender}"]`, want: `{"pending":{},"queued":{}}`},
		{name: "txpool_inspect", method: "txpool_inspect", params: `[]`, want: `{"pending":{},"queued":{}}`},
		{name: "miner_start", method: "miner_start", params: `["0x3"]`, want: `null`},
		{name: "miner_setThreads", method: "miner_setThreads", params: `[4]`, want: `true`},
		{name: "miner_setThreads too many", method: "miner_setThreads", params: `["0x100000"]`, code: -32602, msgPart: "too many threads"},
		{name: "miner_setEtherbase", method: "miner_setEtherbase", params: `["{recipient}"]`, want: `true`},
		{name: "miner_stop", method: "miner_stop", params: `[]`, want: `null`},
		{name: "admin_peers", method: "admin_peers", params: `[]`,
			want: `[{"id":"12D3KooWpeer","addrs":["/ip4/10.0.0.2/tcp/30303"],"inbound":false,"agent":"quarry/test","height":"0x3","head":` + zero + `}]`},
		{name: "admin_addPeer", method: "admin_addPeer", params: `["/ip4/10.0.0.3/tcp/30303/p2p/12D3KooWx"]`, want: `true`},
		{name: "admin_addPeer bad", method: "admin_addPeer", params: `["bad"]`, code: -32000, msgPart: "invalid multiaddr"},
		{name: "admin_addPeer empty", method: "admin_addPeer", params: `[""]`, code: -32602, msgPart: "bad peer"},
		{name: "admin_removePeer", method: "admin_removePeer", params: `["12D3KooWpeer"]`, want: `true`},
		{name: "admin_removePeer unknown", method: "admin_removePeer", params: `["nobody"]`, code: -32000, msgPart: "not found"},
		{name: "quarry_difficulty", method: "quarry_difficulty", params: `[]`,
			want: `{"height":"0x3","hash":"{b3}","bits":"0x207fffff","target":"0x7fffff0000000000000000000000000000000000000000000000000000000000","difficulty":"0x2","totalWork":"0x8"}`},
		{name: "quarry_chainTips", method: "quarry_chainTips", params: `[]`, want: `[{"hash":"{b3}","height":"0x3","totalWork":"0x8","branchLen":"0x0","status":"active"}]`},
		{name: "quarry_reorgs", method: "quarry_reorgs", params: `["0x5"]`,
			want: `[{"timeMs":"0x18bcfe6eea0","fork":"0x0100000000000000000000000000000000000000000000000000000000000000","forkHeight":"0x2","oldTip":"0x0200000000000000000000000000000000000000000000000000000000000000","newTip":"0x0300000000000000000000000000000000000000000000000000000000000000","disconnected":"0x1","connected":"0x2"}]`},
		{name: "quarry_submitWork", method: "quarry_submitWork", params: `["{work}","0x18bcfe59aa0","0x2a"]`, want: `true`},
		{name: "quarry_submitWork stale", method: "quarry_submitWork", params: `[` + zero + `,"0x1","0x2"]`, want: `false`},
		{name: "subscribe over HTTP", method: "eth_subscribe", params: `["newHeads"]`, code: -32601, msgPart: "notifications not supported"},
		{name: "unknown method", method: "eth_foo", params: `[]`, code: -32601, msgPart: "the method eth_foo does not exist/is not available"},
		{name: "uninstall unknown filter", method: "eth_uninstallFilter", params: `["0x1234"]`, want: `false`},
		{name: "changes unknown filter", method: "eth_getFilterChanges", params: `["0x1234"]`, code: -32000, msgPart: "filter not found"},
	}
	runCases(t, ts, cases)
}

func TestBadParams(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, nil)
	long := `"0x` + strings.Repeat("1", 66) + `"`
	cases := []methodCase{
		{name: "address number", method: "eth_getBalance", params: `[123]`, code: -32602, msgPart: "invalid argument 0 (address): want a string, got number"},
		{name: "address short", method: "eth_getBalance", params: `["0x12"]`, code: -32602, msgPart: "invalid argument 0 (address)"},
		{name: "address no prefix", method: "eth_getBalance", params: `["` + strings.ToLower(ts.f.sender.Hex()[2:]) + `"]`, code: -32602, msgPart: "missing 0x prefix"},
		{name: "address bad checksum", method: "eth_getBalance", params: `["0xCB00000000000000000000000000000000000000aA"]`, code: -32602, msgPart: "address"},
		{name: "block leading zero", method: "eth_getBalance", params: `["{sender}","0x01"]`, code: -32602, msgPart: "leading zero"},
		{name: "block oversized", method: "eth_getBalance", params: `["{sender}","0x10000000000000000"]`, code: -32602, msgPart: "does not fit in 64 bits"},
		{name: "block unknown tag", method: "eth_getBalance", params: `["{sender}","newest"]`, code: -32602, msgPart: `unknown block tag "newest"`},
		{name: "block number type", method: "eth_getBalance", params: `["{sender}",1]`, code: -32602, msgPart: "invalid argument 1 (block)"},
		{name: "block hash and number", method: "eth_getBalance", params: `["{sender}",{"blockHash":"{b1}","blockNumber":"0x1"}]`, code: -32602, msgPart: "mutually exclusive"},
		{name: "block object unknown field", method: "eth_getBalance", params: `["{sender}",{"blockHsh":"{b1}"}]`, code: -32602, msgPart: "unknown field"},
		{name: "missing argument", method: "eth_getBalance", params: `[]`, code: -32602, msgPart: "missing value for required argument 0"},
		{name: "too many arguments", method: "eth_getBalance", params: `["{sender}","latest",1]`, code: -32602, msgPart: "too many arguments"},
		{name: "null required", method: "eth_getTransactionByHash", params: `[null]`, code: -32602, msgPart: "missing value"},
		{name: "object params", method: "eth_getBalance", params: `{"address":"{sender}"}`, code: -32602, msgPart: "params must be an array"},
		{name: "fullTx missing", method: "eth_getBlockByNumber", params: `["0x1"]`, code: -32602, msgPart: "missing value for required argument 1"},
		{name: "fullTx type", method: "eth_getBlockByNumber", params: `["0x1","yes"]`, code: -32602, msgPart: "want a boolean"},
		{name: "getBlockByNumber EIP-1898 object", method: "eth_getBlockByNumber", params: `[{"blockNumber":"0x1"},false]`, code: -32602, msgPart: "want a block number or tag"},
		{name: "hash short", method: "eth_getBlockByHash", params: `["0x1234",false]`, code: -32602, msgPart: "want 32 bytes"},
		{name: "hash non-hex", method: "eth_getTransactionByHash", params: `["0x` + strings.Repeat("zz", 32) + `"]`, code: -32602, msgPart: "non-hex"},
		{name: "raw tx odd length", method: "eth_sendRawTransaction", params: `["0xf"]`, code: -32602, msgPart: "odd number of hex digits"},
		{name: "raw tx garbage", method: "eth_sendRawTransaction", params: `["0x0102"]`, code: -32602, msgPart: "not a valid signed transaction"},
		{name: "raw tx oversized", method: "eth_sendRawTransaction", params: `["0x` + strings.Repeat("00", types.MaxTxSize+1) + `"]`, code: -32000, msgPart: "oversized data"},
		{name: "call leading zero value", method: "eth_call", params: `[{"to":"{recipient}","value":"0x01"}]`, code: -32602, msgPart: "leading zero"},
		{name: "call gas number", method: "eth_call", params: `[{"to":"{recipient}","gas":5}]`, code: -32602, msgPart: "not a string"},
		{name: "call value oversized", method: "eth_call", params: `[{"to":"{recipient}","value":"0x1` + strings.Repeat("0", 64) + `"}]`, code: -32602, msgPart: "256 bits"},
		{name: "call data and input differ", method: "eth_call", params: `[{"data":"0x01","input":"0x02"}]`, code: -32602, msgPart: `"data" and "input"`},
		{name: "call not object", method: "eth_call", params: `["0x01"]`, code: -32602, msgPart: "want an object"},
		{name: "call state overrides", method: "eth_call", params: `[{"to":"{recipient}"},"latest",{}]`, code: -32602, msgPart: "state overrides"},
		{name: "logs bad topic", method: "eth_getLogs", params: `[{"topics":[["0x12"]]}]`, code: -32602, msgPart: "topics: position 0"},
		{name: "logs too many topics", method: "eth_getLogs", params: `[{"topics":[null,null,null,null,null]}]`, code: -32602, msgPart: "more than 4"},
		{name: "logs reversed range", method: "eth_getLogs", params: `[{"fromBlock":"0x2","toBlock":"0x1"}]`, code: -32602, msgPart: "invalid block range"},
		{name: "logs unknown field", method: "eth_getLogs", params: `[{"fromBlok":"0x1"}]`, code: -32602, msgPart: "unknown field"},
		{name: "logs hash and range", method: "eth_getLogs", params: `[{"fromBlock":"0x1","blockHash":"{b1}"}]`, code: -32602, msgPart: "blockHash excludes"},
		{name: "logs bad address", method: "eth_getLogs", params: `[{"address":["{token}",7]}]`, code: -32602, msgPart: "element 1"},
		{name: "logs unknown block hash", method: "eth_getLogs", params: `[{"blockHash":"0x` + strings.Repeat("00", 32) + `"}]`, code: -32000, msgPart: "unknown block"},
		{name: "storage slot too long", method: "eth_getStorageAt", params: `["{token}",` + long + `]`, code: -32602, msgPart: "longer than 32 bytes"},
		{name: "feeHistory percentiles", method: "eth_feeHistory", params: `["0x1","latest",[60,50]]`, code: -32602, msgPart: "not increasing"},
		{name: "feeHistory future", method: "eth_feeHistory", params: `["0x1","0x9"]`, code: -32000, msgPart: "beyond head"},
		{name: "sha3 no prefix", method: "web3_sha3", params: `["abc"]`, code: -32602, msgPart: "missing 0x prefix"},
		{name: "tx index leading zero", method: "eth_getTransactionByBlockNumberAndIndex", params: `["0x1","0x00"]`, code: -32602, msgPart: "invalid argument 1 (index)"},
		{name: "subscribe arg count", method: "net_version", params: `[1]`, code: -32602, msgPart: "too many arguments"},
	}
	runCases(t, ts, cases)
}

func TestGetBlock(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, nil)
	b2 := ts.f.main[2]
	var blk map[string]any
	ts.result(t, "eth_getBlockByNumber", `["0x2",false]`, &blk)
	bloom := receiptsBloom(ts.f.receipts[b2.Hash()])
	want := map[string]any{
		"number": "0x2", "hash": b2.Hash().Hex(), "parentHash": ts.f.main[1].Hash().Hex(),
		"nonce": "0x0000000000000000", "sha3Uncles": "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
		"mixHash": types.Hash{}.Hex(), "logsBloom": bloom.Hex(), "transactionsRoot": b2.Header.TxRoot.Hex(),
		"stateRoot": b2.Header.StateRoot.Hex(), "receiptsRoot": b2.Header.ReceiptsRoot.Hex(),
		"miner": "0xCB00000000000000000000000000000000000000", "difficulty": "0x2", "totalDifficulty": "0x6",
		"extraData": "0x" + strings.Repeat("00", 16), "gasLimit": "0x1c9c380", "gasUsed": "0x15f90",
		"timestamp": hexutil.EncodeUint64(b2.Header.Time / 1000), "timestampMs": hexutil.EncodeUint64(b2.Header.Time),
		"bits": "0x207fffff", "size": hexutil.EncodeUint64(uint64(b2.Size())),
		"transactions": []any{b2.Txs[0].Hash().Hex(), b2.Txs[1].Hash().Hex()}, "uncles": []any{},
	}
	for k, v := range want {
		if got := blk[k]; !jsonEqualValues(got, v) {
			t.Errorf("%s = %v, want %v", k, got, v)
		}
	}
	if _, ok := blk["baseFeePerGas"]; ok {
		t.Error("baseFeePerGas present; Quarry has no base fee")
	}
	if len(blk) != len(want) {
		t.Errorf("block has %d fields, want %d: %v", len(blk), len(want), blk)
	}
	// Same block by hash, with full transactions.
	var full struct {
		Hash         string           `json:"hash"`
		Transactions []map[string]any `json:"transactions"`
	}
	ts.result(t, "eth_getBlockByHash", `["`+b2.Hash().Hex()+`",true]`, &full)
	if full.Hash != b2.Hash().Hex() || len(full.Transactions) != 2 {
		t.Fatalf("full block: %+v", full)
	}
	if full.Transactions[1]["hash"] != b2.Txs[1].Hash().Hex() || full.Transactions[1]["transactionIndex"] != "0x1" {
		t.Errorf("full tx 1: %v", full.Transactions[1])
	}
	// Tags.
	for tag, height := range map[string]string{"latest": "0x3", "pending": "0x3", "earliest": "0x0", "safe": "0x0", "finalized": "0x0"} {
		var b map[string]any
		ts.result(t, "eth_getBlockByNumber", `["`+tag+`",false]`, &b)
		if b["number"] != height {
			t.Errorf("%s: number %v, want %s", tag, b["number"], height)
		}
	}
}

// jsonEqualValues compares decoded JSON values.
func jsonEqualValues(a, b any) bool {
	switch av := a.(type) {
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !jsonEqualValues(av[i], bv[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}

func TestTransactionsAndReceipts(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, nil)
	f := ts.f
	tx1, tx2, tx3 := f.main[1].Txs[0], f.main[2].Txs[0], f.main[2].Txs[1]

	var legacy map[string]any
	ts.result(t, "eth_getTransactionByHash", `["`+tx1.Hash().Hex()+`"]`, &legacy)
	v := tx1.V
	wantLegacy := map[string]any{
		"blockHash": f.main[1].Hash().Hex(), "blockNumber": "0x1", "transactionIndex": "0x0", "hash": tx1.Hash().Hex(),
		"type": "0x0", "chainId": "0x539", "nonce": "0x0", "from": f.sender.Hex(), "to": recipient.Hex(), "value": "0x5",
		"gas": "0x5208", "gasPrice": "0x3b9aca00", "input": "0x", "v": hexutil.EncodeU256(&v),
		"r": hexutil.EncodeU256(&tx1.R), "s": hexutil.EncodeU256(&tx1.S),
	}
	for k, w := range wantLegacy {
		if legacy[k] != w {
			t.Errorf("legacy %s = %v, want %v", k, legacy[k], w)
		}
	}
	for _, k := range []string{"accessList", "yParity", "maxFeePerGas"} {
		if _, ok := legacy[k]; ok {
			t.Errorf("legacy tx has %s", k)
		}
	}

	var dyn map[string]any
	ts.result(t, "eth_getTransactionByBlockHashAndIndex", `["`+f.main[2].Hash().Hex()+`","0x0"]`, &dyn)
	for k, w := range map[string]any{"hash": tx2.Hash().Hex(), "type": "0x2", "maxFeePerGas": "0xb2d05e00", "maxPriorityFeePerGas": "0x77359400",
		"gasPrice": "0x77359400", "yParity": hexutil.EncodeU256(&tx2.V), "input": "0xa9059cbb"} {
		if dyn[k] != w {
			t.Errorf("dynamic %s = %v, want %v", k, dyn[k], w)
		}
	}
	if al, ok := dyn["accessList"].([]any); !ok || len(al) != 0 {
		t.Errorf("dynamic accessList = %v, want []", dyn["accessList"])
	}

	var al map[string]any
	ts.result(t, "eth_getTransactionByBlockNumberAndIndex", `["0x2","0x1"]`, &al)
	if !jsonEqual(t, mustJSON(t, al["accessList"]), `[{"address":"`+tokenAddr.Hex()+`","storageKeys":["0x0100000000000000000000000000000000000000000000000000000000000000"]}]`) || al["to"] != nil {
		t.Errorf("access-list tx: %v", al)
	}

	rep := ts.replacer()
	got := ts.result(t, "eth_getTransactionReceipt", `["`+tx3.Hash().Hex()+`"]`, nil)
	want := rep.Replace(`{"transactionHash":"{tx3}","transactionIndex":"0x1","blockHash":"{b2}","blockNumber":"0x2",
		"from":"{sender}","to":null,"cumulativeGasUsed":"0x15f90","gasUsed":"0xc350","effectiveGasPrice":"0x3b9aca00",
		"contractAddress":"` + types.ContractAddress(f.sender, 2).Hex() + `",
		"logs":[{"address":"{other}","topics":["{topicA}"],"data":"0x03","blockNumber":"0x2","blockHash":"{b2}",
			"transactionHash":"{tx3}","transactionIndex":"0x1","logIndex":"0x2","removed":false}],
		"logsBloom":"` + f.receipts[f.main[2].Hash()][1].Bloom.Hex() + `","type":"0x1","status":"0x0"}`)
	if !jsonEqual(t, string(got), want) {
		t.Errorf("receipt\n %s\nwant\n %s", got, want)
	}

	var receipts []map[string]any
	ts.result(t, "eth_getBlockReceipts", `[{"blockHash":"`+f.main[2].Hash().Hex()+`"}]`, &receipts)
	if len(receipts) != 2 || receipts[0]["transactionHash"] != tx2.Hash().Hex() || receipts[0]["status"] != "0x1" || receipts[0]["contractAddress"] != nil {
		t.Errorf("block receipts: %v", receipts)
	}
	// A single receipt is built from the chain's filled receipt, the
	// block's from the block: the two must agree field for field.
	for i, r := range receipts {
		one := ts.result(t, "eth_getTransactionReceipt", `["`+r["transactionHash"].(string)+`"]`, nil)
		if !jsonEqual(t, string(one), mustJSON(t, r)) {
			t.Errorf("receipt %d: eth_getTransactionReceipt\n %s\neth_getBlockReceipts\n %s", i, one, mustJSON(t, r))
		}
	}
}

func TestSendRawTransaction(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, nil)
	f := ts.f
	tx := f.sign(&types.Transaction{Nonce: 3, GasPrice: *uint256.NewInt(1e9), Gas: 21000, To: &recipient, Value: *uint256.NewInt(1)})
	var hash string
	ts.result(t, "eth_sendRawTransaction", `["`+rawTx(tx)+`"]`, &hash)
	if hash != tx.Hash().Hex() {
		t.Fatalf("hash %s, want %s", hash, tx.Hash().Hex())
	}
	var pending map[string]any
	ts.result(t, "eth_getTransactionByHash", `["`+hash+`"]`, &pending)
	if pending["blockHash"] != nil || pending["blockNumber"] != nil || pending["transactionIndex"] != nil || pending["nonce"] != "0x3" {
		t.Errorf("pending tx: %v", pending)
	}
	var raw string
	ts.result(t, "eth_getRawTransactionByHash", `["`+hash+`"]`, &raw)
	if raw != rawTx(tx) {
		t.Errorf("raw tx %s", raw)
	}
	cases := []methodCase{
		{name: "pending nonce", method: "eth_getTransactionCount", params: `["{sender}","pending"]`, want: `"0x4"`},
		{name: "pool status", method: "txpool_status", params: `[]`, want: `{"pending":"0x1","queued":"0x0"}`},
		{name: "inspect", method: "txpool_inspect", params: `[]`, want: `{"pending":{"{sender}":{"3":"{recipient}: 1 wei + 21000 gas × 1000000000 wei"}},"queued":{}}`},
		{name: "already known", method: "eth_sendRawTransaction", params: `["` + rawTx(tx) + `"]`, code: -32000, msgPart: "already known"},
		{name: "nonce too low", method: "eth_sendRawTransaction", params: `["` + rawTx(f.main[1].Txs[0]) + `"]`, code: -32000, msgPart: "nonce too low: address"},
	}
	runCases(t, ts, cases)
	other, err := types.NewSigner(1).SignTx(&types.Transaction{Nonce: 4, GasPrice: *uint256.NewInt(1), Gas: 21000, To: &recipient}, f.key)
	if err != nil {
		t.Fatal(err)
	}
	r := ts.call(t, "eth_sendRawTransaction", `["`+rawTx(other)+`"]`)
	if r.Error == nil || r.Error.Code != -32000 || !strings.HasPrefix(r.Error.Message, "invalid chain id") {
		t.Fatalf("wrong chain: %+v", r.Error)
	}
	var content map[string]map[string]map[string]map[string]any
	ts.result(t, "txpool_content", `[]`, &content)
	if content["pending"][f.sender.Hex()]["3"]["hash"] != tx.Hash().Hex() {
		t.Errorf("txpool_content: %v", content)
	}
}

func TestRevertData(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, nil)
	r := ts.call(t, "eth_call", `[{"to":"`+revertAddr.Hex()+`"}]`)
	if r.Error == nil || r.Error.Code != 3 || r.Error.Message != "execution reverted: nope" {
		t.Fatalf("revert error: %+v", r.Error)
	}
	if want := `"` + hexutil.Encode(revertData("nope")) + `"`; string(r.Error.Data) != want {
		t.Fatalf("revert data %s, want %s", r.Error.Data, want)
	}
}

func TestRevertReason(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data []byte
		want string
		ok   bool
	}{
		{"reason", revertData("too poor"), "too poor", true},
		{"empty reason", revertData(""), "", true},
		{"no data", nil, "", false},
		{"other selector", append([]byte{1, 2, 3, 4}, revertData("x")[4:]...), "", false},
		{"truncated", revertData("hello")[:4+64+2], "", false},
		{"huge offset", append(append([]byte{}, errorSelector[:]...), make([]byte, 64)...), "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := revertReason(tt.data)
			if string(got) != tt.want || ok != tt.ok {
				t.Fatalf("got %q %v, want %q %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestAdminNodeInfo(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, nil)
	var info map[string]any
	ts.result(t, "admin_nodeInfo", `[]`, &info)
	if info["id"] != "12D3KooWself" || info["genesis"] != ts.f.main[0].Hash().Hex() || info["height"] != "0x3" || info["chainId"] != "0x539" {
		t.Fatalf("nodeInfo: %v", info)
	}
	var work map[string]any
	ts.result(t, "quarry_getWork", `[]`, &work)
	if work["id"] != workID.Hex() || work["height"] != "0x4" || work["nonceOffset"] != "0xcc" || len(work["header"].(string)) != 2+2*types.HeaderSize {
		t.Fatalf("getWork: %v", work)
	}
}
