package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/contracts"
)

// sent is the --json output of send, contract send and contract deploy.
type sent struct {
	Hash            string  `json:"hash"`
	Nonce           uint64  `json:"nonce"`
	GasPrice        string  `json:"gasPrice"`
	ContractAddress *string `json:"contractAddress"`
	Receipt         *struct {
		Status            string  `json:"status"`
		GasUsed           string  `json:"gasUsed"`
		EffectiveGasPrice string  `json:"effectiveGasPrice"`
		BlockNumber       string  `json:"blockNumber"`
		ContractAddress   *string `json:"contractAddress"`
	} `json:"receipt"`
}

func hexBig(t *testing.T, s string) *big.Int {
	t.Helper()
	v, ok := new(big.Int).SetString(strings.TrimPrefix(s, "0x"), 16)
	if !ok {
		t.Fatalf("not a hex quantity: %q", s)
	}
	return v
}

func decBig(t *testing.T, s string) *big.Int {
	t.Helper()
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		t.Fatalf("not a decimal: %q", s)
	}
	return v
}

// sourceFile writes an example contract's source to a .qasm file.
func sourceFile(t *testing.T, name string) string {
	t.Helper()
	src, err := contracts.Source(name)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, name+".qasm", src)
}

func (e cliEnv) balance(t *testing.T, addr string) *big.Int {
	t.Helper()
	var b struct {
		Wei string `json:"wei"`
	}
	e.okJSON(t, &b, "balance", addr)
	return decBig(t, b.Wei)
}

