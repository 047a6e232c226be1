package rpc

import (
	"context"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// admin_ methods (restricted: see Config.AuthToken).
func (s *Server) registerAdmin() {
	s.register("admin_nodeInfo", s.adminNodeInfo)
	s.register("admin_peers", s.adminPeers)
	s.register("admin_addPeer", s.adminAddPeer)
	s.register("admin_removePeer", s.adminRemovePeer)
	s.register("admin_blockPeer", s.adminBlockPeer)
	s.register("admin_unblockPeer", s.adminUnblockPeer)
}

type rpcNodeInfo struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	ListenAddrs []string       `json:"listenAddrs"`
	Listening   bool           `json:"listening"`
	Genesis     types.Hash     `json:"genesis"`
	Head        types.Hash     `json:"head"`
	Height      hexutil.Uint64 `json:"height"`
	ChainID     hexutil.Uint64 `json:"chainId"`
}

func (s *Server) adminNodeInfo(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	info, err := s.cfg.Admin.NodeInfo(ctx)
	if err != nil {
		return nil, err
	}
	head := s.cfg.Chain.Head()
	return rpcNodeInfo{
		ID: info.ID, Name: info.Name, ListenAddrs: nonNil(info.ListenAddrs), Listening: info.Listening,
		Genesis: info.Genesis, Head: head.Hash(), Height: hexutil.Uint64(head.Height),
		ChainID: hexutil.Uint64(s.cfg.Chain.ChainID()),
	}, nil
}

type rpcPeer struct {
	ID      string         `json:"id"`
	Addrs   []string       `json:"addrs"`
	Inbound bool           `json:"inbound"`
	Agent   string         `json:"agent"`
	Height  hexutil.Uint64 `json:"height"`
	Head    types.Hash     `json:"head"`
}

func (s *Server) adminPeers(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	peers, err := s.cfg.Admin.Peers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]rpcPeer, len(peers))
	for i, p := range peers {
		out[i] = rpcPeer{p.ID, nonNil(p.Addrs), p.Inbound, p.Agent, hexutil.Uint64(p.Height), p.Head}
	}
	return out, nil
}

// maxPeerAddrLen bounds a peer address argument.
const maxPeerAddrLen = 1024

func (c *call) peerArg(name string) (string, error) {
	s, err := c.str(0, name)
	if err != nil {
		return "", err
	}
	if s == "" || len(s) > maxPeerAddrLen {
		return "", &paramError{0, name, errBadPeerArg}
	}
	return s, nil
}

var errBadPeerArg = Errorf(&Kind{CodeInvalidParams, "bad peer"}, "empty or longer than %d bytes", maxPeerAddrLen)

func (s *Server) adminAddPeer(ctx context.Context, c *call) (any, error) {
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	addr, err := c.peerArg("multiaddr")
	if err != nil {
		return nil, err
	}
	if err := s.cfg.Admin.AddPeer(ctx, addr); err != nil {
		return nil, err
	}
	return true, nil
}

func (s *Server) adminRemovePeer(ctx context.Context, c *call) (any, error) {
	return s.peerIDCall(ctx, c, s.cfg.Admin.RemovePeer)
}

// adminBlockPeer partitions: the peer stays cut off until admin_unblockPeer.
func (s *Server) adminBlockPeer(ctx context.Context, c *call) (any, error) {
	return s.peerIDCall(ctx, c, s.cfg.Admin.BlockPeer)
}

func (s *Server) adminUnblockPeer(ctx context.Context, c *call) (any, error) {
	return s.peerIDCall(ctx, c, s.cfg.Admin.UnblockPeer)
}

// peerIDCall serves a method whose one argument is a peer id and whose
// result is true once fn succeeded.
func (s *Server) peerIDCall(ctx context.Context, c *call, fn func(context.Context, string) error) (any, error) {
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	id, err := c.peerArg("peerId")
	if err != nil {
		return nil, err
	}
	if err := fn(ctx, id); err != nil {
		return nil, err
	}
	return true, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
