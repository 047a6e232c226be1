// Package p2p is Quarry's network layer: a libp2p host (TCP and QUIC,
// Noise, yamux, resource and connection managers, a connection gater) that
// gossips blocks and transactions, keeps the node in sync with its peers,
// and scores and bans peers that misbehave.
//
// It moves bytes and typed messages; the node provides the chain and the
// pool through the small Chain and TxPool interfaces (defined here), so the
// package imports nothing of Quarry's but chain/types.
//
// # Pipeline
//
//	connect ──> status handshake (genesis, chain id, version, head, work)
//	   │            └─ other network/version: disconnect, log, ban, no re-dial
//	   ├──> gossip: blocks/txs topics ──> validator ──> Chain.SubmitBlock / TxPool.SubmitTx
//	   │            Accept: forward · Ignore: drop (orphan: sync from sender)
//	   │            Reject: drop, penalise (GossipSub score and ours)
//	   ├──> tx announcements, at the handshake and once more when the mesh
//	   │            has formed: PooledTxHashes (TxPool.PendingHashes) ──> the
//	   │            peer queues what it lacks ──> GetPooledTxs (TxPool.Get)
//	   │            ──> TxPool.SubmitTx, verdicts as for gossip; this catches
//	   │            what gossip published before the peer was in the mesh
//	   └──> sync, when a peer has more work: GetHeaders by locator ──> link check
//	            ──> Chain.CheckHeaders ──> GetBlocks from several peers in
//	            parallel (windowed, timeouts, retries elsewhere) ──> SubmitBlock in order
//
// The node publishes with AnnounceBlock and AnnounceTx, administers peers
// with Peers, ConnectPeer, DisconnectPeer, BanPeer, BlockPeer/UnblockPeer
// (partitions) and Self, and runs the service with Start and Stop.
//
// # Wire format
//
// Status and sync use request/response streams, one request per stream
// (a PooledTxHashes announcement gets no response, only the stream's close),
// each message a length-prefixed frame (see EncodeMessage for the compact
// binary encoding). Every frame is capped by what its protocol allows
// before it is read, and DecodeMessage is strict. Gossip carries the
// canonical encodings of types.Block and types.Transaction.
//
// # Misbehaviour
//
// Each peer has a decaying score; each Offense costs points (an invalid
// block 100, garbage 50, a stall 10...). At Config.BanThreshold the peer
// is disconnected and the gater refuses it for Config.BanDuration. Queues,
// pending requests, the orphan-fetch request, announced transaction hashes
// (per peer), remembered rejected transactions, score and ban tables and the
// re-dial list are all bounded, so nothing a peer sends grows our memory
// without bound.
//
// # Errors
//
// Decoding errors wrap ErrMalformed (ErrUnknownKind, ErrTooManyItems,
// ErrTrailingBytes, ErrNonCanonical); ErrMessageTooLarge, ErrUnexpectedMessage,
// ErrBadResponse and ErrTimeout describe failed exchanges; ErrIncompatible
// a peer of another network; ErrBadConfig, ErrBadKey, ErrNotStarted,
// ErrSelf and ErrBanned come from the API. Match them with errors.Is.
package p2p
