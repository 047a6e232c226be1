package kvdb

import (
	"errors"

	"github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/util"
)

// Snapshot is a frozen, read-only view of the store as it was when
// DB.Snapshot was called: batches written afterwards are invisible to it,
// so several reads through one Snapshot are consistent with each other.
// It is safe for concurrent use. Release it when done: until then the
// store keeps the data it pins.
type Snapshot struct {
	s *leveldb.Snapshot
}

// Snapshot returns a consistent read-only view of the current contents.
func (db *DB) Snapshot() (*Snapshot, error) {
	s, err := db.ldb.GetSnapshot()
	if err != nil {
		return nil, err
	}
	return &Snapshot{s: s}, nil
}

// Get returns the value stored under key, or ErrNotFound. The caller may keep
// and modify the returned slice.
func (s *Snapshot) Get(key []byte) ([]byte, error) {
	v, err := s.s.Get(key, nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return nil, ErrNotFound
	}
	return v, err
}

// Has reports whether key is present.
func (s *Snapshot) Has(key []byte) (bool, error) { return s.s.Has(key, nil) }

// Iterate calls fn for every key with the given prefix, in key order, until
// fn returns false or an error. Key and value are only valid during the call.
func (s *Snapshot) Iterate(prefix []byte, fn func(key, value []byte) (bool, error)) error {
	it := s.s.NewIterator(util.BytesPrefix(prefix), nil)
	defer it.Release()
	return iterate(it, fn)
}

// Release frees the snapshot. Further reads fail; releasing twice is safe.
func (s *Snapshot) Release() { s.s.Release() }
