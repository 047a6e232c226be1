package chain

import "fmt"

// ErrorKind identifies one consensus rule. Each kind is its own error value,
// so callers match a rule with errors.Is(err, chain.ErrHighHash) whatever
// context was wrapped around it; RPC and p2p map kinds to their own messages
// and penalties at the edge, never by parsing text.
type ErrorKind string

// Error implements the error interface.
func (k ErrorKind) Error() string { return string(k) }

// Header rules.
const (
	ErrBadVersion        = ErrorKind("ErrBadVersion")        // unknown header version
	ErrBadHeight         = ErrorKind("ErrBadHeight")         // height != parent height + 1
	ErrBadParent         = ErrorKind("ErrBadParent")         // parent hash is not the given parent
	ErrBadBits           = ErrorKind("ErrBadBits")           // bits not a valid compact target
	ErrTargetAboveLimit  = ErrorKind("ErrTargetAboveLimit")  // target easier than the PoW limit
	ErrUnexpectedBits    = ErrorKind("ErrUnexpectedBits")    // bits differ from the ASERT rule
	ErrHighHash          = ErrorKind("ErrHighHash")          // block hash above its target
	ErrTimeTooOld        = ErrorKind("ErrTimeTooOld")        // time <= median of previous 11
	ErrTimeTooNew        = ErrorKind("ErrTimeTooNew")        // time beyond the allowed drift
	ErrBadGasLimit       = ErrorKind("ErrBadGasLimit")       // gas limit differs from genesis
	ErrGasUsedAboveLimit = ErrorKind("ErrGasUsedAboveLimit") // gas used > gas limit
)

// Block rules.
const (
	ErrMalformedBlock   = ErrorKind("ErrMalformedBlock")   // block bytes do not decode
	ErrBlockTooBig      = ErrorKind("ErrBlockTooBig")      // encoded size above the limit
	ErrBadTxRoot        = ErrorKind("ErrBadTxRoot")        // transactions root mismatch
	ErrBadReceiptsRoot  = ErrorKind("ErrBadReceiptsRoot")  // receipts root mismatch
	ErrBadStateRoot     = ErrorKind("ErrBadStateRoot")     // state root mismatch
	ErrBadGasUsed       = ErrorKind("ErrBadGasUsed")       // header gas used != executed
	ErrDuplicateTx      = ErrorKind("ErrDuplicateTx")      // same transaction twice
	ErrBadTxSignature   = ErrorKind("ErrBadTxSignature")   // sender cannot be recovered
	ErrWrongChainID     = ErrorKind("ErrWrongChainID")     // signed for another chain
	ErrBadTxNonce       = ErrorKind("ErrBadTxNonce")       // not the sender's next nonce
	ErrInsufficientFund = ErrorKind("ErrInsufficientFund") // balance < value + gas * price
	ErrIntrinsicGas     = ErrorKind("ErrIntrinsicGas")     // gas below the intrinsic cost
	ErrBlockGasExceeded = ErrorKind("ErrBlockGasExceeded") // transactions exceed gas limit
	ErrInvalidAncestor  = ErrorKind("ErrInvalidAncestor")  // descends from an invalid block
)

// RuleError is a consensus rule violation: which rule (Kind) and what exactly
// (Description). errors.Is(err, kind) matches through Unwrap.
type RuleError struct {
	Kind        ErrorKind
	Description string
}

// Error implements the error interface.
func (e *RuleError) Error() string { return e.Description }

// Unwrap returns the rule's kind.
func (e *RuleError) Unwrap() error { return e.Kind }

// ruleError builds a RuleError with a formatted description.
func ruleError(kind ErrorKind, format string, args ...any) *RuleError {
	return &RuleError{Kind: kind, Description: string(kind) + ": " + fmt.Sprintf(format, args...)}
}
