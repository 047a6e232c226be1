package mempool

import (
	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/types"
)

// ErrorKind is one reason the pool refuses a transaction. Its text is the
// message go-ethereum's pool gives for the same reason, because wallets and
// client libraries (ethers, viem, MetaMask) recognise those exact strings;
// code in Quarry matches kinds with errors.Is, never the text.
type ErrorKind string

// Error implements the error interface.
func (k ErrorKind) Error() string { return string(k) }

// Admission failures. Each leaves the pool unchanged.
const (
	// ErrAlreadyKnown: the pool holds this exact transaction (same hash).
	ErrAlreadyKnown = ErrorKind("already known")
	// ErrTxTypeNotSupported: a type other than legacy, access-list or
	// dynamic-fee (only reachable for transactions built in Go: the
	// decoder refuses other types).
	ErrTxTypeNotSupported = ErrorKind("transaction type not supported")
	// ErrInvalidSender: the signature does not verify, has a high s
	// (EIP-2), or is not EIP-155 replay protected.
	ErrInvalidSender = ErrorKind("invalid sender")
	// ErrInvalidChainID: signed for another chain.
	ErrInvalidChainID = ErrorKind("invalid chain id")
	// ErrOversizedData: the encoding is larger than the pool accepts.
	ErrOversizedData = ErrorKind("oversized data")
	// ErrGasLimit: the transaction asks for more gas than a block holds.
	ErrGasLimit = ErrorKind("exceeds block gas limit")
	// ErrIntrinsicGas: the gas limit does not cover the intrinsic gas.
	ErrIntrinsicGas = ErrorKind("intrinsic gas too low")
	// ErrTipAboveFeeCap: a dynamic-fee transaction whose priority fee
	// exceeds its fee cap, which no well-formed wallet produces.
	ErrTipAboveFeeCap = ErrorKind("max priority fee per gas higher than max fee per gas")
	// ErrUnderpriced: the effective gas price is below the node's minimum.
	ErrUnderpriced = ErrorKind("transaction underpriced")
	// ErrNonceTooLow: the sender's account is already past this nonce.
	ErrNonceTooLow = ErrorKind("nonce too low")
	// ErrNonceMax: the nonce is 2^64-1, after which the account's nonce
	// could not increase, so no block can include it.
	ErrNonceMax = ErrorKind("nonce has max value")
	// ErrInsufficientFunds: the balance does not cover gas * price + value.
	ErrInsufficientFunds = ErrorKind("insufficient funds for gas * price + value")
	// ErrOverdraft: the balance covers this transaction alone but not
	// together with the sender's other pooled ones.
	ErrOverdraft = ErrorKind("transaction would cause overdraft")
	// ErrReplaceUnderpriced: same sender and nonce as a pooled transaction
	// without the required price bump.
	ErrReplaceUnderpriced = ErrorKind("replacement transaction underpriced")
	// ErrAccountLimit: the sender already has the most transactions (or
	// queued transactions) the pool keeps per account.
	ErrAccountLimit = ErrorKind("account limit exceeded")
	// ErrPoolFull: the pool is at a limit and holds nothing cheaper that
	// may be evicted for this transaction.
	ErrPoolFull = ErrorKind("txpool is full")
)

// kinds lists every ErrorKind, for tests and for callers that map them.
func kinds() []ErrorKind {
	return []ErrorKind{
		ErrAlreadyKnown, ErrTxTypeNotSupported, ErrInvalidSender, ErrInvalidChainID, ErrOversizedData,
		ErrGasLimit, ErrIntrinsicGas, ErrTipAboveFeeCap, ErrUnderpriced,
		ErrNonceTooLow, ErrNonceMax, ErrInsufficientFunds, ErrOverdraft,
		ErrReplaceUnderpriced, ErrAccountLimit, ErrPoolFull,
	}
}

// TxError is an admission failure: which rule (Kind), for which
// transaction, in detail. It also matches, through errors.Is, the chain
// rule the transaction would break in a block (Rule, when there is one)
// and the underlying cause (Cause, e.g. types.ErrInvalidSig).
type TxError struct {
	Kind   ErrorKind
	Hash   types.Hash
	Rule   chain.ErrorKind // "" when the refusal is pool policy, not consensus
	Cause  error           // may be nil
	Detail string          // may be empty
}

// Error returns geth's message followed by the detail, e.g. "nonce too low:
// address 0x..., tx: 3 state: 5".
func (e *TxError) Error() string {
	if e.Detail == "" {
		return string(e.Kind)
	}
	return string(e.Kind) + ": " + e.Detail
}

// Unwrap exposes the kind, the chain rule and the cause to errors.Is.
func (e *TxError) Unwrap() []error {
	errs := []error{e.Kind}
	if e.Rule != "" {
		errs = append(errs, e.Rule)
	}
	if e.Cause != nil {
		errs = append(errs, e.Cause)
	}
	return errs
}

// ruleFor is the consensus rule a transaction refused with kind would
// break in a block, "" for refusals that are pool policy.
func ruleFor(kind ErrorKind) chain.ErrorKind {
	switch kind {
	case ErrInvalidSender:
		return chain.ErrBadTxSignature
	case ErrInvalidChainID:
		return chain.ErrWrongChainID
	case ErrGasLimit:
		return chain.ErrBlockGasExceeded
	case ErrIntrinsicGas:
		return chain.ErrIntrinsicGas
	case ErrNonceTooLow, ErrNonceMax:
		return chain.ErrBadTxNonce
	case ErrInsufficientFunds:
		return chain.ErrInsufficientFund
	}
	return ""
}

// txError builds a TxError of kind for the transaction hash.
func txError(kind ErrorKind, hash types.Hash, cause error, detail string) *TxError {
	return &TxError{Kind: kind, Hash: hash, Rule: ruleFor(kind), Cause: cause, Detail: detail}
}
