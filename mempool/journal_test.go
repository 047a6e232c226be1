package mempool

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

// openJournal opens the journal at path into p, failing the test on error.
func openJournal(t *testing.T, p *Pool, path string, slack int) (*Journal, JournalLoad) {
	t.Helper()
	j, load, err := p.OpenJournal(JournalConfig{Path: path, NoSync: true, Slack: slack})
	if err != nil {
		t.Fatalf("OpenJournal: %v", err)
	}
	return j, load
}

// reloadJournal loads the journal at path into a fresh pool on e's chain,
// as a restarted node does, and returns the pool and what it loaded; both
// close with the test.
func reloadJournal(t *testing.T, e *env, path string) (*Pool, JournalLoad) {
	t.Helper()
	fresh, err := New(Config{Chain: e.bc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fresh.Close() })
	j, load := openJournal(t, fresh, path, 0)
	t.Cleanup(func() { j.Close() })
	return fresh, load
}

// crash drops j as a killed process would: the file keeps what was
// written, and nothing is rewritten.
func crash(t *testing.T, j *Journal) {
	t.Helper()
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.f.Close(); err != nil {
		t.Fatal(err)
	}
	j.f, j.closed = nil, true
}

// fileTxs decodes the journal file at path.
func fileTxs(t *testing.T, path string) []*types.Transaction {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	txs, err := DecodeJournal(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("journal file: %v", err)
	}
	return txs
}

// TestJournalRoundTrip closes a journal cleanly, mines one of its
// transactions, and opens it into a fresh pool on the same chain: the
// mined one is dropped, the others return as local, and the file is
// rewritten with them.
func TestJournalRoundTrip(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 2, nil)
	path := filepath.Join(t.TempDir(), "txpool.journal")
	j, load := openJournal(t, e.pool, path, 0)
	if load != (JournalLoad{}) {
		t.Fatalf("missing file loaded as %+v, want nothing", load)
	}
	l0, l1 := e.tx(0, txSpec{nonce: 0}), e.tx(0, txSpec{nonce: 1})
	l2 := e.tx(1, txSpec{nonce: 4}) // queued
	remote := e.tx(1, txSpec{nonce: 0})
	// Locals added without Append (an in-process caller) are written by
	// the rewrite at Close all the same.
	for _, tx := range []*types.Transaction{l0, l1, l2} {
		if err := e.pool.Add(tx, true); err != nil {
			t.Fatal(err)
		}
	}
	e.mustAdd(remote)
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if got := len(fileTxs(t, path)); got != 3 || j.Len() != 3 {
		t.Fatalf("clean close wrote %d records (Len %d), want the 3 locals", got, j.Len())
	}
	if err := j.Append(l0); !errors.Is(err, ErrJournalClosed) {
		t.Fatalf("Append after Close: %v, want ErrJournalClosed", err)
	}
	e.accept(e.block(e.genesisBlock(), "b1", l0))

	fresh, load := reloadJournal(t, e, path)
	if want := (JournalLoad{Records: 3, Added: 2, Dropped: 1}); load != want {
		t.Fatalf("load %+v, want %+v", load, want)
	}
	if !fresh.Has(l1.Hash()) || !fresh.Has(l2.Hash()) || fresh.Has(l0.Hash()) || fresh.Has(remote.Hash()) {
		t.Fatal("wrong transactions loaded")
	}
	if p, q := fresh.Status(); p != 1 || q != 1 {
		t.Fatalf("status %d/%d, want 1/1", p, q)
	}
	if got := fileTxs(t, path); len(got) != 2 || got[0].Hash() != l1.Hash() && got[1].Hash() != l1.Hash() {
		t.Fatalf("rewritten at open: %d records, want l1 and l2", len(got))
	}
	var again bytes.Buffer
	if n, err := fresh.SaveLocals(&again); err != nil || n != 2 {
		t.Fatalf("loaded transactions are not local: %d, %v", n, err)
	}
}

