package node

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/mempool"
	"github.com/quarry-chain/quarry/rpc"
)

// poolAPI serves the rpc pool backend from the mempool; transactions sent
// through it are local: journaled before the sender is answered, and
// announced to peers.
type poolAPI struct {
	pool     *mempool.Pool
	bc       *chain.BlockChain
	announce func(*types.Transaction)       // nil without a network
	journal  func(*types.Transaction) error // nil: not journaled
	minPrice *uint256.Int
}

var _ rpc.PoolBackend = (*poolAPI)(nil)

// SendTx admits tx as local and journals it before answering, so that a
// sender told its transaction was accepted (or is already known) can count
// on this node keeping it across a crash. One already known (from gossip)
// is journaled too: the sender may be resending it here because the node
// it first went to died, and that node's journal may be all that has it.
// Journaling comes before the announcement, so no peer learns of a
// transaction its origin could lose.
func (a *poolAPI) SendTx(_ context.Context, tx *types.Transaction) error {
	err := a.pool.Add(tx, true)
	if err != nil && !(errors.Is(err, mempool.ErrAlreadyKnown) && a.pool.Has(tx.Hash())) {
		return poolError(err)
	}
	if a.journal != nil {
		if jerr := a.journal(tx); jerr != nil {
			// The sender retries; the retry is "already known" and
			// journals it then.
			return fmt.Errorf("node: transaction pooled but not journaled: %w", jerr)
		}
	}
	if err != nil {
		return poolError(err)
	}
	if a.announce != nil {
		a.announce(tx)
	}
	return nil
}

// poolError maps a mempool rejection to the rpc kind with geth's message,
// followed by the pool's detail where it has one ("nonce too low: next
// nonce 7, tx nonce 5"), as geth words them.
func poolError(err error) error {
	var (
		kind   mempool.ErrorKind
		detail string
		txErr  *mempool.TxError
	)
	switch {
	case errors.As(err, &txErr):
		kind, detail = txErr.Kind, txErr.Detail
	case errors.As(err, &kind):
	default:
		return err
	}
	var rk *rpc.Kind
	switch kind {
	case mempool.ErrAlreadyKnown:
		rk = rpc.ErrAlreadyKnown
	case mempool.ErrTxTypeNotSupported:
		rk = rpc.ErrTxTypeNotSupported
	case mempool.ErrInvalidSender:
		rk = rpc.ErrInvalidSender
	case mempool.ErrInvalidChainID:
		rk = rpc.ErrInvalidChainID
	case mempool.ErrOversizedData:
		rk = rpc.ErrOversizedData
	case mempool.ErrGasLimit:
		rk = rpc.ErrGasLimit
	case mempool.ErrIntrinsicGas:
		rk = rpc.ErrIntrinsicGas
	case mempool.ErrTipAboveFeeCap:
		rk = rpc.ErrTipAboveFeeCap
	case mempool.ErrUnderpriced:
		rk = rpc.ErrUnderpriced
	case mempool.ErrNonceTooLow:
		rk = rpc.ErrNonceTooLow
	case mempool.ErrInsufficientFunds, mempool.ErrOverdraft:
		rk = rpc.ErrInsufficientFunds
	case mempool.ErrReplaceUnderpriced:
		rk = rpc.ErrReplaceUnderpriced
	case mempool.ErrPoolFull, mempool.ErrAccountLimit:
		rk = rpc.ErrPoolFull
	default:
		// Kinds geth has no fixed code for keep their own message.
		rk = rpc.NewKind(rpc.CodeServer, string(kind))
	}
	if detail == "" {
		return rk
	}
	return fmt.Errorf("%w: %s", rk, detail)
}

func (a *poolAPI) PendingNonce(_ context.Context, addr types.Address) (uint64, error) {
	return a.pool.PendingNonce(addr)
}

func (a *poolAPI) Tx(hash types.Hash) *types.Transaction { return a.pool.Get(hash) }

func (a *poolAPI) Content() (pending, queued map[types.Address][]*types.Transaction) {
	content := a.pool.Content()
	pending = make(map[types.Address][]*types.Transaction, len(content))
	queued = make(map[types.Address][]*types.Transaction)
	for addr, c := range content {
		if len(c.Pending) > 0 {
			pending[addr] = c.Pending
		}
		if len(c.Queued) > 0 {
			queued[addr] = c.Queued
		}
	}
	return pending, queued
}

// gasPriceBlocks is how many recent blocks SuggestGasPrice looks at.
const gasPriceBlocks = 20

// SuggestGasPrice is the median effective gas price of the transactions in
// the last gasPriceBlocks blocks, and never below the pool's minimum: what
// recently got mined.
func (a *poolAPI) SuggestGasPrice(context.Context) (*uint256.Int, error) {
	var prices []uint256.Int
	best := a.bc.Best()
	for h := best.Height; h > 0 && best.Height-h < gasPriceBlocks; h-- {
		b, err := a.bc.BlockByHeight(h)
		if err != nil {
			break // a reorg moved the chain: what we have suffices
		}
		for _, tx := range b.Txs {
			prices = append(prices, tx.EffectiveGasPrice())
		}
	}
	suggest := new(uint256.Int).Set(a.minPrice)
	if len(prices) > 0 {
		slices.SortFunc(prices, func(x, y uint256.Int) int { return x.Cmp(&y) })
		if median := prices[len(prices)/2]; median.Gt(suggest) {
			suggest.Set(&median)
		}
	}
	return suggest, nil
}
