package trie

import "sync"

// Reader reads stored nodes. Get returns an error wrapping ErrNotFound for an
// absent key; the trie does not retain or modify the returned slice. A
// goleveldb-backed Reader translates leveldb.ErrNotFound. Get must be safe
// for concurrent use: an update reads the paths of a large batch on several
// goroutines.
type Reader interface {
	Get(key []byte) ([]byte, error)
}

// Writer receives an update's node writes and deletions, typically into a
// database batch committed with the rest of a block. It must copy any key or
// value it keeps (leveldb.Batch does): the trie reuses its buffers. Writer may
// be the store the trie reads from: an update never reads back a position it
// has written.
type Writer interface {
	Put(key, value []byte) error
	Delete(key []byte) error
}

// MemoryStore is an in-memory Reader and Writer for tests and tools. It is
// safe for concurrent use.
type MemoryStore struct {
	mu sync.RWMutex
	m  map[string][]byte
}

var (
	_ Reader = (*MemoryStore)(nil)
	_ Writer = (*MemoryStore)(nil)
)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{m: make(map[string][]byte)} }

// Get returns the value stored under key, or ErrNotFound. The caller must not
// modify the returned slice.
func (s *MemoryStore) Get(key []byte) ([]byte, error) {
	s.mu.RLock()
	v, ok := s.m[string(key)]
	s.mu.RUnlock()
	if !ok {
		return nil, ErrNotFound
	}
	return v, nil
}

// Put stores a copy of value under key.
func (s *MemoryStore) Put(key, value []byte) error {
	v := append([]byte(nil), value...)
	s.mu.Lock()
	s.m[string(key)] = v
	s.mu.Unlock()
	return nil
}

// Delete removes key; deleting an absent key is not an error.
func (s *MemoryStore) Delete(key []byte) error {
	s.mu.Lock()
	delete(s.m, string(key))
	s.mu.Unlock()
	return nil
}

// Len returns the number of stored keys.
func (s *MemoryStore) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.m)
}
