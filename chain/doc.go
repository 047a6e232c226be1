// Package chain decides which chain is true: it validates headers and blocks
// against the consensus rules (proof of work, ASERT difficulty, time, roots,
// transactions), keeps the state, and chooses the most-work valid chain.
//
// Validation is staged as in btcd and dcrd: checkXSanity (context-free),
// checkXContext (needs the parent and ancestors), connectX (needs state).
//
// Errors: every rule violation is a *RuleError whose Kind is one of the
// ErrorKind constants in error.go; match them with errors.Is.
package chain
