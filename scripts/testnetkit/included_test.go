package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// txHash makes a distinct lower-case transaction hash.
func txHash(i byte) string {
	var h types.Hash
	h[0], h[31] = 0x7a, i
	return h.Hex()
}

func TestIncluded(t *testing.T) {
	t.Parallel()
	chain := blockHashes(1, 4)
	sender := types.Address{0x5e}.Hex()
	tx1, tx2, tx3 := txHash(1), txHash(2), txHash(3)
	// tx1 at height 1, tx2 at height 3; tx3 nowhere.
	good := func(f *fakeNode) {
		f.blockTxs = map[int][]string{1: {tx1}, 3: {tx2}}
		f.nonces[types.Address{0x5e}] = 8
		f.balances = map[string]string{strings.ToLower(sender): "0x3e8"}
	}
	present := writeTemp(t, fmt.Sprintf("%s %s 6 http://x\n%s %s 7\n", tx1, sender, tx2, sender))
	absent := writeTemp(t, tx3+"\n")
	tests := []struct {
		name  string
		tweak func(f *fakeNode)
		flags []string
		err   string // "" for success; else part of stderr
	}{
		{"all good", nil, []string{"-nonces", "-empty-pool", "-balance", sender + "=1000"}, ""},
		{"balance with a unit", func(f *fakeNode) { f.balances[strings.ToLower(sender)] = "0x1bc16d674ec80000" }, []string{"-balance", sender + "=2ether"}, ""},
		{"missing", func(f *fakeNode) { f.blockTxs[3] = nil }, nil, "transaction " + tx2 + " is not in the chain"},
		{"twice", func(f *fakeNode) { f.blockTxs[2] = []string{tx1} }, nil, "transaction " + tx1 + " is in 2 blocks of the chain (heights 2, 1)"},
		{"failed", func(f *fakeNode) { f.failed = map[string]bool{tx2: true} }, nil, "transaction " + tx2 + " failed (status 0) at height 3"},
		{"index elsewhere", func(f *fakeNode) { f.index = map[string]string{tx1: chain[2]} }, nil, "the index finds block"},
		{"absent in a block", func(f *fakeNode) { f.blockTxs[2] = []string{tx3} }, []string{"-absent", absent}, "which must be gone, is in the chain at height 2"},
		{"absent in the pool", func(f *fakeNode) { f.pooled = map[string]string{tx3: sender} }, []string{"-absent", absent}, "which must be gone, is in the pool (pending, sender"},
		{"absent has a receipt", func(f *fakeNode) { f.receipts[tx3] = map[string]any{"status": "0x0"} }, []string{"-absent", absent}, "which must be gone, has a receipt"},
		{"nonce gap", func(f *fakeNode) { f.nonces[types.Address{0x5e}] = 7 }, []string{"-nonces"}, "is at nonce 7, want 8"},
		{"pool not empty", func(f *fakeNode) { f.pooled = map[string]string{txHash(9): sender} }, []string{"-empty-pool"}, "the pool holds 1 transactions, want none"},
		{"balance", func(f *fakeNode) { f.balances[strings.ToLower(sender)] = "0x3e7" }, []string{"-balance", sender + "=1000"}, "is 999 wei, want 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ok := newFakeNode(t, chain...)
			ok.set(good)
			f := newFakeNode(t, chain...)
			f.set(good)
			if tt.tweak != nil {
				f.set(tt.tweak)
				if tt.err == "" {
					ok.set(tt.tweak)
				}
			}
			args := append([]string{"included", "-hashes", present, "-timeout", "400ms"}, tt.flags...)
			code, _, stderr := runCmd(t, append(args, ok.nodeArg(1), f.nodeArg(2))...)
			if tt.err == "" {
				if code != exitOK || !strings.Contains(stderr, "on all 2 nodes: 2 transactions included exactly once") {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				return
			}
			if code != exitFailed || !strings.Contains(stderr, "node 2: ") || !strings.Contains(stderr, tt.err) || strings.Contains(stderr, "node 1: ") {
				t.Fatalf("exit %d, stderr %q; want node 2 (only) failing with %q", code, stderr, tt.err)
			}
		})
	}
}

