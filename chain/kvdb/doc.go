// Package kvdb is the node's key-value store: a thin layer over goleveldb
// that adds what the chain relies on and goleveldb leaves to its callers.
//
//   - Open takes the data directory's lock, so a second process (or a second
//     Open in this one) fails at once with ErrInUse instead of corrupting it.
//
//   - A schema version key is written on creation and checked on every open
//     (ErrSchemaVersion on a mismatch).
//
//   - Writes happen only through Batch, applied atomically by Write: the
//     chain puts everything one block changes into one batch, so a crash at
//     any instant leaves either all of a block or none of it.
//
//   - Compact settles the compaction a bulk load leaves behind (a large
//     genesis is one batch), so that it does not compete with block
//     processing later. Seek-triggered compaction is off: with bloom
//     filters it saves few reads, and on hashed keys it rewrites whole
//     levels.
//
// OpenMemory gives the same store in memory for tests.
package kvdb
