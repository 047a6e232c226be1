package mempool

import (
	"bytes"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

// TestReorgKeepsLocal mines local and remote transactions, then
// reorganises twice, and checks after each step which transactions are
// pooled, which the pool counts as local (SaveLocals) and what the
// journal file holds without a rewrite (what a crash would leave).
//
//	genesis ── a1 (L R K RK)
//	      ├─── b1 (K RK) ── b2            reorg 1: L and R return, K and RK stay mined
//	      └─── c1 ── c2 ── c3             reorg 2: K and RK return too
//
// Lq (local, queued behind a nonce gap) is never mined: the control.
func TestReorgKeepsLocal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 4, nil)
	path := filepath.Join(t.TempDir(), "txpool.journal")
	j, _ := openJournal(t, e.pool, path, 0)

	txs := []struct {
		name  string
		tx    *types.Transaction
		local bool
	}{
		{"L", e.tx(0, txSpec{nonce: 0}), true},
		{"Lq", e.tx(0, txSpec{nonce: 2}), true},
		{"R", e.tx(1, txSpec{nonce: 0}), false},
		{"K", e.tx(2, txSpec{nonce: 0}), true},
		{"RK", e.tx(3, txSpec{nonce: 0}), false},
	}
	names := make(map[types.Hash]string)
	tx := make(map[string]*types.Transaction)
	for _, c := range txs {
		names[c.tx.Hash()], tx[c.name] = c.name, c.tx
		if err := e.pool.Add(c.tx, c.local); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.local { // as the node's RPC does
			if err := j.Append(c.tx); err != nil {
				t.Fatal(err)
			}
		}
	}
	nameAll := func(txs []*types.Transaction) string {
		var out []string
		for _, tx := range txs {
			out = append(out, names[tx.Hash()])
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}

	g := e.genesisBlock()
	a1 := e.block(g, "a1", tx["L"], tx["R"], tx["K"], tx["RK"])
	b1 := e.block(g, "b1", tx["K"], tx["RK"])
	b2 := e.block(b1, "b2")
	c1 := e.block(g, "c1")
	c2 := e.block(c1, "c2")
	c3 := e.block(c2, "c3")

	for _, st := range []struct {
		name    string
		blocks  []*types.Block
		compact bool // rewrite the journal after the blocks
		// Names, sorted: pooled, local (SaveLocals), in the journal file.
		pooled, locals, journal string
	}{
		{"a1 mines L R K RK", []*types.Block{a1}, true, "Lq", "Lq", "Lq"},
		{"reorg to b2 returns L R", []*types.Block{b1, b2}, false, "L Lq R", "L Lq", "L Lq"},
		{"reorg to c3 returns K RK", []*types.Block{c1, c2, c3}, false, "K L Lq R RK", "K L Lq", "K L Lq"},
	} {
		e.accept(st.blocks...)
		if tip := st.blocks[len(st.blocks)-1]; e.bc.Best().Hash != tip.Hash() {
			t.Fatalf("%s: tip is not block %d", st.name, tip.Header.Height)
		}
		if st.compact {
			if err := j.Compact(); err != nil {
				t.Fatal(err)
			}
		}
		var pooled []*types.Transaction
		for _, c := range txs {
			if e.pool.Has(c.tx.Hash()) {
				pooled = append(pooled, c.tx)
			}
		}
		var buf bytes.Buffer
		if _, err := e.pool.SaveLocals(&buf); err != nil {
			t.Fatal(err)
		}
		locals, err := DecodeJournal(&buf)
		if err != nil {
			t.Fatal(err)
		}
		for _, got := range []struct{ what, got, want string }{
			{"pooled", nameAll(pooled), st.pooled},
			{"local", nameAll(locals), st.locals},
			{"journaled", nameAll(fileTxs(t, path)), st.journal},
		} {
			if got.got != got.want {
				t.Errorf("%s: %s %q, want %q", st.name, got.what, got.got, got.want)
			}
		}
		checkInvariants(t, e.pool)
	}

	// A crash now: a fresh pool loads every local from the file.
	crash(t, j)
	_, load := reloadJournal(t, e, path)
	if want := (JournalLoad{Records: 3, Added: 3}); load != want {
		t.Fatalf("after a crash: load %+v, want %+v", load, want)
	}
}

// TestPruneMinedLocals checks that the remembered local transactions are
// bounded and that the newest (highest block) are the ones kept.
func TestPruneMinedLocals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		heights    []uint64
		keep       int
		wantLen    int
		wantLowest uint64 // lowest height left
	}{
		{"under the bound", []uint64{1, 2, 3}, 4, 3, 1},
		{"at the bound", []uint64{1, 2, 3, 4}, 4, 4, 1},
		{"over: down to three quarters", []uint64{5, 1, 4, 2, 3}, 4, 3, 3},
		{"ties at the cut", []uint64{7, 7, 7, 7, 7, 7, 7, 7, 7}, 8, 6, 7},
		{"many", seqHeights(100), 40, 30, 70},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := make(map[types.Hash]uint64)
			for i, h := range tc.heights {
				m[types.Hash{byte(i), byte(i >> 8), 1}] = h
			}
			pruneMinedLocals(m, tc.keep)
			if len(m) != tc.wantLen {
				t.Fatalf("%d left, want %d", len(m), tc.wantLen)
			}
			if lowest := slices.Min(slices.Collect(maps.Values(m))); lowest != tc.wantLowest {
				t.Fatalf("lowest height left %d, want %d", lowest, tc.wantLowest)
			}
		})
	}
}

// seqHeights returns the heights 0 to n-1.
func seqHeights(n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = uint64(i)
	}
	return out
}
