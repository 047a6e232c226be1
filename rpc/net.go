package rpc

import (
	"context"
	"strconv"

	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// net_ methods.
func (s *Server) registerNet() {
	s.register("net_version", s.netVersion)
	s.register("net_listening", s.netListening)
	s.register("net_peerCount", s.netPeerCount)
}

// netVersion is the network id as a decimal string: the chain id, since
// Quarry has no separate network id.
func (s *Server) netVersion(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	return strconv.FormatUint(s.cfg.Chain.ChainID(), 10), nil
}

func (s *Server) netListening(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	if s.cfg.Admin == nil {
		return false, nil
	}
	info, err := s.cfg.Admin.NodeInfo(ctx)
	if err != nil {
		return nil, err
	}
	return info.Listening, nil
}

func (s *Server) netPeerCount(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	if s.cfg.Admin == nil {
		return hexutil.Uint64(0), nil
	}
	peers, err := s.cfg.Admin.Peers(ctx)
	if err != nil {
		return nil, err
	}
	return hexutil.Uint64(len(peers)), nil
}
