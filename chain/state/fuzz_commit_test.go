package state

import (
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/types"
)

// applyOps interprets b as state operations on eight addresses: transfers
// (including ones that drain an account), nonce bumps, storage writes
// (zero deletes), code and snapshot reverts. It returns the remaining input
// at the first block separator (0xff), so one input drives several blocks.
func applyOps(s *StateDB, b []byte) []byte {
	s.BeginTx()
	snap := -1
	for len(b) >= 3 {
		op, x, y := b[0], b[1], b[2]
		b = b[3:]
		from, to := testAddr(uint64(x%8)), testAddr(uint64(y%8))
		switch op % 8 {
		case 0, 1: // transfer y * 1e15, or everything
			amt := uint256.NewInt(uint64(y) * 1e15)
			if op%8 == 1 {
				*amt = s.Balance(from)
			}
			_ = s.Transfer(from, to, amt) // insufficient balance: no change
		case 2:
			s.SetNonce(from, s.Nonce(from)+1)
		case 3:
			s.SetStorage(from, types.Hash{31: y % 4}, types.Hash{31: y})
		case 4:
			s.SetStorage(from, types.Hash{31: y % 4}, types.Hash{})
		case 5:
			s.SetCode(from, []byte{y})
		case 6:
			snap = s.Snapshot()
		case 7:
			if snap >= 0 {
				s.RevertToSnapshot(snap)
				snap = -1
			}
		}
		if op == 0xff {
			return b
		}
	}
	return nil
}

// FuzzCommitUndo checks that connecting random blocks and disconnecting
// them in reverse order with their undo data restores, after each step,
// exactly the root and the flat state that the store held before.
func FuzzCommitUndo(f *testing.F) {
	f.Add([]byte{0, 0, 1, 3, 1, 5, 0xff, 1, 1, 2, 4, 1, 5})
	f.Add([]byte{1, 0, 9, 1, 9, 0, 5, 3, 3, 6, 0, 0, 3, 2, 2, 7, 0, 0, 0xff, 2, 2, 2})
	f.Add([]byte{5, 4, 7, 3, 4, 200, 0xff, 4, 4, 200, 5, 4, 0, 1, 4, 6})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 3*200 {
			return
		}
		d, kv := withGenesis(t, genesisAlloc(5))
		type step struct {
			root  types.Hash
			store string
			undo  []byte
		}
		var steps []step
		for rest := ops; len(rest) > 0; {
			before := step{root: root(t, d), store: dumpNoCode(t, kv)}
			s := mustStateDB(t, d)
			rest = applyOps(s, rest)
			var b kvdb.Batch
			p, err := s.Commit(&b)
			if err != nil {
				t.Fatal(err)
			}
			write(t, kv, &b, p)
			if p.Undo.PrevRoot != before.root || root(t, d) != p.Root {
				t.Fatalf("roots: undo prev %s want %s; db %s want %s", p.Undo.PrevRoot, before.root, root(t, d), p.Root)
			}
			before.undo, _ = p.Undo.MarshalBinary()
			steps = append(steps, before)
		}
		for i := len(steps) - 1; i >= 0; i-- {
			u, err := DecodeUndo(steps[i].undo)
			if err != nil {
				t.Fatal(err)
			}
			var b kvdb.Batch
			p, err := d.ApplyUndo(&b, u)
			if err != nil {
				t.Fatal(err)
			}
			write(t, kv, &b, p)
			if got := root(t, d); got != steps[i].root {
				t.Fatalf("undo of block %d: root %s, want %s", i, got, steps[i].root)
			}
			if got := dumpNoCode(t, kv); got != steps[i].store {
				t.Fatalf("undo of block %d: store differs:\n%s\nwant\n%s", i, got, steps[i].store)
			}
		}
		// Reopening from the store alone gives the same root.
		d2, err := New(Config{DB: kv})
		if err != nil {
			t.Fatal(err)
		}
		if root(t, d2) != root(t, d) {
			t.Fatal("reopened root differs")
		}
	})
}
