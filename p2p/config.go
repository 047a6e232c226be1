package p2p

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/quarry-chain/quarry/chain/types"
)

// Config configures a Service. Zero fields take the defaults of
// DefaultConfig (applied by New); Chain, TxPool and Genesis are required.
type Config struct {
	// Chain and TxPool are the node's block chain and transaction pool.
	Chain  Chain
	TxPool TxPool
	// Genesis is the genesis block hash: it names the protocols and gossip
	// topics, so nodes of different networks never exchange data.
	Genesis types.Hash
	// ChainID is the network's chain id, checked in the handshake.
	ChainID uint64

	// DataDir holds the identity key (file KeyFileName, mode 0600). Empty:
	// a fresh key each start (tests, throwaway nodes).
	DataDir string
	// ListenAddrs are multiaddrs to listen on, e.g. /ip4/0.0.0.0/tcp/30333
	// and /ip4/0.0.0.0/udp/30333/quic-v1.
	ListenAddrs []string
	// Bootnodes are multiaddrs with a /p2p/<peer id> suffix, dialled at
	// start and re-dialled whenever they drop.
	Bootnodes []string
	// MDNS enables discovery of peers on the local network.
	MDNS bool
	// DHT enables discovery through a Kademlia DHT of the network's nodes,
	// joined through the bootnodes (see dht.go).
	DHT bool

	// LowWater and HighWater are the connection manager's marks: above
	// HighWater connections it trims back to LowWater. Peers that drop are
	// re-dialled only while we have fewer than LowWater connections
	// (bootnodes always).
	LowWater, HighWater int

	// MaxBlockBytes is the largest encoded block accepted from gossip or
	// sync, normally the genesis block size limit; at most
	// types.MaxBlockDecodeSize.
	MaxBlockBytes int

	// BanThreshold is the misbehaviour score (see Offense) at which a peer
	// is disconnected and banned for BanDuration. Scores decay, halving
	// every ScoreHalfLife.
	BanThreshold  float64
	BanDuration   time.Duration
	ScoreHalfLife time.Duration

	// HandshakeTimeout bounds the status exchange; RequestTimeout one sync
	// request and its response.
	HandshakeTimeout time.Duration
	RequestTimeout   time.Duration
	// StatusInterval is how often peers' status is refreshed, which is how
	// a node learns that a peer's chain has more work.
	StatusInterval time.Duration
	// ProgressInterval is how often sync logs its progress.
	ProgressInterval time.Duration

	// BlocksPerRequest is how many blocks one GetBlocks asks for during
	// sync (at most MaxBlocksPerMsg); MaxInflightPerPeer how many requests
	// one peer may have outstanding; SyncWindow how far (in blocks) past
	// the next block to import downloads may run ahead, which bounds the
	// memory of blocks waiting to be imported.
	BlocksPerRequest   int
	MaxInflightPerPeer int
	SyncWindow         int

	// ServeRate and ServeBurst limit the sync and status requests one peer
	// may make (requests per second, bucket size). GossipRate and
	// GossipBurst bound the transactions a peer relays to us that we
	// validate, BlockGossipRate and BlockGossipBurst the blocks. Gossip
	// above them is ignored (neither validated nor forwarded) but not
	// penalised: a relay forwards what others publish, and an honest network
	// under load must not ban itself apart. Dropped blocks come back through
	// sync; dropped transactions through the pool exchange with peers.
	ServeRate, GossipRate, BlockGossipRate    float64
	ServeBurst, GossipBurst, BlockGossipBurst int

	// TxAnnounceInterval is how often each peer is offered the hashes of
	// our pending transactions again (besides at the handshake): GossipSub
	// drops what its validation queue cannot take under a burst, and
	// nothing else would ever offer those transactions again (a load test
	// lost half of 5,000 transfers that way). Peers fetch only the hashes
	// they lack, so a repeat costs at most 4096 hashes (128 KB) per peer.
	TxAnnounceInterval time.Duration

	// RedialMin and RedialMax bound the exponential backoff between dials
	// of a peer that dropped or could not be reached.
	RedialMin, RedialMax time.Duration

	// Logger receives the package's logs; nil discards them.
	Logger *slog.Logger
}

// KeyFileName is the identity key's file name in Config.DataDir.
const KeyFileName = "p2p_key"

// ProtocolVersion is the version of the protocols of this package; it is
// part of every protocol id and carried in the status message. Version 2:
// gossip messages carry no author or signature (version 1 signed them), so
// the two cannot share a topic.
const ProtocolVersion = 2

// DefaultConfig returns the defaults for everything but the required
// fields.
func DefaultConfig() Config {
	return Config{
		ListenAddrs:        []string{"/ip4/0.0.0.0/tcp/30333", "/ip4/0.0.0.0/udp/30333/quic-v1"},
		LowWater:           32,
		HighWater:          64,
		MaxBlockBytes:      4 << 20,
		BanThreshold:       100,
		BanDuration:        time.Hour,
		ScoreHalfLife:      10 * time.Minute,
		HandshakeTimeout:   10 * time.Second,
		RequestTimeout:     15 * time.Second,
		StatusInterval:     30 * time.Second,
		ProgressInterval:   5 * time.Second,
		BlocksPerRequest:   64,
		MaxInflightPerPeer: 2,
		SyncWindow:         2048,
		ServeRate:          50,
		ServeBurst:         100,
		GossipRate:         5000,
		GossipBurst:        10000,
		BlockGossipRate:    20,
		BlockGossipBurst:   50,
		TxAnnounceInterval: 10 * time.Second,
		RedialMin:          time.Second,
		RedialMax:          time.Minute,
	}
}