func TestIncludedUsage(t *testing.T) {
	t.Parallel()
	f := newFakeNode(t, blockHashes(1, 2)...)
	h := txHash(1)
	tests := []struct {
		name string
		args []string
		err  string
	}{
		{"nothing to check", nil, "nothing to check"},
		{"-nonces without senders", []string{"-hashes", writeTemp(t, h+"\n"), "-nonces"}, "-nonces needs SENDER and NONCE"},
		{"listed twice", []string{"-hashes", writeTemp(t, h+"\n"+h+"\n")}, "listed twice"},
		{"bad sender", []string{"-hashes", writeTemp(t, h+" 0x12 3\n")}, "sender"},
		{"bad nonce", []string{"-hashes", writeTemp(t, h+" "+types.Address{1}.Hex()+" x\n")}, "nonce"},
		{"bad balance", []string{"-balance", "0x12=5"}, "invalid value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCmd(t, append(append([]string{"included"}, tt.args...), f.url())...)
			if code != exitUsage || !strings.Contains(stderr, tt.err) {
				t.Fatalf("exit %d, stderr %q; want %d containing %q", code, stderr, exitUsage, tt.err)
			}
		})
	}
}

func TestSend(t *testing.T) {
	t.Parallel()
	f := newFakeNode(t, blockHashes(1, 2)...)
	accounts, err := testAccounts()
	if err != nil {
		t.Fatal(err)
	}
	to := types.Address{0xbb}
	f.set(func(f *fakeNode) { f.nonces[accounts[4].Address] = 3 })
	// The pending nonce by default.
	code, stdout, stderr := runCmd(t, "send", "-from", "4", "-to", to.Hex(), "-value", "6000ether", f.url())
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if len(f.sent) != 1 {
		t.Fatalf("%d sent", len(f.sent))
	}
	tx := f.sent[0]
	want, _ := uint256.FromDecimal("6000000000000000000000")
	if tx.Nonce != 3 || *tx.To != to || !tx.Value.Eq(want) {
		t.Fatalf("sent nonce %d to %s value %s", tx.Nonce, tx.To.Hex(), tx.Value.Dec())
	}
	if got := fmt.Sprintf("%s %s 3\n", tx.Hash().Hex(), accounts[4].Address.Hex()); stdout != got {
		t.Fatalf("stdout %q, want %q", stdout, got)
	}
	// An explicit nonce the node has used already: its refusal is the error.
	code, _, stderr = runCmd(t, "send", "-from", "4", "-nonce", "3", "-to", to.Hex(), f.url())
	if code != exitFailed || !strings.Contains(stderr, "nonce too low") {
		t.Fatalf("reused nonce: exit %d: %s", code, stderr)
	}
	for _, args := range [][]string{
		{"-from", "10", "-to", to.Hex()},
		{"-to", "0x12"},
		{"-to", to.Hex(), "-value", "lots"},
	} {
		if code, _, stderr := runCmd(t, append(append([]string{"send"}, args...), f.url())...); code != exitUsage {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
}

func TestAgreeStateRoot(t *testing.T) {
	t.Parallel()
	chain := blockHashes(1, 3)
	a, b := newFakeNode(t, chain...), newFakeNode(t, chain...)
	root := types.Hash{0x57}.Hex()
	a.set(func(f *fakeNode) { f.stateRoot = root })
	b.set(func(f *fakeNode) { f.stateRoot = root })
	code, _, stderr := runCmd(t, "agree", "-exact", "-state-root", a.nodeArg(1), b.nodeArg(2))
	if code != exitOK || !strings.Contains(stderr, "and state root "+root) {
		t.Fatalf("same root: exit %d: %s", code, stderr)
	}
	b.set(func(f *fakeNode) { f.stateRoot = types.Hash{0x58}.Hex() })
	code, _, stderr = runCmd(t, "agree", "-exact", "-state-root", "-timeout", "400ms", a.nodeArg(1), b.nodeArg(2))
	if code != exitFailed || !strings.Contains(stderr, "state roots differ at the same head: node 1 at") {
		t.Fatalf("other root: exit %d: %s", code, stderr)
	}
}

func TestParseTxList(t *testing.T) {
	t.Parallel()
	h := txHash(1)
	in := "\n0x" + strings.ToUpper(h[2:]) + " " + types.Address{0xab}.Hex() + " 12 http://127.0.0.1:1\n" + txHash(2) + "\n"
	got, err := parseTxList(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].hash != h || got[0].sender != (types.Address{0xab}).Hex() || got[0].nonce != 12 || got[1].sender != "" {
		t.Fatalf("got %+v", got)
	}
}
