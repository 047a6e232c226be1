package trie

import (
	"errors"
	"fmt"
	"testing"
)

// TestErrorsAreDistinct checks that each error matches itself, through
// wrapping, and no other.
func TestErrorsAreDistinct(t *testing.T) {
	t.Parallel()
	all := []error{ErrNotFound, ErrValueTooLarge, ErrDuplicateKey, ErrCorrupt, ErrRootMismatch, ErrMalformedProof, ErrProofMismatch}
	for i, a := range all {
		wrapped := fmt.Errorf("context: %w", a)
		for j, b := range all {
			if got := errors.Is(wrapped, b); got != (i == j) {
				t.Errorf("errors.Is(%v, %v) = %v", wrapped, b, got)
			}
		}
	}
}
