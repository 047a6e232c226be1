package rpc

import (
	"errors"
	"fmt"
	"testing"
)

// Each kind matches itself, through wrapping, and no other kind.
func TestErrorKindsDistinct(t *testing.T) {
	t.Parallel()
	kinds := []*Kind{ErrNotFound, ErrStateNotAvailable, ErrNonceTooLow, ErrNonceTooHigh, ErrInsufficientFunds,
		ErrAlreadyKnown, ErrReplaceUnderpriced, ErrUnderpriced, ErrIntrinsicGas, ErrGasLimit, ErrOversizedData,
		ErrInvalidSender, ErrInvalidChainID, ErrTxTypeNotSupported, ErrTipAboveFeeCap, ErrPoolFull, ErrOutOfGas,
		ErrExecutionReverted, ErrUnknownWork, ErrNoMining, ErrResponseBudget}
	for i, k := range kinds {
		wrapped := fmt.Errorf("context: %w", Errorf(k, "detail"))
		for j, other := range kinds {
			if got := errors.Is(wrapped, other); got != (i == j) {
				t.Errorf("errors.Is(%q, %q) = %v", k.msg, other.msg, got)
			}
		}
	}
}

func TestErrorObjects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		err      error
		code     int
		msg      string
		internal bool
	}{
		{"bare kind", ErrAlreadyKnown, -32000, "already known", false},
		{"kind with detail", fmt.Errorf("%w: address 0x1, tx: 1 state: 2", ErrNonceTooLow), -32000, "nonce too low: address 0x1, tx: 1 state: 2", false},
		{"kind under context", fmt.Errorf("mempool: %w", ErrUnderpriced), -32000, "transaction underpriced", false},
		{"Errorf", Errorf(ErrInsufficientFunds, "have 1 want 2"), -32000, "insufficient funds for gas * price + value: have 1 want 2", false},
		{"revert", &RevertError{Data: revertData("why")}, 3, "execution reverted: why", false},
		{"revert without reason", &RevertError{Data: []byte{1}}, 3, "execution reverted", false},
		{"response budget", Errorf(ErrResponseBudget, "retry later"), -32005, "limit exceeded: retry later", false},
		{"param", &paramError{2, "block", errors.New("bad")}, -32602, "invalid argument 2 (block): bad", false},
		{"unknown", errors.New("disk on fire"), -32603, "internal error", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj, internal := toErrorObject(tt.err)
			if obj.Code != tt.code || obj.Message != tt.msg || internal != tt.internal {
				t.Fatalf("got %d %q internal=%v", obj.Code, obj.Message, internal)
			}
		})
	}
}
