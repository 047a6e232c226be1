package kvdb

import (
	"bytes"
	"encoding/binary"
	"errors"
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
