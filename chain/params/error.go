package params

import (
	"errors"
	"fmt"
)

// ErrInvalidGenesis matches every error that ParseGenesis, LoadGenesis and
// Genesis.Validate return: errors.Is(err, ErrInvalidGenesis).
var ErrInvalidGenesis = errors.New("invalid genesis")

// Error kinds, one per way a genesis field can be wrong. A *FieldError wraps
// exactly one of them, so callers and tests tell the cases apart with
// errors.Is, never by message text.
var (
	ErrSyntax         = errors.New("malformed JSON or wrong JSON type")
	ErrUnknownField   = errors.New("unknown field")
	ErrDuplicateField = errors.New("duplicate field")
	ErrMissingField   = errors.New("missing required field")
	ErrBadValue       = errors.New("invalid value")
)

// FieldError says which genesis field is wrong (as a JSON path such as
// "reward.initial" or "alloc[0x...].storage[0x01]") and why. It matches
// ErrInvalidGenesis and, through Unwrap, its kind (ErrBadValue...) and any
// lower-level cause wrapped with it.
type FieldError struct {
	Field string
	Err   error
}

// Error implements the error interface.
func (e *FieldError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%v: %v", ErrInvalidGenesis, e.Err)
	}
	return fmt.Sprintf("%v: %s: %v", ErrInvalidGenesis, e.Field, e.Err)
}

// Unwrap returns the kind, wrapped with its details.
func (e *FieldError) Unwrap() error { return e.Err }

// Is makes every FieldError match ErrInvalidGenesis.
func (e *FieldError) Is(target error) bool { return target == ErrInvalidGenesis }

// fieldErr builds a *FieldError of the given kind with a formatted detail.
func fieldErr(field string, kind error, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Err: fmt.Errorf("%w: "+format, append([]any{kind}, args...)...)}
}
