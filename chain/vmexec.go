package chain

import (
	"github.com/quarry-chain/quarry/chain/state"
	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/vm"
)

// VMExecutor runs contract creations and calls on Quarry's VM. It is the
// chain's default ContractExecutor.
type VMExecutor struct{}

var _ ContractExecutor = VMExecutor{}

// vmContext is what contract code may see of the block and transaction.
// TIMESTAMP is in seconds, as contract authors and ethers.js expect; the
// header keeps milliseconds.
func vmContext(hdr *types.Header, chainID uint64, origin types.Address, call *ContractCall) vm.Context {
	ctx := vm.Context{
		Number:   hdr.Height,
		Time:     hdr.Time / 1000,
		Coinbase: hdr.Coinbase,
		ChainID:  chainID,
		GasLimit: hdr.GasLimit,
		Origin:   origin,
	}
	if call != nil {
		ctx.GasPrice = call.GasPrice
	}
	return ctx
}

// Execute implements ContractExecutor: a creation runs the transaction's
// data as init code at the address Ethereum's rule derives from the sender
// and its nonce; a call runs the code at the recipient. A VM fault or
// REVERT fails the transaction (the VM has undone its state changes and
// logs; the fee stays charged); a store failure is returned as an error.
func (VMExecutor) Execute(st *state.StateDB, call *ContractCall) (ExecutionResult, error) {
	machine := vm.New(vm.Config{State: st, Context: vmContext(call.Header, call.ChainID, call.From, call)})
	tx := call.Tx
	var (
		res     ExecutionResult
		gasLeft uint64
		err     error
	)
	if tx.To == nil {
		addr := types.ContractAddress(call.From, call.Nonce)
		_, gasLeft, err = machine.Create(call.From, tx.Data, call.Gas, &tx.Value, addr)
		res.ContractAddress = &addr
	} else {
		_, gasLeft, err = machine.Call(call.From, *tx.To, tx.Data, call.Gas, &tx.Value)
	}
	if serr := st.Err(); serr != nil {
		return ExecutionResult{}, serr
	}
	res.GasLeft = gasLeft
	if err != nil {
		res.Failed = true
		return res, nil
	}
	for _, l := range machine.Logs() {
		st.AddLog(&l)
	}
	return res, nil
}
