package rpc

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Default limits. Each is a Config field; zero takes the default.
const (
	DefaultAddr             = "127.0.0.1:8545"
	DefaultMaxBodyBytes     = 5 << 20 // 5 MiB: geth's limit; a max-size tx is 128 KiB
	DefaultMaxBatch         = 1000    // requests per batch, as geth
	DefaultMaxBatchResponse = 25 << 20
	DefaultRequestTimeout   = 30 * time.Second
	DefaultMaxWSConns       = 100
	DefaultMaxSubsPerConn   = 100
	DefaultMaxJSONDepth     = 64   // nesting of arrays and objects in one request
	DefaultWSSendQueue      = 1024 // queued outgoing messages before a WS client is dropped as slow
	// DefaultWSSendQueueBytes bounds the bytes queued for one WS client,
	// which the message count alone does not: 1024 answers of up to
	// MaxBatchResponse each would be gigabytes for a client that never
	// reads.
	DefaultWSSendQueueBytes = 16 << 20
	DefaultWSWriteTimeout   = 10 * time.Second
	DefaultFilterTimeout    = 5 * time.Minute // idle filters are removed, as geth
	DefaultMaxFilters       = 1000
	DefaultMaxFilterQueue   = 10000 // undelivered items per filter; older ones are dropped
	DefaultMaxLogBlockRange = 10000 // blocks per eth_getLogs
	DefaultMaxLogResults    = 10000 // logs per eth_getLogs
	DefaultGasCap           = 50_000_000
	DefaultMaxFeeHistory    = 1024 // blocks per eth_feeHistory
	DefaultSafeDepth        = 6    // confirmations for the "safe" tag
	DefaultFinalizedDepth   = 64   // confirmations for the "finalized" tag
	// DefaultMaxResponseBytesInFlight bounds the encoded answers the whole
	// server holds at once: ten 6 MiB answers, or two full batches.
	// Hostile clients asking for large answers concurrently drove a node
	// past 700 MiB without it.
	DefaultMaxResponseBytesInFlight = 64 << 20
)

// Config configures a Server. Backends left nil disable their methods.
type Config struct {
	// Addr is the TCP address to listen on (DefaultAddr if empty).
	Addr string

	Chain  ChainBackend
	State  StateBackend
	Exec   ExecBackend
	Pool   PoolBackend
	Mining MiningBackend
	Admin  AdminBackend
	PoW    PoWBackend
	Sync   SyncBackend
	Events EventSource
	// SenderCache, if set, saves signature recoveries (see SenderCache).
	SenderCache SenderCache

	// ClientVersion is web3_clientVersion's answer, e.g. "quarry/v0.1.0/linux-amd64/go1.26".
	ClientVersion string

	// CORSOrigins lists the web origins allowed to call over HTTP and
	// WebSocket ("*" for any). Browser extensions (wallets) are always
	// allowed; other cross-origin requests are refused. admin_ and miner_
	// methods take browser requests only from origins named here, never
	// through "*".
	CORSOrigins []string
	// AuthToken, if set, must be presented as "Authorization: Bearer
	// <token>" to call admin_ and miner_ methods, on any listener. If it is
	// empty those methods are served only on a loopback listener.
	AuthToken string

	MaxBodyBytes     int64
	MaxBatch         int
	MaxBatchResponse int // bytes of one batch's responses
	RequestTimeout   time.Duration
	MaxWSConns       int
	MaxSubsPerConn   int
	MaxJSONDepth     int
	WSSendQueue      int
	// WSSendQueueBytes bounds the bytes waiting for a WS client's writer;
	// a message that would exceed it drops the client as too slow, unless
	// the queue is empty (one answer may be larger: see MaxBatchResponse).
	WSSendQueueBytes int
	WSWriteTimeout   time.Duration
	FilterTimeout    time.Duration
	MaxFilters       int
	MaxFilterQueue   int
	MaxLogBlockRange uint64
	MaxLogResults    int
	// GasCap bounds the gas of eth_call and eth_estimateGas.
	GasCap        uint64
	MaxFeeHistory uint64
	// SafeDepth and FinalizedDepth are how many blocks below the tip the
	// "safe" and "finalized" tags resolve to. Proof of work never
	// finalizes; these are confirmation counts, clamped at genesis.
	SafeDepth      uint64
	FinalizedDepth uint64
	// MaxResponseBytesInFlight bounds the bytes of encoded answers the
	// server holds at once, over all clients: an answer is charged from
	// when it is encoded until it is written (HTTP body, WebSocket
	// message). An answer that does not fit waits, within RequestTimeout,
	// and then gets ErrResponseBudget (-32005). One answer larger than the
	// bound is still served when nothing else is in flight, and answers
	// under 64 KiB are counted but never wait: they cost little, and must
	// not queue behind large ones. Negative: unlimited.
	MaxResponseBytesInFlight int64

	Logger *slog.Logger
}

// ErrNoChain is returned by New without a ChainBackend: every other area
// needs it.
var ErrNoChain = errors.New("rpc: Config.Chain is required")

// withDefaults returns c with zero fields set to their defaults.
func (c Config) withDefaults() (Config, error) {
	if c.Chain == nil {
		return c, ErrNoChain
	}
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	setInt64(&c.MaxBodyBytes, DefaultMaxBodyBytes)
	setInt(&c.MaxBatch, DefaultMaxBatch)
	setInt(&c.MaxBatchResponse, DefaultMaxBatchResponse)
	setDur(&c.RequestTimeout, DefaultRequestTimeout)
	setInt(&c.MaxWSConns, DefaultMaxWSConns)
	setInt(&c.MaxSubsPerConn, DefaultMaxSubsPerConn)
	setInt(&c.MaxJSONDepth, DefaultMaxJSONDepth)
	setInt(&c.WSSendQueue, DefaultWSSendQueue)
	setInt(&c.WSSendQueueBytes, DefaultWSSendQueueBytes)
	setDur(&c.WSWriteTimeout, DefaultWSWriteTimeout)
	setDur(&c.FilterTimeout, DefaultFilterTimeout)
	setInt(&c.MaxFilters, DefaultMaxFilters)
	setInt(&c.MaxFilterQueue, DefaultMaxFilterQueue)
	setUint(&c.MaxLogBlockRange, DefaultMaxLogBlockRange)
	setInt(&c.MaxLogResults, DefaultMaxLogResults)
	setUint(&c.GasCap, DefaultGasCap)
	setUint(&c.MaxFeeHistory, DefaultMaxFeeHistory)
	setUint(&c.SafeDepth, DefaultSafeDepth)
	setUint(&c.FinalizedDepth, DefaultFinalizedDepth)
	setInt64(&c.MaxResponseBytesInFlight, DefaultMaxResponseBytesInFlight)
	if c.ClientVersion == "" {
		c.ClientVersion = "quarry"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.MaxBodyBytes < 0 || c.MaxBatch < 0 || c.RequestTimeout < 0 {
		return c, fmt.Errorf("rpc: negative limit in Config")
	}
	return c, nil
}

func setInt(p *int, d int) {
	if *p == 0 {
		*p = d
	}
}

func setInt64(p *int64, d int64) {
	if *p == 0 {
		*p = d
	}
}

func setUint(p *uint64, d uint64) {
	if *p == 0 {
		*p = d
	}
}

func setDur(p *time.Duration, d time.Duration) {
	if *p == 0 {
		*p = d
	}
}
