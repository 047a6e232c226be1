package node

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/quarry-chain/quarry/p2p"
	"github.com/quarry-chain/quarry/rpc"
)

// adminAPI serves the rpc admin backend from the p2p service.
type adminAPI struct{ n *Node }

var _ rpc.AdminBackend = adminAPI{}

func (a adminAPI) NodeInfo(context.Context) (*rpc.NodeInfo, error) {
	self := a.n.p2p.Self()
	info := &rpc.NodeInfo{ID: self.ID.String(), Name: a.n.clientVersion(), Genesis: a.n.chain.GenesisHash(), Listening: true}
	for _, addr := range self.Addrs {
		info.ListenAddrs = append(info.ListenAddrs, addr.String()+"/p2p/"+self.ID.String())
	}
	return info, nil
}

func (a adminAPI) Peers(context.Context) ([]rpc.PeerInfo, error) {
	peers := a.n.p2p.Peers()
	out := make([]rpc.PeerInfo, 0, len(peers))
	for _, p := range peers {
		info := rpc.PeerInfo{ID: p.ID.String(), Inbound: p.Inbound, Height: p.Head.Height, Head: p.Head.Hash}
		for _, addr := range p.Addrs {
			info.Addrs = append(info.Addrs, addr.String())
		}
		out = append(out, info)
	}
	return out, nil
}

func (a adminAPI) AddPeer(ctx context.Context, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := a.n.p2p.ConnectPeer(ctx, addr); err != nil {
		return fmt.Errorf("%w: %v", errBadPeer, err)
	}
	return nil
}

func (a adminAPI) RemovePeer(_ context.Context, id string) error {
	p, err := decodePeerID(id)
	if err != nil {
		return err
	}
	return a.n.p2p.DisconnectPeer(p)
}

// BlockPeer partitions: the p2p service refuses the peer both ways until
// UnblockPeer. Blocking ourselves is a bad argument, not a server failure.
func (a adminAPI) BlockPeer(_ context.Context, id string) error {
	p, err := decodePeerID(id)
	if err != nil {
		return err
	}
	if err := a.n.p2p.BlockPeer(p); err != nil {
		if errors.Is(err, p2p.ErrSelf) {
			return fmt.Errorf("%w: %v", errBadPeer, err)
		}
		return err
	}
	return nil
}

// UnblockPeer heals a BlockPeer; unblocking a peer that is not blocked is
// a no-op.
func (a adminAPI) UnblockPeer(_ context.Context, id string) error {
	p, err := decodePeerID(id)
	if err != nil {
		return err
	}
	a.n.p2p.UnblockPeer(p)
	return nil
}

func decodePeerID(id string) (peer.ID, error) {
	p, err := peer.Decode(id)
	if err != nil {
		return "", fmt.Errorf("%w: peer id %q: %v", errBadPeer, id, err)
	}
	return p, nil
}

// syncAPI reports sync progress from the peers' announced heads.
type syncAPI struct {
	n           *Node
	startHeight uint64
}

var _ rpc.SyncBackend = (*syncAPI)(nil)

// SyncProgress reports syncing while some peer is more than one block ahead.
func (s *syncAPI) SyncProgress(context.Context) (*rpc.SyncProgress, error) {
	if s.n.p2p == nil {
		return nil, nil
	}
	ours := s.n.chain.Best().Height
	highest := ours
	for _, p := range s.n.p2p.Peers() {
		highest = max(highest, p.Head.Height)
	}
	if highest <= ours+1 {
		return nil, nil
	}
	return &rpc.SyncProgress{StartingBlock: s.startHeight, CurrentBlock: ours, HighestBlock: highest}, nil
}
