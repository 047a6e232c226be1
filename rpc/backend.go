package rpc

import (
	"context"
	"math/big"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// The server reaches the node only through the interfaces in this file, one
// per area, each small. A nil backend in Config leaves its methods
// unregistered (clients get -32601). Every method may be called
// concurrently. Lookups that find nothing return an error wrapping
// ErrNotFound; other failures should wrap one of the kinds in errors.go
// (see doc.go for how the node maps its own errors to them).

// ChainBackend reads the active chain.
type ChainBackend interface {
	// ChainID is the EIP-155 chain id from the genesis configuration.
	ChainID() uint64
	// Head returns the header of the active chain's tip.
	Head() *types.Header
	// HeaderByNumber and BlockByNumber return the active chain's block at
	// height n, or ErrNotFound above the tip.
	HeaderByNumber(ctx context.Context, n uint64) (*types.Header, error)
	BlockByNumber(ctx context.Context, n uint64) (*types.Block, error)
	// HeaderByHash and BlockByHash return any stored block, in the active
	// chain or not (see InMainChain), or ErrNotFound.
	HeaderByHash(ctx context.Context, hash types.Hash) (*types.Header, error)
	BlockByHash(ctx context.Context, hash types.Hash) (*types.Block, error)
	// InMainChain reports whether hash is a block of the active chain.
	InMainChain(ctx context.Context, hash types.Hash) bool
	// Receipts returns the receipts of a stored block, one per transaction
	// in order, with their lookup fields (transaction hash and type, block,
	// index, sender, recipient, contract address, price paid) filled in, as
	// chain.BlockChain.Receipts does. They are shared: read-only.
	Receipts(ctx context.Context, blockHash types.Hash) ([]*types.Receipt, error)
	// TxLookup says where the active chain includes a transaction.
	TxLookup(ctx context.Context, txHash types.Hash) (TxLocation, error)
	// TotalWork returns the cumulative work of the chain ending at a stored
	// block (served as totalDifficulty).
	TotalWork(ctx context.Context, blockHash types.Hash) (*big.Int, error)
}

// TxLocation places a transaction in the active chain.
type TxLocation struct {
	BlockHash types.Hash
	Height    uint64
	Index     uint64
}

// StateBackend reads account state as of the end of a block. The header
// passed is one the ChainBackend returned. A node that no longer keeps the
// state of that block returns an error wrapping ErrStateNotAvailable.
type StateBackend interface {
	Balance(ctx context.Context, at *types.Header, addr types.Address) (*uint256.Int, error)
	Nonce(ctx context.Context, at *types.Header, addr types.Address) (uint64, error)
	Code(ctx context.Context, at *types.Header, addr types.Address) ([]byte, error)
	Storage(ctx context.Context, at *types.Header, addr types.Address, slot types.Hash) (types.Hash, error)
}

// ExecBackend runs a message against the state at the end of a block,
// without committing anything: eth_call, and eth_estimateGas by binary
// search over Call.
type ExecBackend interface {
	Call(ctx context.Context, msg *CallMsg, at *types.Header) (*ExecResult, error)
}

// CallMsg is a message to execute. The server fills in defaults before
// calling the backend: Gas is never zero and never above the configured cap.
type CallMsg struct {
	From     types.Address
	To       *types.Address // nil: contract creation
	Gas      uint64
	GasPrice uint256.Int // zero: no fee is charged, and balance is not checked for it
	Value    uint256.Int
	Data     []byte
}

// ExecResult is the outcome of a Call that ran. An error from Call itself
// means the message could not be run at all (state not available,
// insufficient funds, intrinsic gas too low...).
type ExecResult struct {
	// ReturnData is the output, or the revert payload when Reverted.
	ReturnData []byte
	GasUsed    uint64
	// Reverted: the code executed REVERT.
	Reverted bool
	// Err is any other execution failure; out of gas wraps ErrOutOfGas so
	// that eth_estimateGas can tell it from other failures.
	Err error
}

// PoolBackend is the transaction pool.
type PoolBackend interface {
	// SendTx validates tx and adds it to the pool (and the network), or
	// returns an error wrapping one of the transaction kinds
	// (ErrNonceTooLow, ErrAlreadyKnown, ErrReplaceUnderpriced...).
	SendTx(ctx context.Context, tx *types.Transaction) error
	// PendingNonce is the next nonce for addr counting pool transactions.
	PendingNonce(ctx context.Context, addr types.Address) (uint64, error)
	// Tx returns a transaction in the pool, or nil.
	Tx(hash types.Hash) *types.Transaction
	// Content returns the pool's executable (pending) and waiting (queued)
	// transactions by sender, each list in nonce order.
	Content() (pending, queued map[types.Address][]*types.Transaction)
	// SuggestGasPrice is the gas price a new transaction should pay to be
	// mined soon (eth_gasPrice, eth_maxPriorityFeePerGas).
	SuggestGasPrice(ctx context.Context) (*uint256.Int, error)
}

// MiningBackend is the local miner and the external-miner work interface.
type MiningBackend interface {
	// Start starts mining with threads workers (0: the backend's default).
	Start(threads int) error
	Stop() error
	SetThreads(threads int) error
	SetCoinbase(addr types.Address) error
	Status() MiningStatus
	// GetWork returns a block template for an external miner.
	GetWork(ctx context.Context) (*Work, error)
	// SubmitWork offers a solution of the template id: the header's time
	// (unix ms) and nonce. It returns nil if the block was accepted, an
	// error wrapping ErrUnknownWork for a stale or unknown id, or the rule
	// the block broke.
	SubmitWork(ctx context.Context, id types.Hash, time, nonce uint64) error
}

// MiningStatus is a snapshot of the local miner.
type MiningStatus struct {
	Mining   bool
	Threads  int
	Hashrate uint64 // hashes per second, averaged by the miner
	Coinbase types.Address
}

// Work is a block template for an external miner: search the nonce (and
// optionally the time) of Header until its hash is at or below Target.
type Work struct {
	ID     types.Hash // identifies the template in SubmitWork
	Header *types.Header
	Target types.Hash // 256-bit big-endian target Header.Bits encodes
}

// AdminBackend is the peer-to-peer layer.
type AdminBackend interface {
	NodeInfo(ctx context.Context) (*NodeInfo, error)
	Peers(ctx context.Context) ([]PeerInfo, error)
	// AddPeer dials addr (a multiaddr with a peer id); RemovePeer
	// disconnects the peer with the given id.
	AddPeer(ctx context.Context, addr string) error
	RemovePeer(ctx context.Context, id string) error
	// BlockPeer cuts the peer with the given id off both ways until
	// UnblockPeer: it is disconnected and every connection to or from it
	// is refused (how a test network is partitioned). UnblockPeer lets it
	// in again and re-dials it if it is a peer we keep dialling.
	BlockPeer(ctx context.Context, id string) error
	UnblockPeer(ctx context.Context, id string) error
}

// NodeInfo describes the local node.
type NodeInfo struct {
	ID          string // peer id
	Name        string // client name and version
	ListenAddrs []string
	Genesis     types.Hash
	Listening   bool // accepting inbound connections
}

// PeerInfo describes a connected peer.
type PeerInfo struct {
	ID      string
	Addrs   []string
	Inbound bool
	Agent   string     // the peer's client name
	Height  uint64     // the peer's head height at the last status exchange
	Head    types.Hash // and its hash
}

// PoWBackend answers the proof-of-work questions of the quarry_ namespace.
type PoWBackend interface {
	// ChainTips lists the head of every branch, most work first.
	ChainTips(ctx context.Context) ([]ChainTip, error)
	// Reorgs lists up to limit recent reorganisations, newest first.
	Reorgs(ctx context.Context, limit int) ([]ReorgInfo, error)
}

// ChainTip is the head of one branch of the block tree.
type ChainTip struct {
	Hash      types.Hash
	Height    uint64
	TotalWork *big.Int
	BranchLen uint64 // blocks since the branch left the active chain
	Status    string // "active", "valid-fork", "valid-header", "invalid"
}

// ReorgInfo records one reorganisation.
type ReorgInfo struct {
	Time         uint64 // unix ms when it happened
	Fork         types.Hash
	ForkHeight   uint64
	OldTip       types.Hash
	NewTip       types.Hash
	Disconnected uint64 // blocks removed
	Connected    uint64 // blocks added
}

// SyncBackend reports block download progress.
type SyncBackend interface {
	// SyncProgress returns nil when the node is not syncing.
	SyncProgress(ctx context.Context) (*SyncProgress, error)
}

// SyncProgress is eth_syncing's object.
type SyncProgress struct {
	StartingBlock uint64
	CurrentBlock  uint64
	HighestBlock  uint64
}

// EventSource delivers what subscriptions and filters follow. Handlers are
// called in order, must return quickly and must not block: the server only
// formats and queues inside them. The returned function unsubscribes.
type EventSource interface {
	SubscribeChain(fn func(ChainEvent)) (unsubscribe func())
	SubscribePendingTxs(fn func([]*types.Transaction)) (unsubscribe func())
}

// ChainEvent is one change of the active chain's tip: the blocks that left
// it (old tip first, down to the fork point, exclusive) and the blocks that
// joined it (from above the fork point up to the new tip). A plain extension
// has no Removed blocks. Each block comes with its receipts so that log
// subscribers get their logs, flagged removed for Removed blocks.
type ChainEvent struct {
	Removed []BlockReceipts
	Added   []BlockReceipts
}

// BlockReceipts is a block and its receipts (one per transaction).
type BlockReceipts struct {
	Block    *types.Block
	Receipts []*types.Receipt
}