// TestJournalSurvivesCrash appends what the node's RPC accepted, drops
// the journal without a clean close, and reopens the file into a fresh
// pool: every appended transaction is back, a torn record at the end is
// cut off, and appends after it are read on the next open.
func TestJournalSurvivesCrash(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 2, nil)
	path := filepath.Join(t.TempDir(), "txpool.journal")
	j, _ := openJournal(t, e.pool, path, 0)
	var sent []*types.Transaction
	for nonce := range uint64(5) {
		tx := e.tx(0, txSpec{nonce: nonce})
		if err := e.pool.Add(tx, true); err != nil {
			t.Fatal(err)
		}
		if err := j.Append(tx); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, tx)
	}
	// Known from gossip, then sent to this node's RPC: journaled too.
	gossiped := e.tx(1, txSpec{nonce: 0})
	e.mustAdd(gossiped)
	for range 2 { // the second append is a no-op
		if err := j.Append(gossiped); err != nil {
			t.Fatal(err)
		}
	}
	sent = append(sent, gossiped)
	if j.Len() != len(sent) {
		t.Fatalf("Len %d, want %d", j.Len(), len(sent))
	}
	crash(t, j)

	// A kill in the middle of the next append's write.
	rec := appendJournalRecord(nil, e.tx(1, txSpec{nonce: 1}).Encode())
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(rec[:len(rec)/2]); err != nil {
		t.Fatal(err)
	}
	f.Close()

	reopen := func() (*Pool, *Journal, JournalLoad) {
		p, err := New(Config{Chain: e.bc})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		j, load := openJournal(t, p, path, 0)
		return p, j, load
	}
	p2, j2, load := reopen()
	if want := (JournalLoad{Records: len(sent), Added: len(sent), TornBytes: int64(len(rec) / 2)}); load != want {
		t.Fatalf("after the crash: load %+v, want %+v", load, want)
	}
	for i, tx := range sent {
		if !p2.Has(tx.Hash()) {
			t.Fatalf("transaction %d not reloaded", i)
		}
	}
	// Appends after the torn record must be readable.
	late := e.tx(1, txSpec{nonce: 1})
	if err := p2.Add(late, true); err != nil {
		t.Fatal(err)
	}
	if err := j2.Append(late); err != nil {
		t.Fatal(err)
	}
	crash(t, j2)
	p3, j3, load := reopen()
	defer j3.Close()
	if load.Records != len(sent)+1 || load.TornBytes != 0 || !p3.Has(late.Hash()) {
		t.Fatalf("append after a torn tail: load %+v, has it %v", load, p3.Has(late.Hash()))
	}
}

// TestJournalRewriteBound lets the file grow past twice the live records
// plus the slack: the append that crosses the bound rewrites it with only
// what the pool still holds.
func TestJournalRewriteBound(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 1, nil)
	path := filepath.Join(t.TempDir(), "txpool.journal")
	const slack = 3
	j, _ := openJournal(t, e.pool, path, slack)
	defer j.Close()
	var txs []*types.Transaction
	add := func(nonce uint64) {
		t.Helper()
		tx := e.tx(0, txSpec{nonce: nonce})
		if err := e.pool.Add(tx, true); err != nil {
			t.Fatal(err)
		}
		if err := j.Append(tx); err != nil {
			t.Fatal(err)
		}
		txs = append(txs, tx)
	}
	for nonce := range uint64(slack) {
		add(nonce)
	}
	// All three mined: the pool drops them, the file still has them.
	e.accept(e.block(e.genesisBlock(), "b1", txs...))
	if j.Len() != slack || len(fileTxs(t, path)) != slack {
		t.Fatalf("before the bound: Len %d, file %d records, want %d", j.Len(), len(fileTxs(t, path)), slack)
	}
	add(slack) // 4 records > 2*0 + 3: rewritten to the one pooled
	if j.Len() != 1 || len(fileTxs(t, path)) != 1 || fileTxs(t, path)[0].Hash() != txs[slack].Hash() {
		t.Fatalf("after the bound: Len %d, file %d records, want just nonce %d", j.Len(), len(fileTxs(t, path)), slack)
	}
	// The next bound is 2*1 + 3: four more appends stay below it.
	for nonce := uint64(slack + 1); nonce < slack+5; nonce++ {
		add(nonce)
	}
	if j.Len() != 5 {
		t.Fatalf("Len %d, want 5 (no rewrite below the new bound)", j.Len())
	}
	if err := j.Compact(); err != nil || j.Len() != 5 {
		t.Fatalf("Compact with everything pooled: Len %d, %v; want 5", j.Len(), err)
	}
}

