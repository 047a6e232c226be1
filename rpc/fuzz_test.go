package rpc

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// checkResponse asserts that one response object is well formed.
func checkResponse(t *testing.T, raw json.RawMessage) {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("response %s: %v", raw, err)
	}
	_, hasID := m["id"]
	_, hasResult := m["result"]
	errRaw, hasError := m["error"]
	if string(m["jsonrpc"]) != `"2.0"` || !hasID || hasResult == hasError {
		t.Fatalf("malformed response %s", raw)
	}
	if hasError {
		var e errorObject
		if err := json.Unmarshal(errRaw, &e); err != nil || e.Message == "" {
			t.Fatalf("malformed error in %s", raw)
		}
		if e.Code == CodeInternal {
			t.Fatalf("internal error for client input: %s", raw)
		}
	}
}

// FuzzServeRequest posts any bytes as a JSON-RPC body: the server must not
// panic and must answer a well-formed response, a batch of them, or
// nothing (notifications only).
func FuzzServeRequest(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}`,
		`{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x0000000000000000000000000000000000000042","latest"]}`,
		`{"jsonrpc":"2.0","id":"x","method":"eth_getBlockByNumber","params":["0x2",true]}`,
		`{"jsonrpc":"2.0","id":1,"method":"eth_getLogs","params":[{"fromBlock":"0x0","topics":[null,["0x01"]]}]}`,
		`{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[{"to":"0x0000000000000000000000000000000000000042","data":"0x"},{"blockHash":"0x00"}]}`,
		`[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},{"jsonrpc":"2.0","method":"eth_chainId"},5]`,
		`[]`, `{}`, `null`, `[[[[`, `{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0xf8"]}`,
	} {
		f.Add([]byte(s))
	}
	fx := newFake(f)
	cfg := fx.config()
	cfg.MaxBatch = 20
	s, err := New(cfg)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		out := bytes.TrimSpace(rec.Body.Bytes())
		if len(out) == 0 {
			return // only notifications
		}
		if out[0] == '[' {
			var elems []json.RawMessage
			if err := json.Unmarshal(out, &elems); err != nil || len(elems) == 0 {
				t.Fatalf("bad batch response %s", out)
			}
			for _, e := range elems {
				checkResponse(t, e)
			}
			return
		}
		checkResponse(t, out)
	})
}

// FuzzParseBlockRef decodes any JSON as a block parameter: no panic, and a
// decoded number re-parses from its canonical form to the same value.
func FuzzParseBlockRef(f *testing.F) {
	for _, s := range []string{`"latest"`, `"0x0"`, `"0x01"`, `"0x10000000000000000"`, `{"blockHash":"0x00"}`,
		`{"blockNumber":"0x5"}`, `{"blockHash":"0x0000000000000000000000000000000000000000000000000000000000000000","requireCanonical":true}`, `7`, `null`,
		`"0x00000a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324252627"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return
		}
		ref, err := parseBlockRef(raw)
		if err != nil || ref.tag != tagNumber {
			return
		}
		again, err := parseBlockString(hexutil.EncodeUint64(ref.number))
		if err != nil || again != ref {
			t.Fatalf("number %d does not round-trip: %v %v", ref.number, again, err)
		}
	})
}

// FuzzParseFilterCriteria decodes any JSON as a log filter: no panic, and
// an accepted filter has at most four topic positions.
func FuzzParseFilterCriteria(f *testing.F) {
	for _, s := range []string{`{}`, `{"address":"0x0000000000000000000000000000000000000042"}`,
		`{"fromBlock":"0x1","toBlock":"latest","topics":[null,["0x0000000000000000000000000000000000000000000000000000000000000001",null]]}`,
		`{"blockHash":"0x00"}`, `{"topics":[1]}`, `[]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return
		}
		crit, err := parseFilterCriteria(raw)
		if err != nil {
			return
		}
		if len(crit.topics) > 4 || (crit.blockHash != nil && (crit.fromBlock != nil || crit.toBlock != nil)) {
			t.Fatalf("accepted invalid filter %s", raw)
		}
	})
}
