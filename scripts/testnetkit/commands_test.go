package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// runCmd runs testnetkit with args and returns the exit status and output.
func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	e, out, errOut := fixedEnv(time.Now())
	e.now = time.Now
	code = run(context.Background(), args, e)
	return code, out.String(), errOut.String()
}

func TestRunDispatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"no command", nil, exitUsage, "usage: testnetkit"},
		{"help", []string{"help"}, exitOK, "transfers"},
		{"unknown", []string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"command help", []string{"status", "-h"}, exitOK, "-lag"},
		{"missing nodes", []string{"status"}, exitUsage, "no nodes given"},
		{"empty node name", []string{"status", "=http://x"}, exitUsage, "want URL or NAME=URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCmd(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.err) {
				t.Fatalf("exit %d, stderr %q; want %d containing %q", code, stderr, tt.code, tt.err)
			}
		})
	}
}

func TestCall(t *testing.T) {
	t.Parallel()
	f := newFakeNode(t, blockHashes(1, 3)...)
	tests := []struct {
		name string
		args []string
		code int
		out  string // exact stdout, or part of stderr on failure
	}{
		{"quantity", []string{f.url(), "eth_blockNumber"}, exitOK, "0x2\n"},
		{"field", []string{"-get", "id", f.url(), "admin_nodeInfo"}, exitOK, "12D3KooWfake\n"},
		{"index", []string{"-get", "listenAddrs.0", f.url(), "admin_nodeInfo"}, exitOK, "/ip4/127.0.0.1/tcp/1\n"},
		{"length", []string{"-get", "listenAddrs.#", f.url(), "admin_nodeInfo"}, exitOK, "1\n"},
		{"word params", []string{"-get", "hash", f.url(), "eth_getBlockByNumber", "0x1", "false"}, exitOK, blockHashes(1, 3)[1] + "\n"},
		{"json params", []string{"-get", "number", "-params", `["latest",false]`, f.url(), "eth_getBlockByNumber"}, exitOK, "0x2\n"},
		{"null result", []string{f.url(), "eth_getBlockByNumber", "0x9", "false"}, exitOK, "null\n"},
		{"whole object", []string{f.url(), "eth_getBlockByNumber", "0x0", "false"}, exitOK, `{"hash":"` + blockHashes(1, 3)[0] + `","number":"0x0"}` + "\n"},
		{"rpc error", []string{f.url(), "eth_nope"}, exitFailed, "rpc error -32601: the method eth_nope does not exist"},
		{"no such field", []string{"-get", "nope", f.url(), "admin_nodeInfo"}, exitFailed, `no such field: "nope"`},
		{"bad -params", []string{"-params", "[", f.url(), "eth_blockNumber"}, exitUsage, "-params is not JSON"},
		{"both params", []string{"-params", "[]", f.url(), "eth_blockNumber", "1"}, exitUsage, "exclude each other"},
		{"no method", []string{f.url()}, exitUsage, "want at least 2 arguments"},
		{"unreachable", []string{"http://127.0.0.1:1", "eth_blockNumber"}, exitFailed, "node unreachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCmd(t, append([]string{"call"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, tt.code, stdout, stderr)
			}
			if tt.code == exitOK && stdout != tt.out {
				t.Fatalf("stdout %q, want %q", stdout, tt.out)
			}
			if tt.code != exitOK && !strings.Contains(stderr, tt.out) {
				t.Fatalf("stderr %q, want it to contain %q", stderr, tt.out)
			}
		})
	}
}

