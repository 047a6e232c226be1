package mempool

import (
	"errors"
	"testing"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/types"
)

// TestErrorKindsDistinct proves each kind matches itself and no other,
// and that a TxError matches its kind, its chain rule and its cause.
func TestErrorKindsDistinct(t *testing.T) {
	t.Parallel()
	all := kinds()
	seen := make(map[string]bool)
	for _, k := range all {
		if seen[k.Error()] {
			t.Errorf("message %q used twice", k)
		}
		seen[k.Error()] = true
		err := txError(k, types.Hash{1}, nil, "detail")
		for _, other := range all {
			if got := errors.Is(err, other); got != (other == k) {
				t.Errorf("errors.Is(%q, %q) = %v", k, other, got)
			}
		}
	}
}

func TestTxErrorWrapsRuleAndCause(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind ErrorKind
		rule chain.ErrorKind
	}{
		{ErrNonceTooLow, chain.ErrBadTxNonce},
		{ErrInsufficientFunds, chain.ErrInsufficientFund},
		{ErrIntrinsicGas, chain.ErrIntrinsicGas},
		{ErrGasLimit, chain.ErrBlockGasExceeded},
		{ErrInvalidSender, chain.ErrBadTxSignature},
		{ErrInvalidChainID, chain.ErrWrongChainID},
		{ErrReplaceUnderpriced, ""},
		{ErrPoolFull, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			err := txError(tt.kind, types.Hash{}, types.ErrInvalidSig, "x")
			if tt.rule != "" && !errors.Is(err, tt.rule) {
				t.Errorf("does not match rule %s", tt.rule)
			}
			if !errors.Is(err, types.ErrInvalidSig) {
				t.Error("does not match its cause")
			}
			if want := string(tt.kind) + ": x"; err.Error() != want {
				t.Errorf("message %q, want %q", err, want)
			}
		})
	}
}