func TestDecodeJournal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 1, nil)
	tx0, tx1 := e.tx(0, txSpec{nonce: 0}).Encode(), e.tx(0, txSpec{nonce: 1}).Encode()
	v2 := []byte(journalMagic + "\x02")
	v1 := []byte(journalMagic + "\x01")
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	rec0, rec1 := appendJournalRecord(nil, tx0), appendJournalRecord(nil, tx1)
	v1rec := binary.BigEndian.AppendUint32(nil, uint32(len(tx0)))
	v1rec = append(v1rec, tx0...)
	badSum := bytes.Clone(rec1)
	badSum[len(badSum)-1] ^= 1
	flipped := bytes.Clone(rec0)
	flipped[10] ^= 1
	garbage := appendJournalRecord(nil, []byte{0x05})
	zeros := make([]byte, 5000)
	tests := []struct {
		name  string
		data  []byte
		n     int   // transactions read
		torn  int64 // bytes discarded at the end
		err   error
		error string // part of the message
	}{
		{name: "empty", data: nil, err: ErrBadJournal},
		{name: "bad magic", data: []byte("QTXK\x02"), err: ErrBadJournal},
		{name: "unknown version", data: []byte("QTXJ\x03"), err: ErrBadJournal},
		{name: "header only", data: v2},
		{name: "two records", data: cat(v2, rec0, rec1), n: 2},
		{name: "cut length", data: cat(v2, rec0, rec1[:2]), n: 1, torn: 2},
		{name: "cut payload", data: cat(v2, rec0, rec1[:9]), n: 1, torn: 9},
		{name: "cut checksum", data: cat(v2, rec0, rec1[:len(rec1)-1]), n: 1, torn: int64(len(rec1) - 1)},
		{name: "bad checksum at the end", data: cat(v2, rec0, badSum), n: 1, torn: int64(len(badSum))},
		{name: "bad checksum then zeros", data: cat(v2, rec0, badSum, zeros), n: 1, torn: int64(len(badSum) + len(zeros))},
		{name: "zeros after the records", data: cat(v2, rec0, zeros), n: 1, torn: int64(len(zeros))},
		{name: "bad checksum then a record", data: cat(v2, badSum, rec0), err: ErrBadJournal, error: "checksum"},
		{name: "flipped byte mid-file", data: cat(v2, flipped, rec1), err: ErrBadJournal, error: "record 0: checksum"},
		{name: "zero length then data", data: cat(v2, rec0, []byte{0, 0, 0, 0, 1}), err: ErrBadJournal, error: "record 1: length 0"},
		{name: "huge length", data: cat(v2, []byte{0xff, 0, 0, 0}), err: ErrBadJournal, error: "length"},
		{name: "not a transaction", data: cat(v2, garbage), err: ErrBadJournal, error: "record 0"},
		{name: "v1 record", data: cat(v1, v1rec), n: 1},
		{name: "v1 cut record", data: cat(v1, v1rec, v1rec[:7]), n: 1, torn: 7},
		{name: "v1 garbage record", data: cat(v1, []byte{0, 0, 0, 1, 0x05}), err: ErrBadJournal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := decodeJournal(bytes.NewReader(tt.data))
			if !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if err != nil {
				if !bytes.Contains([]byte(err.Error()), []byte(tt.error)) {
					t.Fatalf("error %q does not say %q", err, tt.error)
				}
				return
			}
			if len(c.txs) != tt.n || c.torn != tt.torn || c.valid+c.torn != int64(len(tt.data)) {
				t.Fatalf("read %d txs, valid %d, torn %d of %d bytes; want %d txs, torn %d", len(c.txs), c.valid, c.torn, len(tt.data), tt.n, tt.torn)
			}
		})
	}
}

// TestOpenJournalCorrupt: a corrupt file is ErrBadJournal and left as it
// was, for the node to move aside.
func TestOpenJournalCorrupt(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 1, nil)
	path := filepath.Join(t.TempDir(), "txpool.journal")
	data := []byte("not a journal at all")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.pool.OpenJournal(JournalConfig{Path: path}); !errors.Is(err, ErrBadJournal) {
		t.Fatalf("OpenJournal: %v, want ErrBadJournal", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
		t.Fatal("the corrupt file was changed")
	}
}

// TestJournalLoadsInNonceOrder: a sender's transactions appended out of
// nonce order (later nonces queued first) load in nonce order, so a pool
// with a small queue takes them all.
func TestJournalLoadsInNonceOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 1, nil)
	path := filepath.Join(t.TempDir(), "txpool.journal")
	j, _ := openJournal(t, e.pool, path, 0)
	for _, nonce := range []uint64{2, 1, 0} {
		tx := e.tx(0, txSpec{nonce: nonce})
		if err := e.pool.Add(tx, true); err != nil {
			t.Fatal(err)
		}
		if err := j.Append(tx); err != nil {
			t.Fatal(err)
		}
	}
	crash(t, j)
	small, err := New(Config{Chain: e.bc, MaxQueuedPerSender: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	j2, load := openJournal(t, small, path, 0)
	defer j2.Close()
	if load.Added != 3 || load.Dropped != 0 {
		t.Fatalf("load %+v, want all 3 added", load)
	}
	if p, q := small.Status(); p != 3 || q != 0 {
		t.Fatalf("status %d/%d, want 3 pending", p, q)
	}
}
