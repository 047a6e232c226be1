package node

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc"
	"github.com/quarry-chain/quarry/vm"
)

// chainAPI serves the rpc chain, state, execution and proof-of-work
// backends from the chain.
type chainAPI struct {
	bc     *chain.BlockChain
	reorgs *reorgLog
}

var (
	_ rpc.ChainBackend = (*chainAPI)(nil)
	_ rpc.StateBackend = (*chainAPI)(nil)
	_ rpc.ExecBackend  = (*chainAPI)(nil)
	_ rpc.PoWBackend   = (*chainAPI)(nil)
)

// rpcError maps the chain's lookup and state errors to rpc's kinds.
func rpcError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, chain.ErrNotFound):
		return fmt.Errorf("%w: %v", rpc.ErrNotFound, err)
	case errors.Is(err, chain.ErrStateUnavailable):
		return fmt.Errorf("%w: %v", rpc.ErrStateNotAvailable, err)
	case errors.Is(err, chain.ErrCallFunds):
		return fmt.Errorf("%w: %v", rpc.ErrInsufficientFunds, err)
	case errors.Is(err, chain.ErrCallGasTooLow):
		return fmt.Errorf("%w: %v", rpc.ErrIntrinsicGas, err)
	case errors.Is(err, chain.ErrCallGasAboveLimit):
		return fmt.Errorf("%w: %v", rpc.ErrGasLimit, err)
	}
	return err
}

func (a *chainAPI) ChainID() uint64     { return a.bc.Params().ChainID }
func (a *chainAPI) Head() *types.Header { return a.bc.Best().Header }

func (a *chainAPI) HeaderByNumber(_ context.Context, n uint64) (*types.Header, error) {
	hash, ok := a.bc.HashByHeight(n)
	if !ok {
		return nil, fmt.Errorf("%w: block %d", rpc.ErrNotFound, n)
	}
	h, err := a.bc.HeaderByHash(hash)
	return h, rpcError(err)
}

func (a *chainAPI) BlockByNumber(_ context.Context, n uint64) (*types.Block, error) {
	b, err := a.bc.BlockByHeight(n)
	return b, rpcError(err)
}

func (a *chainAPI) HeaderByHash(_ context.Context, hash types.Hash) (*types.Header, error) {
	h, err := a.bc.HeaderByHash(hash)
	return h, rpcError(err)
}

func (a *chainAPI) BlockByHash(_ context.Context, hash types.Hash) (*types.Block, error) {
	b, err := a.bc.BlockByHash(hash)
	return b, rpcError(err)
}

func (a *chainAPI) InMainChain(_ context.Context, hash types.Hash) bool {
	return a.bc.InMainChain(hash)
}

func (a *chainAPI) Receipts(_ context.Context, blockHash types.Hash) ([]*types.Receipt, error) {
	rs, err := a.bc.Receipts(blockHash)
	return rs, rpcError(err)
}

func (a *chainAPI) TxLookup(_ context.Context, txHash types.Hash) (rpc.TxLocation, error) {
	loc, err := a.bc.TxLookup(txHash)
	if err != nil {
		return rpc.TxLocation{}, rpcError(err)
	}
	return rpc.TxLocation{BlockHash: loc.BlockHash, Height: loc.Height, Index: uint64(loc.Index)}, nil
}

func (a *chainAPI) TotalWork(_ context.Context, blockHash types.Hash) (*big.Int, error) {
	w, err := a.bc.TotalWork(blockHash)
	return w, rpcError(err)
}

// account runs read on the state at the end of block at: the tip or one
// of the chain.MaxStateHistory blocks below it.
func (a *chainAPI) account(at *types.Header, read func(r stateReader) error) error {
	r, release, err := a.bc.StateReaderAt(at)
	if err != nil {
		return rpcError(err)
	}
	defer release()
	return read(r)
}

func (a *chainAPI) Balance(_ context.Context, at *types.Header, addr types.Address) (*uint256.Int, error) {
	var bal uint256.Int
	err := a.account(at, func(r stateReader) error {
		acct, _, err := r.Account(addr)
		bal = acct.Balance
		return err
	})
	return &bal, err
}

func (a *chainAPI) Nonce(_ context.Context, at *types.Header, addr types.Address) (uint64, error) {
	var nonce uint64
	err := a.account(at, func(r stateReader) error {
		acct, _, err := r.Account(addr)
		nonce = acct.Nonce
		return err
	})
	return nonce, err
}

func (a *chainAPI) Code(_ context.Context, at *types.Header, addr types.Address) ([]byte, error) {
	var code []byte
	err := a.account(at, func(r stateReader) error {
		var err error
		code, err = r.Code(addr)
		return err
	})
	return code, err
}

func (a *chainAPI) Storage(_ context.Context, at *types.Header, addr types.Address, slot types.Hash) (types.Hash, error) {
	var v types.Hash
	err := a.account(at, func(r stateReader) error {
		var err error
		v, err = r.Storage(addr, slot)
		return err
	})
	return v, err
}

func (a *chainAPI) Call(_ context.Context, msg *rpc.CallMsg, at *types.Header) (*rpc.ExecResult, error) {
	res, err := a.bc.Call(chain.CallMsg{
		From: msg.From, To: msg.To, Gas: msg.Gas, GasPrice: msg.GasPrice, Value: msg.Value, Data: msg.Data,
	}, at)
	if err != nil {
		return nil, rpcError(err)
	}
	out := &rpc.ExecResult{ReturnData: res.Return, GasUsed: res.GasUsed}
	switch {
	case res.Err == nil:
	case errors.Is(res.Err, vm.ErrExecutionReverted):
		out.Reverted = true
	case errors.Is(res.Err, vm.ErrOutOfGas):
		out.Err = fmt.Errorf("%w: %v", rpc.ErrOutOfGas, res.Err)
	default:
		out.Err = res.Err
	}
	return out, nil
}

func (a *chainAPI) ChainTips(context.Context) ([]rpc.ChainTip, error) {
	tips := a.bc.ChainTips()
	out := make([]rpc.ChainTip, len(tips))
	for i, t := range tips {
		out[i] = rpc.ChainTip{Hash: t.Hash, Height: t.Height, TotalWork: t.TotalWork, BranchLen: t.BranchLen, Status: string(t.Status)}
	}
	return out, nil
}

func (a *chainAPI) Reorgs(_ context.Context, limit int) ([]rpc.ReorgInfo, error) {
	return a.reorgs.recent(limit), nil
}

// reorgLog remembers the most recent reorganisations for quarry_reorgs.
type reorgLog struct {
	mu   sync.Mutex
	max  int
	list []rpc.ReorgInfo // oldest first
}

func (l *reorgLog) add(r rpc.ReorgInfo) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, r)
	if len(l.list) > l.max {
		l.list = append(l.list[:0], l.list[len(l.list)-l.max:]...)
	}
}

func (l *reorgLog) recent(limit int) []rpc.ReorgInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	if limit <= 0 || limit > len(l.list) {
		limit = len(l.list)
	}
	out := make([]rpc.ReorgInfo, 0, limit)
	for i := len(l.list) - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, l.list[i])
	}
	return out
}
