package trie

import (
	"errors"
	"fmt"

	"github.com/quarry-chain/quarry/chain/types"
)

// Config configures a Trie.
type Config struct {
	// Reader reads the stored nodes. Required.
	Reader Reader
	// CacheBytes bounds the memory of the node cache, which keeps the
	// nodes nearest the root once read or written (approximate accounting:
	// about 100 bytes per plain inner node, 200 plus the value for a leaf).
	// 0 means DefaultCacheBytes; a negative value disables the cache.
	CacheBytes int64
	// NoLeafCache keeps leaves out of the node cache, which then holds
	// only inner nodes: for a caller that gives every Change its Prev
	// hint (the state does), an update needs a leaf only where a new key
	// joins it, so cached leaves would cost more than twice the memory of
	// the inner nodes, and a put per changed key, for little use. Get and
	// Prove then read leaves from the store.
	NoLeafCache bool
	// Counters, if set, count where updates found their nodes (see
	// Counters).
	Counters *Counters
}

// Trie is the current version of a stored trie. Get and Prove may be called
// concurrently with each other but not with Update.
type Trie struct {
	r     Reader
	root  types.Hash
	cache *nodeCache
	count *Counters // nil: not counted
	forks int       // levels an update's walk may fork: 0 automatic (forkLevels), < 0 none (tests)
}

// Key is a 256-bit trie key; the chain derives keys by hashing.
type Key = [32]byte

// New opens the trie that cfg.Reader holds, whatever its root.
func New(cfg Config) (*Trie, error) {
	if cfg.Reader == nil {
		return nil, errors.New("trie: Config.Reader is nil")
	}
	t := &Trie{r: cfg.Reader, cache: newNodeCache(cfg.CacheBytes), count: cfg.Counters}
	t.cache.leaves = !cfg.NoLeafCache
	b, err := t.r.Get(position{}.storageKey())
	switch {
	case errors.Is(err, ErrNotFound):
		t.root = EmptyRoot
		return t, nil
	case err != nil:
		return nil, fmt.Errorf("trie: read root node: %w", err)
	}
	n, err := decodeNode(b)
	if err != nil {
		return nil, fmt.Errorf("root node: %w", err)
	}
	t.root = n.hash
	t.cache.put(position{}, n)
	return t, nil
}

// Open opens the trie that cfg.Reader holds and checks that its root is root,
// failing with ErrRootMismatch otherwise.
func Open(cfg Config, root types.Hash) (*Trie, error) {
	t, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if t.root != root {
		return nil, fmt.Errorf("%w: store has %s, want %s", ErrRootMismatch, t.root, root)
	}
	return t, nil
}

// Root returns the root hash of the current version.
func (t *Trie) Root() types.Hash { return t.root }

// Get returns a copy of the value stored under key, or nil if key is absent.
func (t *Trie) Get(key Key) ([]byte, error) {
	if t.root == EmptyRoot {
		return nil, nil
	}
	pos, want := position{}, t.root
	for {
		n, err := t.read(pos, want)
		if err != nil {
			return nil, err
		}
		if n.leaf {
			if n.path != key {
				return nil, nil
			}
			return append([]byte(nil), n.value...), nil
		}
		if commonPrefixLen(&key, &n.path) < uint(n.split) {
			return nil, nil // key leaves this subtree's prefix before its split
		}
		b := bit(&key, uint(n.split))
		pos, want = childPos(&n.path, n.split, b), n.child[b]
	}
}

// read returns the node at pos, which its parent says hashes to want, from
// the cache or the store. It does not change the cache.
func (t *Trie) read(pos position, want types.Hash) (*node, error) {
	if n, ok := t.cache.get(pos, want); !ok {
		return nil, fmt.Errorf("%w: cached node at %s does not hash to %s, which its parent wants", ErrCorrupt, pos, want)
	} else if n != nil {
		return n, nil
	}
	return t.readStored(pos, want)
}

// readStored reads the node at pos, which its parent says hashes to want,
// from the store.
func (t *Trie) readStored(pos position, want types.Hash) (*node, error) {
	b, err := t.r.Get(pos.storageKey())
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("%w: node %s at %s is missing", ErrCorrupt, want, pos)
	}
	if err != nil {
		return nil, fmt.Errorf("trie: read node at %s: %w", pos, err)
	}
	n, err := decodeNode(b)
	if err != nil {
		return nil, fmt.Errorf("node at %s: %w", pos, err)
	}
	if n.hash != want {
		return nil, fmt.Errorf("%w: node at %s hashes to %s, parent wants %s", ErrCorrupt, pos, n.hash, want)
	}
	if !pos.holds(&n.path) || (!n.leaf && uint(n.split) < uint(pos.bits)) {
		// Unreachable when the hash matches a well-formed parent; checked so
		// that a damaged root can never make a descent loop.
		return nil, fmt.Errorf("%w: node at %s does not belong there", ErrCorrupt, pos)
	}
	return n, nil
}

// String formats p as bits/hex for error messages.
func (p position) String() string {
	return fmt.Sprintf("%d:%x", p.bits, p.path[:(int(p.bits)+7)/8])
}

// CacheStats returns how many nodes the node cache holds and the memory it
// accounts for them, in bytes.
func (t *Trie) CacheStats() (nodes int, bytes int64) { return t.cache.len(), t.cache.used }