// TestClientErrors: the kinds a caller can match.
func TestClientErrors(t *testing.T) {
	t.Parallel()
	f := newFakeNode(t, blockHashes(1, 1)...)
	ctx := context.Background()
	err := newClient(f.url()).Call(ctx, nil, "eth_nope")
	var re *rpcError
	if !errors.As(err, &re) || re.Code != -32601 || errors.Is(err, errUnreachable) {
		t.Fatalf("rpc error: %v", err)
	}
	if err := newClient("127.0.0.1:1").Call(ctx, nil, "eth_blockNumber"); !errors.Is(err, errUnreachable) || errors.As(err, &re) {
		t.Fatalf("closed port: %v", err)
	}
	var n quantity
	if err := newClient(f.url()).Call(ctx, &n, "admin_nodeInfo"); err == nil || errors.Is(err, errUnreachable) {
		t.Fatalf("wrong result type: %v", err)
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	main := blockHashes(1, 11)
	fork := append(append([]string(nil), main[:9]...), blockHashes(2, 11)[9:]...)
	tests := []struct {
		name   string
		chains [][]string // nil: node down
		strict bool
		code   int
		want   []string // parts of stdout
	}{
		{"agree", [][]string{main, main[:10], main}, true, exitOK, []string{"ok: the 3 running nodes share one chain", "  10  "}},
		{"one behind", [][]string{main, main[:7]}, true, exitFailed, []string{"DIVERGED: node 2 is 4 blocks behind node 1 (height 6 vs 10)"}},
		{"same height, other head", [][]string{main, fork}, false, exitOK, []string{"DIVERGED: different heads at height 10: node 1 at 0x01000000…00000a; node 2 at 0x02000000…00000a"}},
		{"fork below the tips", [][]string{main, fork[:10]}, true, exitFailed, []string{"DIVERGED: chains differ at height 9 (the lowest tip): node 1 at 0x01000000…000009; node 2 at 0x02000000…000009"}},
		{"node down", [][]string{main, nil}, false, exitOK, []string{"down", "ok: the 1 running nodes"}},
		{"node down strict", [][]string{main, nil}, true, exitFailed, []string{"down"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := []string{"status"}
			if tt.strict {
				args = append(args, "-strict")
			}
			for i, c := range tt.chains {
				if c == nil {
					args = append(args, "http://127.0.0.1:1")
					continue
				}
				args = append(args, newFakeNode(t, c...).nodeArg(i+1))
			}
			code, stdout, stderr := runCmd(t, args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, stdout, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
		})
	}
}

func TestAgree(t *testing.T) {
	t.Parallel()
	main := blockHashes(1, 6)
	fork := append(append([]string(nil), main[:4]...), blockHashes(2, 6)[4:]...)
	tests := []struct {
		name   string
		chains [][]string
		flags  []string
		code   int
		err    string
	}{
		{"within lag", [][]string{main, main[:4]}, nil, exitOK, "nodes agree: tips within 2 blocks (1@5 2@3)"},
		{"exact", [][]string{main, main}, []string{"-exact", "-stable", "2"}, exitOK, "nodes agree: the same head " + main[5]},
		{"exact but behind", [][]string{main, main[:5]}, []string{"-exact", "-timeout", "600ms"}, exitFailed, "timed out after 600ms: node 2 is 1 blocks behind node 1"},
		{"fork", [][]string{main, fork}, []string{"-lag", "5", "-timeout", "600ms"}, exitFailed, "different heads at height 5"},
		{"down", [][]string{main, nil}, []string{"-timeout", "600ms"}, exitFailed, "node 2 not answering"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"agree"}, tt.flags...)
			for i, c := range tt.chains {
				if c == nil {
					args = append(args, "http://127.0.0.1:1")
					continue
				}
				args = append(args, newFakeNode(t, c...).nodeArg(i+1))
			}
			code, _, stderr := runCmd(t, args...)
			if code != tt.code || !strings.Contains(stderr, tt.err) {
				t.Fatalf("exit %d stderr %q; want %d containing %q", code, stderr, tt.code, tt.err)
			}
		})
	}
}

