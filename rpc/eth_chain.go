package rpc

import (
	"context"
	"errors"

	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// eth_ methods that read blocks and chain metadata.
func (s *Server) registerEthChain() {
	s.register("eth_chainId", s.ethChainID)
	s.register("eth_blockNumber", s.ethBlockNumber)
	s.register("eth_getBlockByNumber", s.ethGetBlockByNumber)
	s.register("eth_getBlockByHash", s.ethGetBlockByHash)
	s.register("eth_getBlockTransactionCountByNumber", s.ethGetBlockTxCountByNumber)
	s.register("eth_getBlockTransactionCountByHash", s.ethGetBlockTxCountByHash)
	s.register("eth_getUncleCountByBlockNumber", s.ethGetUncleCountByNumber)
	s.register("eth_getUncleCountByBlockHash", s.ethGetUncleCountByHash)
	s.register("eth_syncing", s.ethSyncing)
}

func (s *Server) ethChainID(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	return hexutil.Uint64(s.cfg.Chain.ChainID()), nil
}

func (s *Server) ethBlockNumber(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	return hexutil.Uint64(s.cfg.Chain.Head().Height), nil
}

// blockByNumberArg decodes argument 0 as a block number or tag (not an
// EIP-1898 object, which the getBlockBy* methods do not take).
func (c *call) blockNumberArg(i int) (blockRef, error) {
	raw, err := c.arg(i, "block")
	if err != nil {
		return blockRef{}, err
	}
	if raw[0] != '"' {
		return blockRef{}, &paramError{i, "block", errors.New("want a block number or tag, got " + jsonKind(raw))}
	}
	ref, err := c.blockRef(i, "block", latest)
	if err == nil && ref.tag == tagHash {
		return blockRef{}, &paramError{i, "block", errors.New("want a block number or tag, got a block hash")}
	}
	return ref, err
}

func (s *Server) blockHashArg(c *call, i int) (blockRef, error) {
	h, err := c.hash(i, "blockHash")
	if err != nil {
		return blockRef{}, err
	}
	return blockRef{tag: tagHash, hash: h}, nil
}

func (s *Server) ethGetBlockByNumber(ctx context.Context, c *call) (any, error) {
	if err := c.arity(2, 2); err != nil {
		return nil, err
	}
	ref, err := c.blockNumberArg(0)
	if err != nil {
		return nil, err
	}
	return s.getBlock(ctx, c, ref)
}

func (s *Server) ethGetBlockByHash(ctx context.Context, c *call) (any, error) {
	if err := c.arity(2, 2); err != nil {
		return nil, err
	}
	ref, err := s.blockHashArg(c, 0)
	if err != nil {
		return nil, err
	}
	return s.getBlock(ctx, c, ref)
}

// getBlock answers the block object, or null for an unknown block.
func (s *Server) getBlock(ctx context.Context, c *call, ref blockRef) (any, error) {
	full, err := c.boolean(1, "fullTransactions", false)
	if err != nil {
		return nil, err
	}
	if !c.has(1) {
		return nil, &paramError{1, "fullTransactions", errMissing}
	}
	b, err := s.block(ctx, ref)
	if err != nil || b == nil {
		return nil, err
	}
	return s.rpcBlockFor(ctx, b, full)
}

func (s *Server) ethGetBlockTxCountByNumber(ctx context.Context, c *call) (any, error) {
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	ref, err := c.blockNumberArg(0)
	if err != nil {
		return nil, err
	}
	return s.blockTxCount(ctx, ref)
}

func (s *Server) ethGetBlockTxCountByHash(ctx context.Context, c *call) (any, error) {
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	ref, err := s.blockHashArg(c, 0)
	if err != nil {
		return nil, err
	}
	return s.blockTxCount(ctx, ref)
}

func (s *Server) blockTxCount(ctx context.Context, ref blockRef) (any, error) {
	b, err := s.block(ctx, ref)
	if err != nil || b == nil {
		return nil, err
	}
	return hexutil.Uint64(len(b.Txs)), nil
}

// Quarry blocks have no uncles: the counts are zero for known blocks.
func (s *Server) ethGetUncleCountByNumber(ctx context.Context, c *call) (any, error) {
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	ref, err := c.blockNumberArg(0)
	if err != nil {
		return nil, err
	}
	return s.uncleCount(ctx, ref)
}

func (s *Server) ethGetUncleCountByHash(ctx context.Context, c *call) (any, error) {
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	ref, err := s.blockHashArg(c, 0)
	if err != nil {
		return nil, err
	}
	return s.uncleCount(ctx, ref)
}

func (s *Server) uncleCount(ctx context.Context, ref blockRef) (any, error) {
	if _, err := s.header(ctx, ref); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, nil
		}
		return nil, err
	}
	return hexutil.Uint64(0), nil
}

// rpcSyncing is eth_syncing's progress object.
type rpcSyncing struct {
	StartingBlock hexutil.Uint64 `json:"startingBlock"`
	CurrentBlock  hexutil.Uint64 `json:"currentBlock"`
	HighestBlock  hexutil.Uint64 `json:"highestBlock"`
}

func (s *Server) ethSyncing(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	if s.cfg.Sync == nil {
		return false, nil
	}
	p, err := s.cfg.Sync.SyncProgress(ctx)
	if err != nil || p == nil {
		return false, err
	}
	return rpcSyncing{hexutil.Uint64(p.StartingBlock), hexutil.Uint64(p.CurrentBlock), hexutil.Uint64(p.HighestBlock)}, nil
}
