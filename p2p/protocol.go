package p2p

import (
	"encoding/hex"
	"fmt"

	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/quarry-chain/quarry/chain/types"
)

// Names of protocols and topics. Each carries the genesis hash (64 hex
// digits) and the protocol version, so peers of another network or version
// fail protocol negotiation and never share a gossip topic.
//
//	/quarry/<genesis>/status/2   status handshake (request/response)
//	/quarry/<genesis>/sync/2     GetHeaders/GetBlocks/GetPooledTxs (request/response),
//	                             PooledTxHashes (announcement, no response)
//	/quarry/<genesis>/blocks/2   GossipSub topic of blocks
//	/quarry/<genesis>/txs/2      GossipSub topic of transactions
func protocolName(genesis types.Hash, what string) string {
	return fmt.Sprintf("/quarry/%s/%s/%d", hex.EncodeToString(genesis[:]), what, ProtocolVersion)
}

// StatusProtocol returns the status handshake's protocol id.
func StatusProtocol(genesis types.Hash) protocol.ID {
	return protocol.ID(protocolName(genesis, "status"))
}

// SyncProtocol returns the sync request/response protocol id.
func SyncProtocol(genesis types.Hash) protocol.ID {
	return protocol.ID(protocolName(genesis, "sync"))
}

// BlockTopic returns the name of the blocks gossip topic.
func BlockTopic(genesis types.Hash) string { return protocolName(genesis, "blocks") }

// TxTopic returns the name of the transactions gossip topic.
func TxTopic(genesis types.Hash) string { return protocolName(genesis, "txs") }

// Size limits of frames, in bytes, by what they carry.
const (
	// maxStatusBytes: a status message is 1+4+8+32+32+8+1+32 = 118 bytes.
	maxStatusBytes = 128
	// maxRequestBytes: the largest request is a GetPooledTxs or a
	// PooledTxHashes announcement of 256 hashes (1 + 2 + 8192 bytes);
	// GetBlocks (128 hashes) and GetHeaders (64 locator hashes) are smaller.
	maxRequestBytes = 1 + binaryMaxVarint + MaxPooledTxsPerMsg*types.HashLength
	// maxHeadersBytes: 2000 headers of 212 bytes and their count.
	maxHeadersBytes = 1 + binaryMaxVarint + MaxHeadersPerMsg*types.HeaderSize
	// blocksSoftBytes: a server stops adding blocks to a response once it
	// holds this much (but always sends at least one block).
	blocksSoftBytes = 4 << 20
	// txsSoftBytes: a server stops adding transactions to a PooledTxs
	// response once it holds this much (but always sends at least one).
	txsSoftBytes = 1 << 20
	// maxPooledTxsBytes is the largest PooledTxs response we read: the
	// soft limit, plus one transaction of the largest size that crosses
	// it, plus the length prefixes.
	maxPooledTxsBytes = txsSoftBytes + types.MaxTxSize + (MaxPooledTxsPerMsg+1)*binaryMaxVarint + 1
	binaryMaxVarint   = 10
)

// maxBlocksBytes is the largest Blocks response we read: the soft limit,
// plus one block that crosses it, plus the length prefixes.
func (c *Config) maxBlocksBytes() int {
	return blocksSoftBytes + c.MaxBlockBytes + (MaxBlocksPerMsg+1)*binaryMaxVarint + 1
}

// maxGossipBytes is the largest gossip message: a block at the limit, with
// room for pubsub's envelope.
func (c *Config) maxGossipBytes() int { return c.MaxBlockBytes + 64<<10 }
