package rpc

import (
	"context"
	"fmt"
	"strconv"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// txpool_ methods, as geth serves them.
func (s *Server) registerTxpool() {
	s.register("txpool_status", s.txpoolStatus)
	s.register("txpool_content", s.txpoolContent)
	s.register("txpool_contentFrom", s.txpoolContentFrom)
	s.register("txpool_inspect", s.txpoolInspect)
}

func (s *Server) txpoolStatus(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	pending, queued := s.cfg.Pool.Content()
	return map[string]hexutil.Uint64{
		"pending": hexutil.Uint64(countTxs(pending)),
		"queued":  hexutil.Uint64(countTxs(queued)),
	}, nil
}

func countTxs(m map[types.Address][]*types.Transaction) int {
	n := 0
	for _, txs := range m {
		n += len(txs)
	}
	return n
}

// byNonce keys a sender's transactions by decimal nonce, geth's layout.
func byNonce[T any](txs []*types.Transaction, f func(*types.Transaction) T) map[string]T {
	out := make(map[string]T, len(txs))
	for _, tx := range txs {
		out[strconv.FormatUint(tx.Nonce, 10)] = f(tx)
	}
	return out
}

func (s *Server) txpoolContent(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	pending, queued := s.cfg.Pool.Content()
	conv := func(m map[types.Address][]*types.Transaction) map[types.Address]map[string]*rpcTx {
		out := make(map[types.Address]map[string]*rpcTx, len(m))
		for addr, txs := range m {
			out[addr] = byNonce(txs, func(tx *types.Transaction) *rpcTx { return s.newRPCTx(tx, nil) })
		}
		return out
	}
	return map[string]any{"pending": conv(pending), "queued": conv(queued)}, nil
}

func (s *Server) txpoolContentFrom(ctx context.Context, c *call) (any, error) {
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	addr, err := c.address(0, "address")
	if err != nil {
		return nil, err
	}
	pending, queued := s.cfg.Pool.Content()
	conv := func(tx *types.Transaction) *rpcTx { return s.newRPCTx(tx, nil) }
	return map[string]any{"pending": byNonce(pending[addr], conv), "queued": byNonce(queued[addr], conv)}, nil
}

func (s *Server) txpoolInspect(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	pending, queued := s.cfg.Pool.Content()
	summary := func(tx *types.Transaction) string {
		price := tx.EffectiveGasPrice()
		to := "contract creation"
		if tx.To != nil {
			to = tx.To.Hex()
		}
		return fmt.Sprintf("%s: %s wei + %d gas × %s wei", to, tx.Value.Dec(), tx.Gas, price.Dec())
	}
	conv := func(m map[types.Address][]*types.Transaction) map[types.Address]map[string]string {
		out := make(map[types.Address]map[string]string, len(m))
		for addr, txs := range m {
			out[addr] = byNonce(txs, summary)
		}
		return out
	}
	return map[string]any{"pending": conv(pending), "queued": conv(queued)}, nil
}
