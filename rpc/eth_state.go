package rpc

import (
	"context"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// eth_ methods that read account state at a block.
func (s *Server) registerEthState() {
	s.register("eth_getBalance", s.ethGetBalance)
	s.register("eth_getTransactionCount", s.ethGetTransactionCount)
	s.register("eth_getCode", s.ethGetCode)
	s.register("eth_getStorageAt", s.ethGetStorageAt)
}

// addressAndBlock parses the (address, block) parameters of the account
// reads; the block defaults to "latest".
func (c *call) addressAndBlock() (types.Address, blockRef, error) {
	if err := c.arity(1, 2); err != nil {
		return types.Address{}, blockRef{}, err
	}
	addr, err := c.address(0, "address")
	if err != nil {
		return types.Address{}, blockRef{}, err
	}
	ref, err := c.blockRef(1, "block", latest)
	if err != nil {
		return types.Address{}, blockRef{}, err
	}
	return addr, ref, nil
}

func (s *Server) ethGetBalance(ctx context.Context, c *call) (any, error) {
	addr, ref, err := c.addressAndBlock()
	if err != nil {
		return nil, err
	}
	h, err := s.stateHeader(ctx, ref)
	if err != nil {
		return nil, err
	}
	bal, err := s.cfg.State.Balance(ctx, h, addr)
	if err != nil {
		return nil, err
	}
	return hexutil.U256(*bal), nil
}

func (s *Server) ethGetTransactionCount(ctx context.Context, c *call) (any, error) {
	addr, ref, err := c.addressAndBlock()
	if err != nil {
		return nil, err
	}
	if ref.tag == tagPending && s.cfg.Pool != nil {
		n, err := s.cfg.Pool.PendingNonce(ctx, addr)
		if err != nil {
			return nil, err
		}
		return hexutil.Uint64(n), nil
	}
	h, err := s.stateHeader(ctx, ref)
	if err != nil {
		return nil, err
	}
	n, err := s.cfg.State.Nonce(ctx, h, addr)
	if err != nil {
		return nil, err
	}
	return hexutil.Uint64(n), nil
}

func (s *Server) ethGetCode(ctx context.Context, c *call) (any, error) {
	addr, ref, err := c.addressAndBlock()
	if err != nil {
		return nil, err
	}
	h, err := s.stateHeader(ctx, ref)
	if err != nil {
		return nil, err
	}
	code, err := s.cfg.State.Code(ctx, h, addr)
	if err != nil {
		return nil, err
	}
	return hexutil.Bytes(append([]byte{}, code...)), nil
}

func (s *Server) ethGetStorageAt(ctx context.Context, c *call) (any, error) {
	if err := c.arity(2, 3); err != nil {
		return nil, err
	}
	addr, err := c.address(0, "address")
	if err != nil {
		return nil, err
	}
	slot, err := c.storageSlot(1)
	if err != nil {
		return nil, err
	}
	ref, err := c.blockRef(2, "block", latest)
	if err != nil {
		return nil, err
	}
	h, err := s.stateHeader(ctx, ref)
	if err != nil {
		return nil, err
	}
	v, err := s.cfg.State.Storage(ctx, h, addr, slot)
	if err != nil {
		return nil, err
	}
	return v, nil
}
