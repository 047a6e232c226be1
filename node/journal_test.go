package node

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
)

// TestRPCTransactionsSurviveCrash sends transactions to a node's RPC, then
// copies its data directory while it runs: what a SIGKILL at that moment
// would leave on disk (the node neither mines nor syncs, so the database
// is idle). A node started on the copy has every transaction it had
// accepted, including one it first knew from elsewhere and was sent again,
// and journals what it accepts after the crash.
func TestRPCTransactionsSurviveCrash(t *testing.T) {
	g := params.DevGenesis(uint64(time.Now().UnixMilli()))
	start := func(dir string) *Node {
		t.Helper()
		cfg := Config{DataDir: dir, Genesis: g, NoSync: true, NoP2P: true}
		cfg.RPC.Addr = "127.0.0.1:0"
		n, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		return n
	}
	dir := t.TempDir()
	n := start(dir)
	defer n.Stop()
	to := types.Address{0x0c, 0x4a}
	var sent []*types.Transaction
	for nonce := range uint64(3) {
		tx := transfer(t, g, devKey(), nonce, to, 1000)
		sendRawTx(t, n, tx)
		sent = append(sent, tx)
	}
	// In the pool as a remote transaction, then sent to the RPC, which
	// answers "already known": the node now answers for it too.
	other := transfer(t, g, devKey(), 3, to, 1000)
	if err := n.Pool().Add(other, false); err != nil {
		t.Fatal(err)
	}
	if e := call(t, n, "eth_sendRawTransaction", nil, "0x"+hex.EncodeToString(other.Encode())); e == nil || e.Message != "already known" {
		t.Fatalf("resend: %+v, want already known", e)
	}
	sent = append(sent, other)

	crashed := t.TempDir()
	if err := os.CopyFS(crashed, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	// The copy took the database's lock file along: a killed process
	// holds no lock.
	os.Remove(filepath.Join(crashed, chainDir, "LOCK"))

	r := start(crashed)
	for i, tx := range sent {
		if !r.Pool().Has(tx.Hash()) {
			t.Fatalf("transaction %d (%s) lost in the crash", i, tx.Hash())
		}
	}
	after := transfer(t, g, devKey(), 4, to, 1000)
	sendRawTx(t, r, after)
	if err := r.Stop(); err != nil {
		t.Fatal(err)
	}
	// A clean stop keeps them all too.
	r = start(crashed)
	defer r.Stop()
	for i, tx := range append(sent, after) {
		if !r.Pool().Has(tx.Hash()) {
			t.Fatalf("after a clean restart: transaction %d (%s) missing", i, tx.Hash())
		}
	}
}
