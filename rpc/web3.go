package rpc

import (
	"context"

	"github.com/quarry-chain/quarry/chain/types"
)

// web3_ methods.
func (s *Server) registerWeb3() {
	s.register("web3_clientVersion", s.web3ClientVersion)
	s.register("web3_sha3", s.web3Sha3)
}

func (s *Server) web3ClientVersion(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	return s.cfg.ClientVersion, nil
}

// web3Sha3 is Keccak-256 of the data, despite its name.
func (s *Server) web3Sha3(ctx context.Context, c *call) (any, error) {
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	b, err := c.data(0, "data")
	if err != nil {
		return nil, err
	}
	return types.Keccak256(b), nil
}
