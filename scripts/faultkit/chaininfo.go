package main

import (
	"context"
	"fmt"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/p2p"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// chainInfo is what the hostile peer learns of the network over RPC: enough
// to name the protocols and topics, pass the status handshake and build
// blocks on the node's head.
type chainInfo struct {
	ChainID uint64
	Genesis types.Hash
}

// headInfo is the part of the node's head block the attacks build on.
type headInfo struct {
	Hash      types.Hash
	Height    uint64
	TimeMs    uint64
	Bits      uint32
	GasLimit  uint64
	StateRoot types.Hash
}

// rpcBlock is the subset of an eth_getBlockByNumber answer headInfo needs.
type rpcBlock struct {
	Hash        types.Hash     `json:"hash"`
	Number      hexutil.Uint64 `json:"number"`
	TimestampMs hexutil.Uint64 `json:"timestampMs"`
	Bits        hexutil.Uint64 `json:"bits"`
	GasLimit    hexutil.Uint64 `json:"gasLimit"`
	StateRoot   types.Hash     `json:"stateRoot"`
}

// fetchChainInfo asks the node for its chain id and genesis hash.
func fetchChainInfo(ctx context.Context, c *rpcClient) (*chainInfo, error) {
	var id hexutil.Uint64
	if err := c.Call(ctx, &id, "eth_chainId"); err != nil {
		return nil, err
	}
	var genesis *rpcBlock
	if err := c.Call(ctx, &genesis, "eth_getBlockByNumber", "0x0", false); err != nil {
		return nil, err
	}
	if genesis == nil {
		return nil, fmt.Errorf("%w: %s has no block 0", errUnreachable, c.URL())
	}
	return &chainInfo{ChainID: uint64(id), Genesis: genesis.Hash}, nil
}

// fetchHead returns the node's head block.
func fetchHead(ctx context.Context, c *rpcClient) (headInfo, error) {
	var b *rpcBlock
	if err := c.Call(ctx, &b, "eth_getBlockByNumber", "latest", false); err != nil {
		return headInfo{}, err
	}
	if b == nil {
		return headInfo{}, fmt.Errorf("%w: %s has no latest block", errUnreachable, c.URL())
	}
	return headInfo{
		Hash: b.Hash, Height: uint64(b.Number), TimeMs: uint64(b.TimestampMs), Bits: uint32(b.Bits),
		GasLimit: uint64(b.GasLimit), StateRoot: b.StateRoot,
	}, nil
}

// status is the status message of a peer at head h of this network.
func (ci *chainInfo) status(h p2p.Head) *p2p.StatusMsg {
	return &p2p.StatusMsg{Version: p2p.ProtocolVersion, ChainID: ci.ChainID, Genesis: ci.Genesis, Head: h}
}
