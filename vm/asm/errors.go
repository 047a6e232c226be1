package asm

import (
	"errors"
	"fmt"
	"strconv"
)

// Kinds of assembly errors. Every error Assemble returns is an *Error
// wrapping one of them.
var (
	ErrSyntax            = errors.New("syntax error")
	ErrUnknownMnemonic   = errors.New("unknown mnemonic")
	ErrUnknownDirective  = errors.New("unknown directive")
	ErrUndefinedLabel    = errors.New("undefined label")
	ErrDuplicateLabel    = errors.New("duplicate label")
	ErrUndefinedConst    = errors.New("undefined constant")
	ErrDuplicateConst    = errors.New("duplicate constant")
	ErrImmediateTooLarge = errors.New("immediate too large")
	ErrBadOffset         = errors.New("offset annotation does not match")
)

// Error is an assembly error at a source line (1-based).
type Error struct {
	Line   int
	Err    error  // one of the kinds above
	Detail string // what exactly
}

func (e *Error) Error() string {
	s := "line " + strconv.Itoa(e.Line) + ": " + e.Err.Error()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the kind.
func (e *Error) Unwrap() error { return e.Err }

// fail returns an *Error of kind; the line is filled in by Assemble.
func fail(kind error, format string, args ...any) *Error {
	return &Error{Err: kind, Detail: fmt.Sprintf(format, args...)}
}
