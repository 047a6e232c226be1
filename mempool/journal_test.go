package mempool

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

// TestJournalRoundTrip saves the local transactions, mines one of them,
// and loads the journal into a fresh pool on the same chain: the mined
// one is dropped, the others return as local.
func TestJournalRoundTrip(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 2, nil)
	l0, l1 := e.tx(0, txSpec{nonce: 0}), e.tx(0, txSpec{nonce: 1})
	l2 := e.tx(1, txSpec{nonce: 4}) // queued
	remote := e.tx(1, txSpec{nonce: 0})
	for _, tx := range []*types.Transaction{l0, l1, l2} {
		if err := e.pool.Add(tx, true); err != nil {
			t.Fatal(err)
		}
	}
	e.mustAdd(remote)
	path := filepath.Join(t.TempDir(), "txpool.journal")
	if n, err := e.pool.SaveLocalsFile(path); err != nil || n != 3 {
		t.Fatalf("SaveLocalsFile: %d, %v", n, err)
	}
	e.accept(e.block(e.genesisBlock(), "b1", l0))

	fresh, err := New(Config{Chain: e.bc})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	added, dropped, err := fresh.LoadLocalsFile(path)
	if err != nil || added != 2 || dropped != 1 {
		t.Fatalf("LoadLocalsFile: added %d dropped %d, %v", added, dropped, err)
	}
	if !fresh.Has(l1.Hash()) || !fresh.Has(l2.Hash()) || fresh.Has(l0.Hash()) || fresh.Has(remote.Hash()) {
		t.Fatal("wrong transactions loaded")
	}
	if p, q := fresh.Status(); p != 1 || q != 1 {
		t.Fatalf("status %d/%d, want 1/1", p, q)
	}
	var again bytes.Buffer
	if n, err := fresh.SaveLocals(&again); err != nil || n != 2 {
		t.Fatalf("loaded transactions are not local: %d, %v", n, err)
	}
	// A missing journal is an empty one.
	if a, d, err := fresh.LoadLocalsFile(filepath.Join(t.TempDir(), "none")); a != 0 || d != 0 || err != nil {
		t.Fatalf("missing journal: %d %d %v", a, d, err)
	}
}

func TestDecodeJournalErrors(t *testing.T) {
	t.Parallel()
	valid := append([]byte(journalMagic), journalVersion)
	tests := []struct {
		name string
		data []byte
		n    int
		err  error
	}{
		{"empty", nil, 0, ErrBadJournal},
		{"bad magic", []byte("QTXK\x01"), 0, ErrBadJournal},
		{"bad version", []byte("QTXJ\x02"), 0, ErrBadJournal},
		{"header only", valid, 0, nil},
		{"cut length", append(bytes.Clone(valid), 0, 0), 0, nil},
		{"cut record", append(bytes.Clone(valid), 0, 0, 0, 9, 1), 0, nil},
		{"zero length", append(bytes.Clone(valid), 0, 0, 0, 0), 0, ErrBadJournal},
		{"huge length", append(bytes.Clone(valid), 0xff, 0, 0, 0), 0, ErrBadJournal},
		{"garbage record", append(bytes.Clone(valid), 0, 0, 0, 1, 0x05), 0, ErrBadJournal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			txs, err := DecodeJournal(bytes.NewReader(tt.data))
			if !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) || len(txs) != tt.n {
				t.Fatalf("got %d txs, %v; want %d, %v", len(txs), err, tt.n, tt.err)
			}
		})
	}
}
