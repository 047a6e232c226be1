package p2p

import (
	"context"
	"strings"
	"sync"

	ds "github.com/ipfs/go-datastore"
	dsq "github.com/ipfs/go-datastore/query"
	"github.com/libp2p/go-libp2p-kad-dht/records"
	"github.com/multiformats/go-base32"
	mh "github.com/multiformats/go-multihash"
)

// maxDHTRecords bounds the provider records the DHT keeps for other peers:
// one per peer that advertises the network's rendezvous key, so this many
// peers can be found through us.
const maxDHTRecords = 4096

// dhtStore is the DHT's datastore. Quarry uses the DHT for one thing, the
// provider records of the network's rendezvous key, so the store keeps
// those and drops the rest; and it keeps at most max of them. Without it,
// any peer could grow our memory without bound with ADD_PROVIDER messages
// for keys of its choosing (the DHT's default store is an unbounded map).
//
// Dropping is silent (Put returns nil): the provider manager writes in
// batches and keeps a failed batch to retry, so an error for one unwanted
// record would hold back the wanted ones written with it.
type dhtStore struct {
	prefix string // datastore key prefix of the rendezvous key's records
	max    int

	mu sync.Mutex
	m  map[ds.Key][]byte
}

var _ ds.Batching = (*dhtStore)(nil)

// newDHTStore returns a store for the provider records of namespace ns (as
// routing discovery advertises it: the CID of its SHA-256).
func newDHTStore(ns string, max int) (*dhtStore, error) {
	sum, err := mh.Sum([]byte(ns), mh.SHA2_256, -1)
	if err != nil {
		return nil, err
	}
	// The provider manager's key layout: the prefix, the key's multihash
	// in base32, then the provider's peer id.
	prefix := records.ProvidersKeyPrefix + base32.RawStdEncoding.EncodeToString(sum) + "/"
	return &dhtStore{prefix: prefix, max: max, m: make(map[ds.Key][]byte)}, nil
}

// Put implements ds.Write: it stores the rendezvous key's records while
// there is room and drops anything else.
func (s *dhtStore) Put(_ context.Context, key ds.Key, value []byte) error {
	if !strings.HasPrefix(key.String(), s.prefix) {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[key]; !ok && len(s.m) >= s.max {
		return nil
	}
	s.m[key] = append([]byte(nil), value...)
	return nil
}

// Delete implements ds.Write.
func (s *dhtStore) Delete(_ context.Context, key ds.Key) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, key)
	return nil
}

// Get implements ds.Read.
func (s *dhtStore) Get(_ context.Context, key ds.Key) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	if !ok {
		return nil, ds.ErrNotFound
	}
	return v, nil
}

// Has implements ds.Read.
func (s *dhtStore) Has(_ context.Context, key ds.Key) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.m[key]
	return ok, nil
}

// GetSize implements ds.Read.
func (s *dhtStore) GetSize(_ context.Context, key ds.Key) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	if !ok {
		return -1, ds.ErrNotFound
	}
	return len(v), nil
}

// Query implements ds.Read over a snapshot of the store.
func (s *dhtStore) Query(_ context.Context, q dsq.Query) (dsq.Results, error) {
	s.mu.Lock()
	entries := make([]dsq.Entry, 0, len(s.m))
	for k, v := range s.m {
		e := dsq.Entry{Key: k.String(), Size: len(v)}
		if !q.KeysOnly {
			e.Value = v
		}
		entries = append(entries, e)
	}
	s.mu.Unlock()
	return dsq.NaiveQueryApply(q, dsq.ResultsWithEntries(q, entries)), nil
}

// len returns how many records the store holds.
func (s *dhtStore) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

// Sync implements ds.Datastore; the store is memory only.
func (s *dhtStore) Sync(context.Context, ds.Key) error { return nil }

// Batch implements ds.Batching.
func (s *dhtStore) Batch(context.Context) (ds.Batch, error) { return ds.NewBasicBatch(s), nil }

// Close implements ds.Datastore.
func (s *dhtStore) Close() error { return nil }
