package kvdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestOpenTwiceFailsWithErrInUse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrInUse) {
		t.Fatalf("second Open: err = %v, want ErrInUse", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// The lock goes with Close.
	db, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("reopen after close: %v", err)
	}
	db.Close()
}

func TestBatchIsAtomicAndDurable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b Batch
	b.Put([]byte("a1"), []byte("x"))
	b.Put([]byte("a2"), []byte("y"))
	b.Put([]byte("b1"), []byte("z"))
	b.Delete([]byte("a2"))
	if b.Len() != 4 {
		t.Fatalf("batch Len = %d, want 4", b.Len())
	}
	// Nothing is visible before Write.
	if _, err := db.Get([]byte("a1")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get before Write: %v, want ErrNotFound", err)
	}
	if err := db.Write(&b); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, err := db.Get([]byte("a1")); err != nil || string(v) != "x" {
		t.Fatalf("Get a1 = %q, %v", v, err)
	}
	if _, err := db.Get([]byte("a2")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted key: %v, want ErrNotFound", err)
	}
	var keys [][]byte
	err = db.Iterate([]byte("a"), func(k, v []byte) (bool, error) {
		keys = append(keys, bytes.Clone(k))
		return true, nil
	})
	if err != nil || len(keys) != 1 || string(keys[0]) != "a1" {
		t.Fatalf("Iterate(a) = %q, %v; want [a1]", keys, err)
	}
}

func TestSchemaVersionMismatch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	var b Batch
	var v [4]byte
	binary.BigEndian.PutUint32(v[:], SchemaVersion+1)
	b.Put(schemaKey, v[:])
	if err := db.Write(&b); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrSchemaVersion) {
		t.Fatalf("Open of a newer schema: %v, want ErrSchemaVersion", err)
	}
}

func TestErrorsAreDistinct(t *testing.T) {
	t.Parallel()
	all := []error{ErrNotFound, ErrInUse, ErrSchemaVersion, ErrCorrupt}
	for i, a := range all {
		for j, b := range all {
			if got := errors.Is(a, b); got != (i == j) {
				t.Errorf("errors.Is(%v, %v) = %v", a, b, got)
			}
		}
	}
}

// TestLargeBatchAndCompact writes one batch far beyond goleveldb's growth
// threshold from a zero Batch, compacts, and checks that every record
// survives and that the store is settled afterwards.
func TestLargeBatchAndCompact(t *testing.T) {
	t.Parallel()
	db, err := Open(t.TempDir(), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const n = 20_000
	var b Batch
	for i := range n {
		k := binary.BigEndian.AppendUint32([]byte("k"), uint32(i*2654435761))
		b.Put(k, binary.BigEndian.AppendUint32(nil, uint32(i)))
	}
	if b.Len() != n {
		t.Fatalf("batch holds %d records, want %d", b.Len(), n)
	}
	if err := db.Write(&b); err != nil {
		t.Fatal(err)
	}
	if err := db.Compact(); err != nil {
		t.Fatal(err)
	}
	if ok, err := db.settled(); err != nil || !ok {
		t.Fatalf("after Compact: settled %v, err %v", ok, err)
	}
	for i := range n {
		k := binary.BigEndian.AppendUint32([]byte("k"), uint32(i*2654435761))
		v, err := db.Get(k)
		if err != nil || !bytes.Equal(v, binary.BigEndian.AppendUint32(nil, uint32(i))) {
			t.Fatalf("record %d: %x, %v", i, v, err)
		}
	}
}

// TestOpenAfterUnfinishedCreation reopens directories as a process killed
// during the first Open leaves them: only a manifest (and maybe a pending
// CURRENT) opens as a new, empty store; a directory that also holds a
// journal but no CURRENT is still reported corrupt, not wiped.
func TestOpenAfterUnfinishedCreation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		files   []string
		corrupt bool
	}{
		{"manifest only", []string{"MANIFEST-000000"}, false},
		{"manifest and pending CURRENT", []string{"MANIFEST-000001", "CURRENT.1"}, false},
		{"manifest and journal", []string{"MANIFEST-000001", "000002.log"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, f), []byte("partial"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			db, err := Open(dir, Options{NoSync: true})
			if tc.corrupt {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("Open: %v, want ErrCorrupt", err)
				}
				if _, err := os.Stat(filepath.Join(dir, tc.files[1])); err != nil {
					t.Fatalf("journal of a corrupt store: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer db.Close()
			if _, err := db.Get([]byte("k")); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Get on the new store: %v", err)
			}
			var b Batch
			b.Put([]byte("k"), []byte("v"))
			if err := db.Write(&b); err != nil {
				t.Fatal(err)
			}
		})
	}
}
