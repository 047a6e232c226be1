package rpc

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// eth_call and eth_estimateGas.
func (s *Server) registerEthCall() {
	s.register("eth_call", s.ethCall)
	s.register("eth_estimateGas", s.ethEstimateGas)
}

// callArgs is the transaction call object. Unknown fields are ignored, as
// geth does, because wallets add their own (e.g. "chainId", "type"); the
// known ones are decoded strictly.
type callArgs struct {
	From                 *types.Address  `json:"from"`
	To                   *types.Address  `json:"to"`
	Gas                  *hexutil.Uint64 `json:"gas"`
	GasPrice             *hexutil.U256   `json:"gasPrice"`
	MaxFeePerGas         *hexutil.U256   `json:"maxFeePerGas"`
	MaxPriorityFeePerGas *hexutil.U256   `json:"maxPriorityFeePerGas"`
	Value                *hexutil.U256   `json:"value"`
	Nonce                *hexutil.Uint64 `json:"nonce"`
	Data                 *hexutil.Bytes  `json:"data"`
	Input                *hexutil.Bytes  `json:"input"`
	ChainID              *hexutil.Uint64 `json:"chainId"`
	Type                 *hexutil.Uint64 `json:"type"`
	AccessList           *[]struct {
		Address     types.Address `json:"address"`
		StorageKeys []types.Hash  `json:"storageKeys"`
	} `json:"accessList"`
}

// toMsg builds the message, checking consistency and applying the gas cap.
// defaultGas applies when the call object has no gas.
func (s *Server) toMsg(a *callArgs, defaultGas uint64) (*CallMsg, error) {
	if a.Data != nil && a.Input != nil && !bytes.Equal(*a.Data, *a.Input) {
		return nil, invalidParams(`both "data" and "input" are set and differ`)
	}
	if a.GasPrice != nil && (a.MaxFeePerGas != nil || a.MaxPriorityFeePerGas != nil) {
		return nil, invalidParams("both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified")
	}
	if a.ChainID != nil && uint64(*a.ChainID) != s.cfg.Chain.ChainID() {
		return nil, Errorf(ErrInvalidChainID, "have %d, want %d", uint64(*a.ChainID), s.cfg.Chain.ChainID())
	}
	msg := &CallMsg{To: a.To, Gas: defaultGas}
	if a.From != nil {
		msg.From = *a.From
	}
	if a.Gas != nil && *a.Gas != 0 {
		msg.Gas = uint64(*a.Gas)
	}
	if msg.Gas > s.cfg.GasCap {
		msg.Gas = s.cfg.GasCap
	}
	switch {
	case a.GasPrice != nil:
		msg.GasPrice = *a.GasPrice.Int()
	case a.MaxFeePerGas != nil || a.MaxPriorityFeePerGas != nil:
		// No base fee: the price paid is min(feeCap, tip), as in
		// types.Transaction.EffectiveGasPrice.
		fee, tip := u256Ptr(a.MaxFeePerGas), u256Ptr(a.MaxPriorityFeePerGas)
		switch {
		case fee != nil && tip != nil:
			if tip.Gt(fee) {
				return nil, ErrTipAboveFeeCap
			}
			msg.GasPrice = *tip
		case tip != nil:
			msg.GasPrice = *tip
		default:
			msg.GasPrice = *fee
		}
	}
	if a.Value != nil {
		msg.Value = *a.Value.Int()
	}
	switch {
	case a.Input != nil:
		msg.Data = *a.Input
	case a.Data != nil:
		msg.Data = *a.Data
	}
	return msg, nil
}

// callArgsAndBlock decodes (callObject, block?) with latest as default.
func (s *Server) callArgsAndBlock(ctx context.Context, c *call) (*callArgs, *types.Header, error) {
	if err := c.arity(1, 3); err != nil {
		return nil, nil, err
	}
	var args callArgs
	if err := c.object(0, "transaction", &args, false); err != nil {
		return nil, nil, err
	}
	ref, err := c.blockRef(1, "block", latest)
	if err != nil {
		return nil, nil, err
	}
	if c.has(2) {
		return nil, nil, &paramError{2, "stateOverrides", errors.New("state overrides are not supported")}
	}
	h, err := s.stateHeader(ctx, ref)
	if err != nil {
		return nil, nil, err
	}
	return &args, h, nil
}

func (s *Server) ethCall(ctx context.Context, c *call) (any, error) {
	args, h, err := s.callArgsAndBlock(ctx, c)
	if err != nil {
		return nil, err
	}
	msg, err := s.toMsg(args, min(h.GasLimit, s.cfg.GasCap))
	if err != nil {
		return nil, err
	}
	res, err := s.cfg.Exec.Call(ctx, msg, h)
	if err != nil {
		return nil, err
	}
	if err := execFailure(res); err != nil {
		return nil, err
	}
	return hexutil.Bytes(append([]byte{}, res.ReturnData...)), nil
}

// execFailure turns a failed execution into the error clients expect:
// code 3 with the revert data, or -32000 with the VM's reason.
func execFailure(res *ExecResult) error {
	switch {
	case res.Reverted:
		return &RevertError{Data: append([]byte{}, res.ReturnData...)}
	case res.Err != nil:
		var rerr Error
		if errors.As(res.Err, &rerr) {
			return res.Err
		}
		return &detailError{kind: &Kind{CodeServer, "execution failed"}, detail: res.Err.Error()}
	}
	return nil
}

// ethEstimateGas finds the smallest gas limit at which the message
// succeeds, by binary search over Call between the gas the first run used
// and the cap. A message that fails at the cap gets that failure (a revert
// with its data, or "gas required exceeds allowance").
func (s *Server) ethEstimateGas(ctx context.Context, c *call) (any, error) {
	args, h, err := s.callArgsAndBlock(ctx, c)
	if err != nil {
		return nil, err
	}
	cap := min(h.GasLimit, s.cfg.GasCap)
	msg, err := s.toMsg(args, cap)
	if err != nil {
		return nil, err
	}
	hi := msg.Gas
	run := func(gas uint64) (*ExecResult, error) {
		m := *msg
		m.Gas = gas
		return s.cfg.Exec.Call(ctx, &m, h)
	}
	res, err := run(hi)
	if err != nil {
		return nil, err
	}
	if res.Reverted || res.Err != nil {
		if !res.Reverted && errors.Is(res.Err, ErrOutOfGas) {
			return nil, Errorf(&Kind{CodeServer, "gas required exceeds allowance"}, "%d", hi)
		}
		return nil, execFailure(res)
	}
	// Below what the run used can never succeed; try exactly that first,
	// which is the answer for most messages.
	lo := res.GasUsed
	if lo == 0 {
		return hexutil.Uint64(0), nil
	}
	lo--
	if res2, err := run(lo + 1); err == nil && res2.Err == nil && !res2.Reverted {
		return hexutil.Uint64(lo + 1), nil
	}
	for lo+1 < hi {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		mid := lo + (hi-lo)/2
		r, err := run(mid)
		if err != nil {
			return nil, fmt.Errorf("estimating gas at %d: %w", mid, err)
		}
		if r.Err == nil && !r.Reverted {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hexutil.Uint64(hi), nil
}
