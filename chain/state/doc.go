// Package state holds Quarry's world state: every account's nonce, balance
// and code, every contract's storage, and the state root that commits to
// all of it.
//
// # Pipeline
//
//	Database.StateDB          open an execution view on the committed state
//	  StateDB reads/writes    cached reads (one store Get each), journaled writes
//	StateDB.IntermediateRoot  the root Commit would give, as a dry run (block
//	                          templates): nothing written, the trie cache untouched
//	StateDB.Commit(batch)     flat records + trie nodes into the block's batch,
//	                          returning the new root and the block's Undo
//	kvdb.DB.Write(batch)      by the caller, with the rest of the block
//	Pending.Written()         only now does the Database keep the new trie
//	Database.ApplyUndo        roll one block back (a reorganisation)
//	Database.Reader           consistent read-only view for RPC
//
// If the batch is never written (the block fails validation, the write
// fails), the caller simply does not call Written: the Database drops the
// trie it lent out and reopens it from the store on next use, so nothing in
// memory can describe state that was never stored.
//
// # Commitment
//
// One global binary Merkle trie (package trie) holds accounts and storage
// slots under domain-separated 32-byte keys:
//
//	account key  = Keccak-256(0x00 || address[20])             value = Account encoding
//	slot key     = Keccak-256(0x01 || address[20] || slot[32]) value = word, no leading zeros
//
// The preimages differ in their first byte (and length), so no slot key can
// equal an account key. The state root is the trie root. Code is not in the
// trie; the account commits to it through CodeHash (Keccak-256 of the code,
// EmptyCodeHash for none). Storage values are 32-byte words: zero means
// absent, and a slot set to zero is deleted from the trie and the flat store.
// An account left empty (nonce 0, balance 0, no code) by a block is deleted,
// as after Ethereum's EIP-161.
//
// # Store layout
//
// The committed state lives in kvdb beside the chain's block data, which
// uses lower-case prefixes; the state uses only these upper-case ones:
//
//	'A' address[20]           -> Account encoding (flat copy)
//	'S' address[20] slot[32]  -> word without leading zeros (flat copy)
//	'C' codeHash[32]          -> code (content-addressed, never deleted)
//	'N' trie position key     -> trie node (see package trie)
//
// Reads of accounts, slots and code are one Get each on the flat records,
// never a trie walk; the trie is touched only by Commit, IntermediateRoot and
// ApplyUndo, which cost the number of keys changed times the trie depth,
// whatever the size of the state. The trie keeps the levels near the root in
// a node cache of Config.TrieCacheBytes (default 64 MiB), and Commit hands it
// every changed key's committed value, so that the deepest node of each path
// (the key's leaf) is checked against its parent's hash, not read; the cache
// therefore holds inner nodes only (about 100 bytes per account or slot of
// the state for all of them).
//
// Accounts read by execution views go through a cache of decoded committed
// accounts, present or absent (Config.AccountCacheBytes, default 32 MiB,
// about 128 bytes per account), which a change enters only once its batch
// is written and marked (Pending.Written); a view opened while a change is
// pending, or after one was dropped, reads the store only (see
// accountCache for why that keeps every view consistent).
//
// # Account encoding
//
//	flags[1] (bit 0: has code) || nonce uvarint || balance length[1] || balance || [codeHash[32]]
//
// canonical: minimal uvarint, balance without leading zeros, no explicit
// EmptyCodeHash, nothing trailing. Undo data is described at Undo.MarshalBinary.
//
// # Errors
//
// Sentinels matched with errors.Is: ErrMalformed (bytes that do not
// decode), ErrInsufficientBalance, ErrUndoMismatch, ErrStale, ErrNotEmpty,
// ErrBadAlloc, ErrBadRevision, ErrCommitted, ErrCorrupt. Store failures are
// wrapped as they come. Reads inside a StateDB cannot fail visibly (the VM's
// interface has no errors); the first failure is kept in StateDB.Err and
// fails Commit.
package state
