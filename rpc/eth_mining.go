package rpc

import (
	"context"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// eth_mining, eth_hashrate, eth_coinbase and eth_accounts.
func (s *Server) registerEthMining() {
	s.register("eth_mining", s.ethMining)
	s.register("eth_hashrate", s.ethHashrate)
	s.register("eth_coinbase", s.ethCoinbase)
	s.register("eth_accounts", s.ethAccounts)
}

func (s *Server) ethMining(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	if s.cfg.Mining == nil {
		return false, nil
	}
	return s.cfg.Mining.Status().Mining, nil
}

func (s *Server) ethHashrate(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	if s.cfg.Mining == nil {
		return hexutil.Uint64(0), nil
	}
	return hexutil.Uint64(s.cfg.Mining.Status().Hashrate), nil
}

func (s *Server) ethCoinbase(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	if s.cfg.Mining == nil {
		return nil, ErrNoMining
	}
	return s.cfg.Mining.Status().Coinbase, nil
}

// ethAccounts is always empty: keys live in the wallet, never in the node.
func (s *Server) ethAccounts(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	return []types.Address{}, nil
}
