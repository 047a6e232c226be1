package state

import (
	"errors"
	"fmt"
)

// Errors returned by this package. Each is a sentinel matched with
// errors.Is; the returned errors wrap one of them with context.
var (
	// ErrMalformed: stored or supplied bytes (an account, a word, undo
	// data) do not decode.
	ErrMalformed = errors.New("state: malformed encoding")
	// ErrInsufficientBalance: SubBalance or Transfer from an account that
	// holds less than the amount. Nothing was changed.
	ErrInsufficientBalance = errors.New("state: insufficient balance")
	// ErrUndoMismatch: undo data that does not belong to the current state
	// (its post-state root differs), or that fails to reproduce its
	// recorded pre-state root.
	ErrUndoMismatch = errors.New("state: undo data does not match the state")
	// ErrNotEmpty: genesis state written on top of a non-empty state.
	ErrNotEmpty = errors.New("state: state is not empty")
	// ErrBadRevision: RevertToSnapshot with an identifier Snapshot never
	// returned or that was already reverted past.
	ErrBadRevision = errors.New("state: unknown snapshot revision")
	// ErrCommitted: a StateDB used after its Commit.
	ErrCommitted = errors.New("state: StateDB already committed")
	// ErrCorrupt: the store holds something the state never writes.
	ErrCorrupt = errors.New("state: corrupt store")
)

func errMalformedf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}
