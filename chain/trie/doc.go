// Package trie is Quarry's authenticated state commitment: a binary Merkle
// Patricia trie over 256-bit keys whose root hash commits to a set of
// (key, value) pairs.
//
// # Shape
//
// Bit i of a key is bit 7-(i%8) of byte i/8: bits are read most significant
// first, so sorting keys as bytes sorts them left to right in the tree. The
// tree is path-compressed and therefore canonical:
//
//   - the empty set has no nodes;
//   - a set of one pair is a single leaf;
//   - a larger set is an inner node whose split is the first bit at which
//     its keys differ (every key shares the bits before it, its prefix); the
//     keys with a 0 at the split form the left subtree, the others the right.
//
// So the tree, and with it the root, is a pure function of the set: it does
// not depend on insertion order or history. Its depth is about log2(n).
//
// # Hashing (SHA-256 throughout)
//
//	empty root = SHA-256("")  (zero-length input)
//	           = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
//	leaf       = SHA-256(0x00 || key[32] || SHA-256(value))           65-byte input
//	inner      = SHA-256(0x01 || split[1] || prefix[32] || left[32] || right[32])
//	                                                                   98-byte input
//
// split is the bit index 0..255 as one byte. prefix is a key of the subtree
// with every bit from split on cleared. left and right are the children's
// hashes. The three preimages have different lengths (0, 65 and 98 bytes),
// so a leaf, an inner node and the empty trie can never be confused; each
// preimage is an injective encoding of its node, so two different sets of
// pairs have the same root only if SHA-256 has a collision. Binding the split
// and prefix makes every inner node say exactly which keys it can hold, which
// is what non-membership proofs rest on. Values are never empty: storing an
// empty value means deleting the key.
//
// # Proofs
//
// A Proof is the path a search for a key takes from the root: the leaf it
// ends at (key and value hash) and, for each inner node from the root down,
// its split and the hash of the sibling not taken. It proves membership when
// the leaf is the key's, and non-membership when the leaf is another key that
// agrees with the searched key at every split on the path (so the searched key
// could only have been at that leaf). Against the empty root the empty proof
// proves every key absent. Encoding (MarshalBinary):
//
//	0x00                                       empty trie, nothing follows
//	0x01 || key[32] || valueHash[32] || steps  steps = n x (split[1] || sibling[32])
//
// with n = 0..256 steps, root first, splits strictly increasing, nothing
// trailing.
//
// # Storage
//
// Nodes are stored by position, not by hash, so exactly one version of the
// tree is on disk and an update overwrites or deletes what it makes stale in
// the same batch: there is no garbage to collect. A node's position is the
// path that leads to it: its parent's prefix plus the branch bit (split+1
// bits), or zero bits for the root. Moving a subtree only moves its root node:
// the positions of the nodes below depend only on their own parents.
//
//	storage key  = bits[2, big-endian, 0..256] || path[ceil(bits/8)], unused low bits zero
//	leaf value   = 0x00 || key[32] || value[1..MaxValueSize]
//	inner value  = 0x01 || split[1] || left[32] || right[32] || prefix[ceil(split/8)]
//
// Every node read is checked against the hash its parent committed to, so a
// stale or damaged store is reported (ErrCorrupt) instead of yielding a wrong
// root. Callers that keep several tries, or other data, in one database give
// each trie its own key namespace by wrapping Reader and Writer.
//
// # Pipeline
//
// Open (or New) reads the root node. Update takes a batch of changes, sorts
// them and walks the tree once, loading only the nodes on the changed paths,
// rebuilding and hashing each touched inner node exactly once, writing the
// new nodes to the Writer (typically a database batch), deleting stale ones,
// and returning the new root together with the undo batch: the old values of
// every key it changed. Applying the undo batch returns exactly the previous
// root and the previous set of stored nodes, which is how a block is rolled
// back. RootAfter is the same walk as a dry run: it returns the root Update
// would produce and writes, caches and changes nothing.
//
// Cost is proportional to the keys changed times the depth, never to the
// size of the state, and four things keep the depth from showing:
//
//   - a node cache bounded by a byte budget (Config.CacheBytes, default
//     DefaultCacheBytes = 64 MiB) keeps the levels nearest the root, which
//     every update passes through. Plain inner nodes (no path compression:
//     nearly all of them) are held as compact records, child hashes and a
//     tag of their own hash, in pointer-free memory invisible to the
//     garbage collector: indexed by a map on sparse levels, and in an
//     array indexed by position on the levels they fill (the top
//     log2(n)-3 or so of a state of n keys), where a lookup is one memory
//     access. With Config.NoLeafCache the cache keeps inner nodes only:
//     64 MiB then holds all of those of a state of 500,000 keys, and the
//     top 19 levels (two thirds of them) of a state of a million;
//   - a Change may carry the key's current value (Prev), which a caller with
//     a flat copy of the values (the state) knows: the key's leaf, the
//     deepest node on its path, is then rebuilt and checked against its
//     parent's hash instead of being read;
//   - a large batch is walked on several goroutines: where both sides of
//     an inner node near the root have many changes, the two subtrees are
//     updated at once (down to a few levels: some two subtrees per core),
//     so the reads, hashing and encoding of a block's paths use every core;
//     what each part writes, retires and caches is taken over in key order,
//     so the batch, the undo data and the cache come out exactly as from a
//     walk on one goroutine;
//   - the writes go to the Writer at the end of the walk, by depth and
//     left to right within a depth: in the key order of the storage keys,
//     in which a database batch is inserted into its memtable fastest.
//
// # Errors
//
// Sentinel errors, wrapped with context and matched with errors.Is:
// ErrNotFound (a Reader's answer for an absent key), ErrValueTooLarge and
// ErrDuplicateKey (bad batches), ErrCorrupt (a missing, malformed or
// mismatching stored node), ErrRootMismatch (the store holds another root than
// the one asked for), ErrMalformedProof and ErrProofMismatch (proofs).
package trie
