package trie

import "errors"

// Errors returned by this package. Each is wrapped with context; match with
// errors.Is.
var (
	// ErrNotFound is what a Reader returns for an absent key. The trie never
	// returns it from Get: an absent key there is a nil value.
	ErrNotFound = errors.New("trie: not found")
	// ErrValueTooLarge rejects a value longer than MaxValueSize.
	ErrValueTooLarge = errors.New("trie: value too large")
	// ErrDuplicateKey rejects a batch that changes the same key twice, whose
	// result and undo data would depend on the order of the batch.
	ErrDuplicateKey = errors.New("trie: key changed twice in one batch")
	// ErrCorrupt reports a stored node that is missing, does not decode, or
	// does not hash to what its parent commits to.
	ErrCorrupt = errors.New("trie: corrupt node store")
	// ErrRootMismatch reports that the store holds a different tree than the
	// root Open was asked for.
	ErrRootMismatch = errors.New("trie: stored root differs from the expected root")
	// ErrMalformedProof rejects a proof that does not decode or is not
	// well formed (splits not strictly increasing, trailing bytes).
	ErrMalformedProof = errors.New("trie: malformed proof")
	// ErrProofMismatch reports a well-formed proof that does not show the
	// claimed value (or absence) of the key under the given root.
	ErrProofMismatch = errors.New("trie: proof does not match root, key and value")
)