func TestWait(t *testing.T) {
	t.Parallel()
	t.Run("rising", func(t *testing.T) {
		t.Parallel()
		a, b := newFakeNode(t, blockHashes(1, 3)...), newFakeNode(t, blockHashes(1, 2)...)
		a.set(func(f *fakeNode) { f.peers = 1 })
		b.set(func(f *fakeNode) { f.peers = 1 })
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			more := blockHashes(1, 40)
			for i := 3; i < len(more); i++ {
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
				}
				a.set(func(f *fakeNode) { f.chain = more[:i+1] })
				b.set(func(f *fakeNode) { f.chain = more[:i] })
			}
		}()
		code, _, stderr := runCmd(t, "wait", "-blocks", "3", "-timeout", "5s", a.url(), b.url())
		if code != exitOK || !strings.Contains(stderr, "all 2 nodes up with 1+ peers and advancing") {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	})
	t.Run("too few peers", func(t *testing.T) {
		t.Parallel()
		a, b := newFakeNode(t, blockHashes(1, 3)...), newFakeNode(t, blockHashes(1, 3)...)
		a.set(func(f *fakeNode) { f.peers = 1 })
		code, _, stderr := runCmd(t, "wait", "-blocks", "0", "-timeout", "600ms", a.url(), b.url())
		if code != exitFailed || !strings.Contains(stderr, "timed out after 600ms: node 2 has 0 of 1 peers") {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	})
	t.Run("not advancing", func(t *testing.T) {
		t.Parallel()
		a := newFakeNode(t, blockHashes(1, 3)...)
		code, _, stderr := runCmd(t, "wait", "-timeout", "600ms", a.url())
		if code != exitFailed || !strings.Contains(stderr, "node 1 at height 2, waiting for 4") {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	})
}

// TestTransfersAndReceipts sends a batch through two nodes, checks what each
// node received, then the receipt checks as the transactions get mined.
func TestTransfersAndReceipts(t *testing.T) {
	t.Parallel()
	a, b := newFakeNode(t, blockHashes(1, 3)...), newFakeNode(t, blockHashes(1, 3)...)
	accounts, err := testAccounts()
	if err != nil {
		t.Fatal(err)
	}
	// Account 3 has sent two transactions already: its nonces continue.
	a.set(func(f *fakeNode) { f.nonces[accounts[3].Address] = 2 })

	code, stdout, stderr := runCmd(t, "transfers", "-first", "2", "-count", "12", "-value", "7", a.nodeArg(1), b.nodeArg(2))
	if code != exitOK {
		t.Fatalf("transfers: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 12 {
		t.Fatalf("%d lines out:\n%s", len(lines), stdout)
	}
	signer := types.NewSigner(fakeChainID)
	seen := map[types.Address]bool{}
	for _, node := range []*fakeNode{a, b} {
		for _, tx := range node.sent {
			from, err := signer.Sender(tx)
			if err != nil {
				t.Fatal(err)
			}
			idx := -1
			for i, acct := range accounts {
				if acct.Address == from {
					idx = i
				}
			}
			// Senders 1, 3, 5, 7, 9 go through node 1 (a), the even ones
			// through node 2 (b); account 0 is never used.
			if idx < 1 || (node == a) != (idx%2 == 1) {
				t.Errorf("account %d sent through the wrong node", idx)
			}
			if seen[*tx.To] {
				t.Errorf("recipient %s paid twice", tx.To.Hex())
			}
			seen[*tx.To] = true
			if tx.Value.Cmp(uint256.NewInt(7)) != 0 || tx.Gas != transferGas {
				t.Errorf("value %v gas %d", &tx.Value, tx.Gas)
			}
		}
	}
	// Transfers 2..13: account 3 sends numbers 2 and 11, at nonces 2 and 3.
	if n := a.nonces[accounts[3].Address]; n != 4 {
		t.Errorf("account 3 nonce %d after the batch, want 4", n)
	}
	if !seen[recipient(2)] || !seen[recipient(13)] || seen[recipient(1)] || seen[recipient(14)] {
		t.Error("recipients are not those of transfers 2 to 13")
	}

	hashes := writeTemp(t, stdout)
	nodes := []string{a.url(), b.url()}
	receipts := func(flags ...string) (int, string) {
		code, _, stderr := runCmd(t, append(append([]string{"receipts", "-hashes", hashes, "-timeout", "600ms"}, flags...), nodes...)...)
		return code, stderr
	}
	if code, stderr := receipts(); code != exitFailed || !strings.Contains(stderr, "node 1 lacks 12 of 12 receipts") {
		t.Fatalf("before mining: exit %d: %s", code, stderr)
	}
	// Each node mines only what it was sent: node 1 (a) got the 7 transfers
	// from odd accounts (3 5 7 9 1 3 5), node 2 the other 5, which node 1
	// lacks.
	a.mine(1)
	b.mine(1)
	if code, stderr := receipts(); code != exitFailed || !strings.Contains(stderr, "node 1 lacks 5 of 12") {
		t.Fatalf("half mined: exit %d: %s", code, stderr)
	}
	a.set(func(f *fakeNode) { f.sent = append(f.sent, b.sent...) })
	b.set(func(f *fakeNode) { f.sent = a.sent })
	a.mine(1)
	b.mine(1)
	if code, stderr := receipts(); code != exitOK {
		t.Fatalf("all mined: exit %d: %s", code, stderr)
	}
	b.set(func(f *fakeNode) { f.chain = blockHashes(9, 3) })
	b.mine(1)
	if code, stderr := receipts("-same-block"); code != exitFailed || !strings.Contains(stderr, "is in different blocks") {
		t.Fatalf("different blocks: exit %d: %s", code, stderr)
	}
	b.mine(0)
	if code, stderr := receipts(); code != exitFailed || !strings.Contains(stderr, "failed (status 0)") {
		t.Fatalf("failed receipt: exit %d: %s", code, stderr)
	}
}

func TestReadHashes(t *testing.T) {
	t.Parallel()
	h := types.Hash{1}.Hex()
	tests := []struct {
		name string
		in   string
		want int
		err  bool
	}{
		{"lines with node names", h + " 1\n\n" + strings.ToUpper(h[2:]) + "\n", 0, true},
		{"two", h + " 1\n" + h + " 2\n", 2, false},
		{"blank lines", "\n\n" + h + "\n\n", 1, false},
		{"short", "0x1234\n", 0, true},
		{"empty", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := readHashes(strings.NewReader(tt.in))
			if (err != nil) != tt.err || (err == nil && len(got) != tt.want) {
				t.Fatalf("got %v, %v", got, err)
			}
			if err != nil && !errors.Is(err, errUsage) {
				t.Fatalf("error %v is not a usage error", err)
			}
		})
	}
}

func TestPlanTransfers(t *testing.T) {
	t.Parallel()
	plan := planTransfers(0, 20, 3, testnetAccounts)
	node := map[int]int{}
	for i, tr := range plan {
		if tr.from < 1 || tr.from >= testnetAccounts {
			t.Fatalf("transfer %d from account %d", i, tr.from)
		}
		if n, ok := node[tr.from]; ok && n != tr.node {
			t.Fatalf("account %d sends through nodes %d and %d", tr.from, n, tr.node)
		}
		node[tr.from] = tr.node
		if want := types.TxType(i % 2 * 2); tr.typ != want {
			t.Fatalf("transfer %d type %d, want %d", i, tr.typ, want)
		}
	}
	used := map[int]bool{}
	for _, n := range node {
		used[n] = true
	}
	if len(used) != 3 {
		t.Fatalf("nodes used: %v", used)
	}
}

func writeTemp(t *testing.T, s string) string {
	t.Helper()
	path := t.TempDir() + "/hashes"
	if err := writeFile(path, s); err != nil {
		t.Fatal(err)
	}
	return path
}
