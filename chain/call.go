package chain

import (
	"errors"
	"fmt"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/state"
	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/vm"
)

// CallMsg is a transaction that is executed but never included: what
// eth_call and eth_estimateGas ask about.
type CallMsg struct {
	From     types.Address
	To       *types.Address // nil: simulate a contract creation
	Gas      uint64         // 0: the block gas limit
	GasPrice uint256.Int    // 0: gas is free, and no balance is needed for it
	Value    uint256.Int
	Data     []byte
}

// CallResult is the outcome of a CallMsg.
type CallResult struct {
	Return  []byte // output, or revert data when Err is vm.ErrExecutionReverted
	GasUsed uint64 // intrinsic gas included
	// Err is the execution failure (vm.ErrExecutionReverted, a VM fault),
	// nil on success. It is the call's outcome, not a node failure.
	Err error
}

// Errors of Call and EstimateGas that say the message cannot run at all.
var (
	ErrCallGasTooLow     = errors.New("intrinsic gas too low")
	ErrCallFunds         = errors.New("insufficient funds for gas * price + value")
	ErrCallGasAboveLimit = errors.New("gas above the block gas limit")
	// ErrStateUnavailable: the node does not keep the state of that block
	// (it serves the active chain's last MaxStateHistory blocks).
	ErrStateUnavailable = errors.New("chain: state of that block is not available")
)

// Call executes msg on the state at the end of block at (the tip or one of
// the MaxStateHistory blocks below it), in that block's context, and
// discards every change. It never alters the chain.
func (bc *BlockChain) Call(msg CallMsg, at *types.Header) (*CallResult, error) {
	_, st, release, err := bc.stateView(at)
	if err != nil {
		return nil, err
	}
	defer release()
	return bc.call(st, at, msg)
}

// EstimateGas returns the least gas with which msg succeeds on the state
// at the end of block at (a binary search between its intrinsic gas and the
// block gas limit, or msg.Gas if set). If it fails even with the most gas,
// the error is that failure (revert data in the CallResult).
func (bc *BlockChain) EstimateGas(msg CallMsg, at *types.Header) (uint64, *CallResult, error) {
	hi := bc.params.GasLimit
	if msg.Gas != 0 && msg.Gas < hi {
		hi = msg.Gas
	}
	intrinsic, err := callIntrinsicGas(msg)
	if err != nil {
		return 0, nil, err
	}
	try := func(gas uint64) (*CallResult, error) {
		m := msg
		m.Gas = gas
		return bc.Call(m, at)
	}
	res, err := try(hi)
	if err != nil {
		return 0, nil, err
	}
	if res.Err != nil {
		return 0, res, res.Err
	}
	// Invariant: lo fails (or is below intrinsic), hi succeeds.
	lo := intrinsic - 1
	for lo+1 < hi {
		mid := lo + (hi-lo)/2
		r, err := try(mid)
		if err != nil {
			return 0, nil, err
		}
		if r.Err != nil {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi, res, nil
}

func callIntrinsicGas(msg CallMsg) (uint64, error) {
	tx := &types.Transaction{To: msg.To, Data: msg.Data}
	return types.IntrinsicGas(tx)
}

// call runs msg on st in hdr's context.
func (bc *BlockChain) call(st *state.StateDB, hdr *types.Header, msg CallMsg) (*CallResult, error) {
	gas := msg.Gas
	if gas == 0 {
		gas = bc.params.GasLimit
	}
	if gas > bc.params.GasLimit {
		return nil, fmt.Errorf("%w: %d > %d", ErrCallGasAboveLimit, gas, bc.params.GasLimit)
	}
	intrinsic, err := callIntrinsicGas(msg)
	if err != nil {
		return nil, err
	}
	if gas < intrinsic {
		return nil, fmt.Errorf("%w: have %d, want %d", ErrCallGasTooLow, gas, intrinsic)
	}
	// Charge gas only when the caller named a price, as geth does, so that
	// a plain eth_call from an empty account works.
	var cost uint256.Int
	if !msg.GasPrice.IsZero() {
		cost.SetUint64(gas)
		if _, overflow := cost.MulOverflow(&cost, &msg.GasPrice); overflow {
			return nil, fmt.Errorf("%w: gas * price overflows", ErrCallFunds)
		}
	}
	total := cost
	if _, overflow := total.AddOverflow(&total, &msg.Value); overflow {
		return nil, fmt.Errorf("%w: cost overflows", ErrCallFunds)
	}
	if bal := st.Balance(msg.From); bal.Lt(&total) {
		return nil, fmt.Errorf("%w: have %s, want %s", ErrCallFunds, bal.Dec(), total.Dec())
	}
	if err := st.SubBalance(msg.From, &cost); err != nil {
		return nil, err
	}
	ctx := vmContext(hdr, bc.params.ChainID, msg.From, &ContractCall{GasPrice: msg.GasPrice})
	machine := vm.New(vm.Config{State: st, Context: ctx})
	left := gas - intrinsic
	res := &CallResult{}
	if msg.To == nil {
		nonce := st.Nonce(msg.From)
		st.SetNonce(msg.From, nonce+1)
		res.Return, left, res.Err = machine.Create(msg.From, msg.Data, left, &msg.Value, types.ContractAddress(msg.From, nonce))
	} else {
		res.Return, left, res.Err = machine.Call(msg.From, *msg.To, msg.Data, left, &msg.Value)
	}
	if err := st.Err(); err != nil {
		return nil, err
	}
	res.GasUsed = gas - left
	return res, nil
}
