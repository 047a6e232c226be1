package chain

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/types"
)

// Environment of the importing child process of TestCrashDuringImport.
const (
	crashChildEnv  = "QUARRY_CRASH_CHILD_DIR"
	crashBlocksEnv = "QUARRY_CRASH_BLOCKS"
)

// TestCrashDuringImport kills (SIGKILL) a child process that is importing
// blocks, including a 10-block reorg, at random moments, many times. After
// every kill the data directory must reopen at a block the importer had
// committed, with the state of exactly that block; in the end the chain
// reaches the final tip.
func TestCrashDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	t.Parallel()
	h := newHarness(t)
	bob := h.addrs[1]
	var order []string
	// a1..a30 with transfers, then b21..b35 forking at a20: a 10-block reorg.
	parent := "genesis"
	for i := 1; i <= 30; i++ {
		name := fmt.Sprintf("a%d", i)
		h.block(name, parent, withTxs(h.transfer(0, bob, uint64(i), uint64(i-1))))
		order = append(order, name)
		parent = name
	}
	parent = "a20"
	for i := 21; i <= 35; i++ {
		name := fmt.Sprintf("b%d", i)
		h.block(name, parent, withTxs(h.transfer(2, bob, uint64(i), uint64(i-21))), withCoinbase(h.addrs[3]))
		order = append(order, name)
		parent = name
	}
	blocksFile := filepath.Join(t.TempDir(), "blocks")
	writeBlocks(t, blocksFile, h, order)

	// One undisturbed import tells how long a whole run takes (process
	// start included), so the kills can land anywhere in it.
	dir := filepath.Join(t.TempDir(), "full")
	began := time.Now()
	if out, err := crashChild(dir, blocksFile).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	full := time.Since(began)
	h.expectTipIn(dir, "b35")

	rng := rand.New(rand.NewPCG(7, 7))
	kills, fresh := 0, 0
	dir = filepath.Join(t.TempDir(), "crash0")
	for attempt := 0; attempt < 80 && kills < 20; attempt++ {
		cmd := crashChild(dir, blocksFile)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("importer failed: %v", err)
			}
			// This directory finished its import: check it, start another.
			h.expectTipIn(dir, "b35")
			fresh++
			dir = filepath.Join(t.TempDir(), fmt.Sprint("crash", fresh))
			continue
		case <-time.After(time.Duration(rng.Int64N(int64(full)))):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			kills++
		}
		checkReopened(t, h, dir)
	}
	if kills < 10 {
		t.Fatalf("only %d kills landed in %v runs", kills, full)
	}
	// The last killed directory completes when the importer runs again.
	if out, err := crashChild(dir, blocksFile).CombinedOutput(); err != nil {
		t.Fatalf("final import: %v\n%s", err, out)
	}
	h.expectTipIn(dir, "b35")
	t.Logf("%d kills, full import %v", kills, full)
}

// expectTipIn opens a data directory and requires the named block as its
// tip, with the block's state.
func (h *harness) expectTipIn(dir, name string) {
	h.t.Helper()
	db, err := kvdb.Open(dir, kvdb.Options{})
	if err != nil {
		h.t.Fatal(err)
	}
	defer db.Close()
	saved, savedBC := h.db, h.bc
	h.db = db
	h.open()
	h.expectTip(name)
	h.db, h.bc = saved, savedBC
}

func crashChild(dir, blocks string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir, crashBlocksEnv+"="+blocks)
	return cmd
}

// checkReopened opens the data directory left by a killed importer: it
// must open (New verifies that the state root matches the head), and the
// head must be one of our blocks with exactly that block's balances.
func checkReopened(t *testing.T, h *harness, dir string) {
	t.Helper()
	db, err := kvdb.Open(dir, kvdb.Options{})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer db.Close()
	bc, err := New(Config{DB: db, Genesis: h.genesis, Now: func() time.Time { return h.now }})
	if err != nil {
		t.Fatalf("chain after kill: %v", err)
	}
	name := h.nameOf(bc.Best().Hash)
	gb, ok := h.blocks[name]
	if !ok {
		t.Fatalf("head %s after kill is not one of ours", bc.Best().Hash)
	}
	saved := h.bc
	h.bc = bc
	h.checkBalances(gb.after)
	h.bc = saved
}

// TestCrashChild is the importer that TestCrashDuringImport runs and kills;
// on its own it does nothing.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("only runs as TestCrashDuringImport's child")
	}
	h := newHarness(t)
	blocks := readBlocks(t, os.Getenv(crashBlocksEnv))
	db, err := kvdb.Open(dir, kvdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	bc, err := New(Config{DB: db, Genesis: h.genesis, Now: func() time.Time { return h.now }})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks {
		if _, err := bc.ProcessBlock(b); err != nil && !errors.Is(err, ErrDuplicateBlock) {
			t.Fatalf("import %s: %v", b.Hash(), err)
		}
	}
}

func writeBlocks(t *testing.T, path string, h *harness, names []string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, name := range names {
		enc := h.blocks[name].block.Encode()
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(enc)))
		f.Write(n[:])
		f.Write(enc)
	}
}

func readBlocks(t *testing.T, path string) []*types.Block {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks []*types.Block
	for {
		var n [4]byte
		if _, err := io.ReadFull(f, n[:]); err == io.EOF {
			return blocks
		} else if err != nil {
			t.Fatal(err)
		}
		enc := make([]byte, binary.BigEndian.Uint32(n[:]))
		if _, err := io.ReadFull(f, enc); err != nil {
			t.Fatal(err)
		}
		b, err := types.DecodeBlock(enc)
		if err != nil {
			t.Fatal(err)
		}
		blocks = append(blocks, b)
	}
}
