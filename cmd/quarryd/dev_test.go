package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/node"
)

// rpcCall makes one JSON-RPC call to url and decodes the result into out.
func rpcCall(t *testing.T, url, method string, out any, args ...any) {
	t.Helper()
	if args == nil {
		args = []any{}
	}
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": args})
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	if r.Error != nil {
		t.Fatalf("%s: %s", method, r.Error.Message)
	}
	if err := json.Unmarshal(r.Result, out); err != nil {
		t.Fatalf("%s result %s: %v", method, r.Result, err)
	}
}

func hexUint(t *testing.T, s string) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 64)
	if err != nil {
		t.Fatalf("quantity %q: %v", s, err)
	}
	return n
}

var rpcURLRE = regexp.MustCompile(`Listening on (http://\S+)`)

// TestDevPeriodZero: with --dev.period 0 the dev chain mines only when a
// transaction waits, and the banner lists every funded account.
func TestDevPeriodZero(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- newApp(&out, &errOut).RunContext(ctx,
			[]string{"quarryd", "dev", "--datadir", dir, "--rpc.port", "0", "--nosync", "--dev.period", "0"})
	}()
	var url string
	waitFor(t, "the banner", 30*time.Second, func() bool {
		if m := rpcURLRE.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
			return true
		}
		select {
		case err := <-done:
			t.Fatalf("dev exited: %v\n%s", err, errOut.String())
		default:
		}
		return false
	})
	accts, err := node.DevAccounts()
	if err != nil {
		t.Fatal(err)
	}
	banner := out.String()
	for i, a := range accts {
		key := "0x" + hex.EncodeToString(a.PrivateKey.Serialize())
		if !strings.Contains(banner, a.Address.Hex()+" (10000 ETH)") || !strings.Contains(banner, key) {
			t.Errorf("banner lacks account %d (%s) or its key", i, a.Address)
		}
	}
	for _, want := range []string{"Chain ID:          1337", node.DevMnemonic, "m/44'/60'/0'/0/{i}", "keys are public"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q", want)
		}
	}

	// Nothing to mine: the chain stays at genesis.
	time.Sleep(1500 * time.Millisecond)
	var height string
	rpcCall(t, url, "eth_blockNumber", &height)
	if hexUint(t, height) != 0 {
		t.Fatalf("height %s with no transactions, want 0", height)
	}

	// A transfer from account 1 is mined at once.
	to := accts[2].Address
	tx := &types.Transaction{Type: types.LegacyTxType, ChainID: params.DevChainID, Nonce: 0, Gas: 21000, To: &to}
	tx.GasPrice.SetUint64(1_000_000_000)
	tx.Value.SetUint64(1)
	signed, err := types.NewSigner(params.DevChainID).SignTx(tx, accts[1].PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	var hash types.Hash
	rpcCall(t, url, "eth_sendRawTransaction", &hash, "0x"+hex.EncodeToString(signed.Encode()))
	var receipt map[string]any
	waitFor(t, "the receipt", 30*time.Second, func() bool {
		rpcCall(t, url, "eth_getTransactionReceipt", &receipt, hash)
		return receipt != nil
	})
	if receipt["status"] != "0x1" {
		t.Fatalf("receipt %v", receipt)
	}
	var bal string
	rpcCall(t, url, "eth_getBalance", &bal, to, "latest")
	want := new(big.Int).Add(node.DevBalance(), big.NewInt(1))
	if got, _ := new(big.Int).SetString(strings.TrimPrefix(bal, "0x"), 16); got.Cmp(want) != 0 {
		t.Fatalf("balance %v, want %v", got, want)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("dev after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("dev did not stop")
	}
}