// withDefaults fills the zero fields of c from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.ListenAddrs == nil {
		c.ListenAddrs = d.ListenAddrs
	}
	setInt := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	setDur := func(v *time.Duration, def time.Duration) {
		if *v == 0 {
			*v = def
		}
	}
	setFloat := func(v *float64, def float64) {
		if *v == 0 {
			*v = def
		}
	}
	setInt(&c.LowWater, d.LowWater)
	setInt(&c.HighWater, d.HighWater)
	setInt(&c.MaxBlockBytes, d.MaxBlockBytes)
	setFloat(&c.BanThreshold, d.BanThreshold)
	setDur(&c.BanDuration, d.BanDuration)
	setDur(&c.ScoreHalfLife, d.ScoreHalfLife)
	setDur(&c.HandshakeTimeout, d.HandshakeTimeout)
	setDur(&c.RequestTimeout, d.RequestTimeout)
	setDur(&c.StatusInterval, d.StatusInterval)
	setDur(&c.ProgressInterval, d.ProgressInterval)
	setInt(&c.BlocksPerRequest, d.BlocksPerRequest)
	setInt(&c.MaxInflightPerPeer, d.MaxInflightPerPeer)
	setInt(&c.SyncWindow, d.SyncWindow)
	setFloat(&c.ServeRate, d.ServeRate)
	setInt(&c.ServeBurst, d.ServeBurst)
	setFloat(&c.GossipRate, d.GossipRate)
	setInt(&c.GossipBurst, d.GossipBurst)
	setFloat(&c.BlockGossipRate, d.BlockGossipRate)
	if c.TxAnnounceInterval <= 0 {
		c.TxAnnounceInterval = d.TxAnnounceInterval
	}
	setInt(&c.BlockGossipBurst, d.BlockGossipBurst)
	setDur(&c.RedialMin, d.RedialMin)
	setDur(&c.RedialMax, d.RedialMax)
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// check validates c (after withDefaults) and parses its addresses.
func (c *Config) check() (listen []ma.Multiaddr, boot []peer.AddrInfo, err error) {
	switch {
	case c.Chain == nil:
		return nil, nil, fmt.Errorf("%w: Chain is nil", ErrBadConfig)
	case c.TxPool == nil:
		return nil, nil, fmt.Errorf("%w: TxPool is nil", ErrBadConfig)
	case c.Genesis.IsZero():
		return nil, nil, fmt.Errorf("%w: Genesis hash is zero", ErrBadConfig)
	case c.LowWater < 0 || c.HighWater < c.LowWater:
		return nil, nil, fmt.Errorf("%w: connection marks low %d, high %d", ErrBadConfig, c.LowWater, c.HighWater)
	case c.MaxBlockBytes < 0 || c.MaxBlockBytes > types.MaxBlockDecodeSize:
		return nil, nil, fmt.Errorf("%w: MaxBlockBytes %d outside 1..%d", ErrBadConfig, c.MaxBlockBytes, types.MaxBlockDecodeSize)
	case c.BlocksPerRequest < 0 || c.BlocksPerRequest > MaxBlocksPerMsg:
		return nil, nil, fmt.Errorf("%w: BlocksPerRequest %d outside 1..%d", ErrBadConfig, c.BlocksPerRequest, MaxBlocksPerMsg)
	case c.SyncWindow < c.BlocksPerRequest:
		return nil, nil, fmt.Errorf("%w: SyncWindow %d below BlocksPerRequest %d", ErrBadConfig, c.SyncWindow, c.BlocksPerRequest)
	case c.BanThreshold < 0:
		return nil, nil, fmt.Errorf("%w: negative BanThreshold", ErrBadConfig)
	}
	for _, s := range c.ListenAddrs {
		a, err := ma.NewMultiaddr(s)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: listen address %q: %v", ErrBadConfig, s, err)
		}
		listen = append(listen, a)
	}
	for _, s := range c.Bootnodes {
		info, err := ParsePeerAddr(s)
		if err != nil {
			return nil, nil, fmt.Errorf("bootnode: %w", err)
		}
		boot = append(boot, info)
	}
	return listen, boot, nil
}

// ParsePeerAddr parses a multiaddr that ends in /p2p/<peer id>, such as
// /ip4/10.0.0.2/tcp/30333/p2p/12D3KooW..., into a peer id and address. It
// fails with ErrBadConfig on a malformed address or a missing peer id.
func ParsePeerAddr(s string) (peer.AddrInfo, error) {
	a, err := ma.NewMultiaddr(s)
	if err != nil {
		return peer.AddrInfo{}, fmt.Errorf("%w: peer address %q: %v", ErrBadConfig, s, err)
	}
	info, err := peer.AddrInfoFromP2pAddr(a)
	if err != nil {
		return peer.AddrInfo{}, fmt.Errorf("%w: peer address %q needs a /p2p/<peer id> suffix: %v", ErrBadConfig, s, err)
	}
	return *info, nil
}