// waitMined polls `quarry receipt` until the transaction is mined.
func (e cliEnv) waitMined(t *testing.T, hash string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := e.run(t, "--json", "receipt", hash)
		if r.code == 0 {
			var m map[string]any
			if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
				t.Fatal(err)
			}
			return m
		}
		if r.code != exitNode || !strings.Contains(r.stderr, "not found") {
			t.Fatalf("receipt %s: exit %d: %s", hash, r.code, r.stderr)
		}
		if time.Now().After(deadline) {
			t.Fatalf("transaction %s not mined in 30 s", hash)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestAgainstDevNode runs every command against a real in-process dev
// node, in the order a user would: import the funded key, send, deploy
// the token, call it, read its events, then the node commands.
func TestAgainstDevNode(t *testing.T) {
	url := startDevNode(t)
	e := cliEnv{rpc: url, keystore: t.TempDir(), vars: map[string]string{"QUARRY_PASSWORD": "correct horse"}}
	dev := params.DevAccount().Hex()
	alice := types.Address{0xa1, 0x1c, 0xe}.Hex()
	bob := types.Address{0xb0, 0xb}.Hex()

	t.Run("account import private key", func(t *testing.T) {
		keyFile := writeFile(t, "key", "0x"+devKey+"\n")
		if got := strings.TrimSpace(e.ok(t, "account", "import", "--private-key-file", keyFile)); got != dev {
			t.Fatalf("imported %s, want %s", got, dev)
		}
		var list []struct {
			Address string `json:"address"`
		}
		e.okJSON(t, &list, "account", "list")
		if len(list) != 1 || list[0].Address != dev {
			t.Fatalf("account list = %+v", list)
		}
		e.fail(t, exitWallet, "already exists", "account", "import", "--private-key-file", keyFile)
	})

	t.Run("balance and nonce", func(t *testing.T) {
		want := new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(1e18))
		if got := e.balance(t, dev); got.Cmp(want) != 0 {
			t.Fatalf("dev balance %s, want %s", got, want)
		}
		if got := strings.TrimSpace(e.ok(t, "balance", dev)); got != "1000000 ether" {
			t.Fatalf("balance text %q", got)
		}
		if got := strings.TrimSpace(e.ok(t, "nonce", dev)); got != "0" {
			t.Fatalf("nonce %q", got)
		}
	})

	t.Run("send and wait: balances change exactly", func(t *testing.T) {
		before := e.balance(t, dev)
		r := e.run(t, "--json", "send", "--from", dev, "--to", alice, "--value", "1.5ether", "--gas-price", "2gwei", "--wait")
		if r.code != 0 {
			t.Fatalf("send: exit %d: %s", r.code, r.stderr)
		}
		var s sent
		if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
			t.Fatal(err)
		}
		if s.Receipt == nil || s.Receipt.Status != "0x1" || s.Receipt.GasUsed != "0x5208" {
			t.Fatalf("receipt %+v", s.Receipt)
		}
		if s.GasPrice != "2000000000" || s.Nonce != 0 {
			t.Fatalf("sent %+v", s)
		}
		if !strings.Contains(r.stderr, "confirmations") || !strings.Contains(r.stderr, "waiting for "+s.Hash) {
			t.Fatalf("no progress on stderr: %q", r.stderr)
		}
		value := new(big.Int).Mul(big.NewInt(15), big.NewInt(1e17))
		fee := new(big.Int).Mul(hexBig(t, s.Receipt.GasUsed), hexBig(t, s.Receipt.EffectiveGasPrice))
		want := new(big.Int).Sub(before, new(big.Int).Add(value, fee))
		if got := e.balance(t, dev); got.Cmp(want) != 0 {
			t.Fatalf("sender balance %s, want %s (value + 21000 * 2 gwei less)", got, want)
		}
		if got := e.balance(t, alice); got.Cmp(value) != 0 {
			t.Fatalf("recipient balance %s, want %s", got, value)
		}

		tx := e.ok(t, "--json", "tx", s.Hash)
		var txObj map[string]any
		json.Unmarshal([]byte(tx), &txObj)
		if txObj["hash"] != s.Hash || !strings.EqualFold(txObj["from"].(string), dev) {
			t.Fatalf("tx = %s", tx)
		}
		if text := e.ok(t, "receipt", s.Hash); !strings.Contains(text, "gasUsed") || !strings.Contains(text, "21000") {
			t.Fatalf("receipt text = %s", text)
		}
	})

	t.Run("several sends in a row use the pending nonce", func(t *testing.T) {
		var hashes []string
		for i := 1; i <= 3; i++ {
			out := strings.TrimSpace(e.ok(t, "send", "--from", dev, "--to", bob, "--value", fmt.Sprintf("%dwei", i)))
			if _, err := types.ParseHash(out); err != nil {
				t.Fatalf("send printed %q", out)
			}
			hashes = append(hashes, out)
		}
		for _, h := range hashes {
			if m := e.waitMined(t, h); m["status"] != "0x1" {
				t.Fatalf("receipt %v", m)
			}
		}
		if got := e.balance(t, bob); got.Int64() != 6 {
			t.Fatalf("bob has %s wei, want 6", got)
		}
		if got := strings.TrimSpace(e.ok(t, "nonce", "--pending", dev)); got != "4" {
			t.Fatalf("pending nonce %s, want 4", got)
		}
	})

	t.Run("node errors are shown as the node said them", func(t *testing.T) {
		e.fail(t, exitNode, "nonce too low", "send", "--from", dev, "--to", bob, "--value", "1wei", "--nonce", "0")
		e.fail(t, exitNode, "insufficient funds", "send", "--from", dev, "--to", bob, "--value", "2000000ether")
	})

	t.Run("wallet errors", func(t *testing.T) {
		wrong := cliEnv{rpc: url, keystore: e.keystore, vars: map[string]string{"QUARRY_PASSWORD": "wrong"}}
		wrong.fail(t, exitWallet, "could not decrypt", "send", "--from", dev, "--to", bob, "--value", "1wei")
		e.fail(t, exitWallet, "no key for this address", "send", "--from", bob, "--to", dev, "--value", "1wei")
		nopw := cliEnv{rpc: url, keystore: e.keystore}
		nopw.fail(t, exitWallet, "no password", "send", "--from", dev, "--to", bob, "--value", "1wei")
	})

	t.Run("block", func(t *testing.T) {
		var latest map[string]any
		e.okJSON(t, &latest, "block", "latest")
		num := hexBig(t, latest["number"].(string))
		var byNum, byHash map[string]any
		e.okJSON(t, &byNum, "block", num.String())
		e.okJSON(t, &byHash, "block", latest["hash"].(string))
		if byNum["hash"] != latest["hash"] || byHash["number"] != latest["number"] {
			t.Fatalf("block by number %v / hash %v differ from latest %v", byNum["hash"], byHash["number"], latest["hash"])
		}
		if text := e.ok(t, "block", "1"); !strings.Contains(text, "number") || !strings.Contains(text, "stateRoot") {
			t.Fatalf("block text = %s", text)
		}
		e.fail(t, exitNode, "not found", "block", "99999999")
	})

	t.Run("sign offline and decode", func(t *testing.T) {
		offline := cliEnv{rpc: unreachableURL(t), keystore: e.keystore, vars: e.vars}
		raw := strings.TrimSpace(offline.ok(t, "sign", "--from", dev, "--to", alice, "--value", "1000wei",
			"--chain-id", "1337", "--nonce", "4", "--gas-price", "3gwei"))
		var d struct {
			Hash    string `json:"hash"`
			Sender  string `json:"sender"`
			ChainID uint64 `json:"chainId"`
			Nonce   uint64 `json:"nonce"`
			Value   string `json:"value"`
			Gas     uint64 `json:"gas"`
			Price   string `json:"gasPrice"`
			To      string `json:"to"`
		}
		offline.okJSON(t, &d, "tx", "decode", raw)
		if d.Sender != dev || d.ChainID != 1337 || d.Nonce != 4 || d.Value != "1000" || d.Gas != 21000 || d.Price != "3000000000" || d.To != alice {
			t.Fatalf("decoded %+v", d)
		}
		// The node accepts what was signed offline.
		b, _ := hex.DecodeString(strings.TrimPrefix(raw, "0x"))
		tx, err := types.DecodeTransaction(b)
		if err != nil || tx.Hash().Hex() != d.Hash {
			t.Fatalf("decode: %v", err)
		}
		var h string
		client, _ := (&app{rpcURL: url}).rpc()
		if err := client.Call(t.Context(), &h, "eth_sendRawTransaction", raw); err != nil {
			t.Fatalf("node refused the offline transaction: %v", err)
		}
		e.waitMined(t, h)
	})

	var token string
	t.Run("contract deploy token", func(t *testing.T) {
		var s sent
		e.okJSON(t, &s, "contract", "deploy", "--from", dev, "--args", "uint256:1000", sourceFile(t, "token"))
		if s.Receipt == nil || s.Receipt.Status != "0x1" || s.ContractAddress == nil || s.Receipt.ContractAddress == nil || *s.ContractAddress != *s.Receipt.ContractAddress {
			t.Fatalf("deploy = %+v", s)
		}
		token = *s.ContractAddress
		if want := types.ContractAddress(params.DevAccount(), s.Nonce).Hex(); token != want {
			t.Fatalf("contract at %s, want %s", token, want)
		}
	})
	if token == "" {
		t.Fatal("no token deployed")
	}

	t.Run("contract call and send", func(t *testing.T) {
		if got := strings.TrimSpace(e.ok(t, "contract", "call", "--returns", "uint256", token, "balanceOf(address)", dev)); got != "1000" {
			t.Fatalf("balanceOf(dev) = %q", got)
		}
		if got := strings.TrimSpace(e.ok(t, "contract", "call", token, "symbol()(string)")); got != "QRY" {
			t.Fatalf("symbol() = %q", got)
		}
		var s sent
		e.okJSON(t, &s, "contract", "send", "--from", dev, "--wait", token, "transfer(address,uint256)", alice, "10")
		if s.Receipt == nil || s.Receipt.Status != "0x1" {
			t.Fatalf("transfer = %+v", s)
		}
		var res struct {
			Result []string `json:"result"`
		}
		e.okJSON(t, &res, "contract", "call", token, "balanceOf(address)(uint256)", alice)
		if len(res.Result) != 1 || res.Result[0] != "10" {
			t.Fatalf("balanceOf(alice) = %+v", res)
		}
		if got := strings.TrimSpace(e.ok(t, "contract", "call", token, "balanceOf(address)(uint256)", dev)); got != "990" {
			t.Fatalf("balanceOf(dev) after transfer = %q", got)
		}
	})

	t.Run("logs show the Transfer events", func(t *testing.T) {
		var logs []struct {
			Address string   `json:"address"`
			Topics  []string `json:"topics"`
			Data    string   `json:"data"`
		}
		e.okJSON(t, &logs, "logs", "--address", token, "--topic", "Transfer(address,address,uint256)")
		if len(logs) != 2 {
			t.Fatalf("got %d Transfer logs, want 2 (mint and transfer): %+v", len(logs), logs)
		}
		transferTopic := "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
		l := logs[1]
		if l.Topics[0] != transferTopic || !strings.EqualFold(l.Topics[2], "0x000000000000000000000000"+strings.ToLower(alice[2:])) || hexBig(t, l.Data).Int64() != 10 {
			t.Fatalf("transfer log = %+v", l)
		}
		// Filter on the indexed recipient: only the transfer to alice.
		e.okJSON(t, &logs, "logs", "--address", token, "--topic", transferTopic, "--topic", "", "--topic", alice)
		if len(logs) != 1 {
			t.Fatalf("logs to alice: %d, want 1", len(logs))
		}
		if text := e.ok(t, "logs", "--address", token); !strings.Contains(text, "topic0  "+transferTopic) {
			t.Fatalf("logs text = %s", text)
		}
	})

	t.Run("reverts show the reason", func(t *testing.T) {
		r := e.fail(t, exitTxFailed, "insufficient balance", "contract", "call", "--from", alice, token, "transfer(address,uint256)", dev, "1000000")
		if !strings.Contains(r.stderr, "execution reverted") {
			t.Fatalf("stderr %q", r.stderr)
		}
		e.fail(t, exitTxFailed, "insufficient balance", "contract", "send", "--from", dev, token, "transfer(address,uint256)", alice, "1000000")
		// With --gas no estimate stops it: it is mined and fails.
		r = e.fail(t, exitTxFailed, "failed (status 0)", "contract", "send", "--from", dev, "--gas", "100000", "--wait", token, "transfer(address,uint256)", alice, "1000000")
		if !strings.Contains(r.stdout, "status    failed") {
			t.Fatalf("stdout %q", r.stdout)
		}
	})

	t.Run("sign online fills nonce and chain id", func(t *testing.T) {
		pending := strings.TrimSpace(e.ok(t, "nonce", "--pending", dev))
		raw := strings.TrimSpace(e.ok(t, "sign", "--from", dev, "--to", alice, "--value", "1wei"))
		var d struct {
			ChainID uint64 `json:"chainId"`
			Nonce   uint64 `json:"nonce"`
		}
		e.okJSON(t, &d, "tx", "decode", raw)
		if d.ChainID != params.DevChainID || fmt.Sprint(d.Nonce) != pending {
			t.Fatalf("signed online: %+v, pending nonce %s", d, pending)
		}
	})

	t.Run("contract asm and disasm", func(t *testing.T) {
		want, err := contracts.CreationCode("counter")
		if err != nil {
			t.Fatal(err)
		}
		code := strings.TrimSpace(e.ok(t, "contract", "asm", sourceFile(t, "counter")))
		if code != "0x"+hex.EncodeToString(want) {
			t.Fatalf("asm = %s", code)
		}
		if dis := e.ok(t, "contract", "disasm", code); !strings.Contains(dis, "PUSH") || !strings.Contains(dis, "RETURN") {
			t.Fatalf("disasm = %s", dis)
		}
		var s sent
		e.okJSON(t, &s, "contract", "deploy", "--from", dev, code)
		if s.Receipt == nil || s.Receipt.Status != "0x1" {
			t.Fatalf("deploy counter from hex: %+v", s)
		}
	})

	t.Run("chain tips and peers", func(t *testing.T) {
		var tips []struct {
			Status string `json:"status"`
			Height string `json:"height"`
		}
		e.okJSON(t, &tips, "chain", "tips")
		if len(tips) == 0 || tips[0].Status != "active" {
			t.Fatalf("chain tips = %+v", tips)
		}
		if text := e.ok(t, "chain", "tips"); !strings.Contains(text, "active") {
			t.Fatalf("chain tips text = %s", text)
		}
		var peers []any
		e.okJSON(t, &peers, "peers")
		if len(peers) != 0 {
			t.Fatalf("peers = %v, want none", peers)
		}
	})

	t.Run("mine", func(t *testing.T) {
		e.ok(t, "mine", "threads", "2")
		e.ok(t, "mine", "stop")
		e.ok(t, "mine", "start", "--threads", "1")
		e.fail(t, exitNode, "too many threads", "mine", "threads", "100000")
	})

	t.Run("account new, export, import, mnemonic", func(t *testing.T) {
		other := cliEnv{rpc: url, keystore: t.TempDir(), vars: e.vars}
		addr := strings.TrimSpace(other.ok(t, "account", "new"))
		keyJSON := other.ok(t, "account", "export", addr)
		third := cliEnv{rpc: url, keystore: t.TempDir(), vars: e.vars}
		if got := strings.TrimSpace(third.ok(t, "account", "import", writeFile(t, "key.json", keyJSON))); got != addr {
			t.Fatalf("import of exported file = %s, want %s", got, addr)
		}
		wrong := cliEnv{keystore: t.TempDir(), vars: map[string]string{"QUARRY_PASSWORD": "wrong"}}
		wrong.fail(t, exitWallet, "could not decrypt", "account", "import", writeFile(t, "key.json", keyJSON))

		var m struct {
			Mnemonic string `json:"mnemonic"`
			Address  string `json:"address"`
			Path     string `json:"path"`
		}
		other.okJSON(t, &m, "account", "mnemonic", "--import", "--index", "2")
		if len(strings.Fields(m.Mnemonic)) != 12 || m.Path != "m/44'/60'/0'/0/2" {
			t.Fatalf("mnemonic = %+v", m)
		}
		restored := cliEnv{keystore: t.TempDir(), vars: e.vars}
		got := strings.TrimSpace(restored.ok(t, "account", "import", "--mnemonic-file", writeFile(t, "words", m.Mnemonic+"\n"), "--index", "2"))
		if got != m.Address {
			t.Fatalf("restored %s, want %s", got, m.Address)
		}
		// The well-known test mnemonic gives the dev account.
		anvil := cliEnv{keystore: t.TempDir(), vars: e.vars}
		got = strings.TrimSpace(anvil.ok(t, "account", "import", "--mnemonic-file",
			writeFile(t, "words", "test test test test test test test test test test test junk")))
		if got != dev {
			t.Fatalf("test mnemonic account 0 = %s, want %s", got, dev)
		}
	})
}
