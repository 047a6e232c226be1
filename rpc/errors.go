package rpc

import (
	"errors"
	"fmt"
	"strings"

	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// Standard JSON-RPC 2.0 error codes, and the codes Ethereum clients expect.
const (
	CodeParseError     = -32700 // the body is not JSON
	CodeInvalidRequest = -32600 // not a valid request object
	CodeMethodNotFound = -32601 // no such method (or not enabled)
	CodeInvalidParams  = -32602 // wrong parameter type or value
	CodeInternal       = -32603 // a bug or an unexpected backend failure
	CodeServer         = -32000 // geth's code for rule violations with a message
	CodeTimeout        = -32002 // request took longer than Config.RequestTimeout
	CodeLimitExceeded  = -32005 // a query or server limit, as EIP-1474 and providers use it
	CodeReverted       = 3      // execution reverted; data is the revert payload
)

// Error is implemented by errors that carry their own JSON-RPC code and
// data. The server finds it with errors.As anywhere in a wrapped chain.
type Error interface {
	error
	ErrorCode() int
	ErrorData() any // nil: no data member
}

// Kind is a class of failure with a fixed JSON-RPC code and message. The
// message is geth's where geth has one, because client libraries (ethers,
// viem, web3.py) recognise errors by these strings. Backends wrap a kind
// (fmt.Errorf("%w: ...", rpc.ErrNonceTooLow) or errors.Join) and the server
// answers with the kind's code and message, followed by the detail given
// with Errorf.
type Kind struct {
	code int
	msg  string
}

// NewKind returns a kind for a failure this package does not define, e.g.
// NewKind(CodeServer, "invalid multiaddr"). Kinds are compared by identity:
// create each once and keep it in a package-level variable.
func NewKind(code int, msg string) *Kind { return &Kind{code: code, msg: msg} }

// Error implements error.
func (k *Kind) Error() string { return k.msg }

// ErrorCode implements Error.
func (k *Kind) ErrorCode() int { return k.code }

// ErrorData implements Error.
func (k *Kind) ErrorData() any { return nil }

// Failure kinds backends return (wrapped) and the server maps.
var (
	// Lookups.
	ErrNotFound          = &Kind{CodeServer, "not found"}
	ErrStateNotAvailable = &Kind{CodeServer, "historical state not available"}

	// Transaction admission, geth's txpool and core messages.
	ErrNonceTooLow        = &Kind{CodeServer, "nonce too low"}
	ErrNonceTooHigh       = &Kind{CodeServer, "nonce too high"}
	ErrInsufficientFunds  = &Kind{CodeServer, "insufficient funds for gas * price + value"}
	ErrAlreadyKnown       = &Kind{CodeServer, "already known"}
	ErrReplaceUnderpriced = &Kind{CodeServer, "replacement transaction underpriced"}
	ErrUnderpriced        = &Kind{CodeServer, "transaction underpriced"}
	ErrIntrinsicGas       = &Kind{CodeServer, "intrinsic gas too low"}
	ErrGasLimit           = &Kind{CodeServer, "exceeds block gas limit"}
	ErrOversizedData      = &Kind{CodeServer, "oversized data"}
	ErrInvalidSender      = &Kind{CodeServer, "invalid sender"}
	ErrInvalidChainID     = &Kind{CodeServer, "invalid chain id"}
	ErrTxTypeNotSupported = &Kind{CodeServer, "transaction type not supported"}
	ErrTipAboveFeeCap     = &Kind{CodeServer, "max priority fee per gas higher than max fee per gas"}
	ErrPoolFull           = &Kind{CodeServer, "txpool is full"}

	// Execution.
	ErrOutOfGas          = &Kind{CodeServer, "out of gas"}
	ErrExecutionReverted = &Kind{CodeReverted, "execution reverted"}

	// Mining and peers.
	ErrUnknownWork = &Kind{CodeServer, "unknown or stale work"}
	ErrNoMining    = &Kind{CodeServer, "mining not available"}

	// ErrResponseBudget: the answer could not be given room in the
	// server's budget of response bytes in flight
	// (Config.MaxResponseBytesInFlight) before the request timed out.
	// Clients may retry later.
	ErrResponseBudget = &Kind{CodeLimitExceeded, "limit exceeded"}

	// Server-side refusals.
	errMethodNotAllowed = &Kind{CodeServer, "method not allowed"}
	errTimeout          = &Kind{CodeTimeout, "request timed out"}
	errTooManySubs      = &Kind{CodeServer, "too many subscriptions on this connection"}
	errFilterNotFound   = &Kind{CodeServer, "filter not found"}
	errNotifications    = &Kind{CodeMethodNotFound, "notifications not supported"}
)

// detailError is a kind with a detail appended to its message.
type detailError struct {
	kind   *Kind
	detail string
}

func (e *detailError) Error() string  { return e.kind.msg + ": " + e.detail }
func (e *detailError) Unwrap() error  { return e.kind }
func (e *detailError) ErrorCode() int { return e.kind.code }
func (e *detailError) ErrorData() any { return nil }

// Errorf returns an error of kind whose message is the kind's followed by
// ": " and the formatted detail, as in geth's "nonce too low: address 0x..,
// tx: 1 state: 5". The detail reaches clients; keep secrets out of it.
func Errorf(kind *Kind, format string, args ...any) error {
	return &detailError{kind: kind, detail: fmt.Sprintf(format, args...)}
}

// RevertError is an "execution reverted" with its payload, answered with
// code 3 and the payload as hex data. The message carries the reason when
// the payload is a Solidity-style Error(string).
type RevertError struct {
	Data []byte
}

func (e *RevertError) Error() string {
	reason, ok := revertReason(e.Data)
	if !ok {
		return ErrExecutionReverted.msg
	}
	// One allocation: a hostile contract's reason can be megabytes.
	var b strings.Builder
	b.Grow(len(ErrExecutionReverted.msg) + 2 + len(reason))
	b.WriteString(ErrExecutionReverted.msg)
	b.WriteString(": ")
	b.Write(reason)
	return b.String()
}
func (e *RevertError) Unwrap() error  { return ErrExecutionReverted }
func (e *RevertError) ErrorCode() int { return CodeReverted }
func (e *RevertError) ErrorData() any { return hexutil.Bytes(e.Data) }

// paramError is a -32602 for one parameter.
type paramError struct {
	index int
	name  string
	err   error
}

func (e *paramError) Error() string {
	if e.index < 0 {
		return fmt.Sprintf("invalid params: %v", e.err)
	}
	return fmt.Sprintf("invalid argument %d (%s): %v", e.index, e.name, e.err)
}
func (e *paramError) Unwrap() error  { return e.err }
func (e *paramError) ErrorCode() int { return CodeInvalidParams }
func (e *paramError) ErrorData() any { return nil }

// invalidParams returns a -32602 not tied to one parameter.
func invalidParams(format string, args ...any) error {
	return &paramError{index: -1, err: fmt.Errorf(format, args...)}
}

// errorObject is the JSON-RPC error member.
type errorObject struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

// toErrorObject maps err to its JSON-RPC error. Errors that carry no code
// are internal: their text is logged by the caller and clients get a
// generic -32603, since unexpected text may reveal internals.
func toErrorObject(err error) (obj *errorObject, internal bool) {
	var rerr Error
	if errors.As(err, &rerr) {
		msg := rerr.Error()
		// A kind wrapped with plain fmt.Errorf context keeps the caller's
		// text only when it starts with the kind's message; otherwise the
		// bare kind message is used, so that clients always see geth's
		// string at the start.
		if k, ok := rerr.(*Kind); ok {
			msg = k.msg
			if s := err.Error(); len(s) > len(k.msg) && s[:len(k.msg)] == k.msg {
				msg = s
			}
		}
		return &errorObject{Code: rerr.ErrorCode(), Message: msg, Data: rerr.ErrorData()}, false
	}
	return &errorObject{Code: CodeInternal, Message: "internal error"}, true
}
