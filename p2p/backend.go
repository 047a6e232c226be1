package p2p

import (
	"fmt"
	"math/big"

	"github.com/quarry-chain/quarry/chain/types"
)

// Chain is what the network layer needs from the block chain. The node
// implements it over chain.BlockChain. Every method must be safe for
// concurrent use; none may block for long, except SubmitBlock, which runs
// full validation.
type Chain interface {
	// Head describes the tip of the active chain.
	Head() Head
	// HaveBlock reports whether the block is stored (on any branch) or
	// waiting in the orphan pool.
	HaveBlock(hash types.Hash) bool
	// BlockLocator lists active-chain hashes from the tip back to genesis:
	// the tip first, then stepping back exponentially, genesis last.
	BlockLocator() []types.Hash
	// LocateHeaders finds the first locator hash on the active chain (the
	// fork point; genesis if none is found) and returns the active chain's
	// headers after it, in ascending height, at most max of them, ending
	// early at stop (inclusive) unless stop is zero.
	LocateHeaders(locator []types.Hash, stop types.Hash, max int) []*types.Header
	// BlockByHash returns a stored block; an error if it is unknown.
	BlockByHash(hash types.Hash) (*types.Block, error)
	// CheckHeaders checks a contiguous run of headers whose first parent is
	// a known block: proof of work, the difficulty rule and the time rules,
	// each header in the context of the ones before it. It returns nil if
	// every header would be acceptable, or an error naming the first that
	// is not.
	CheckHeaders(headers []*types.Header) error
	// SubmitBlock fully validates a block and adds it to the chain.
	SubmitBlock(b *types.Block) Verdict
}

// TxPool is what the network layer needs from the transaction pool.
type TxPool interface {
	// SubmitTx validates a transaction and adds it to the pool.
	SubmitTx(tx *types.Transaction) Verdict
	// Has reports whether the pool holds the transaction, a cheap check
	// that spares decoding work for duplicates.
	Has(hash types.Hash) bool
	// PendingHashes returns the hashes of at most max executable
	// transactions, best first and each sender's in nonce order, which
	// the network announces to new peers.
	PendingHashes(max int) []types.Hash
	// Get returns the pooled transaction with the hash, or nil; it serves
	// peers' GetPooledTxs requests.
	Get(hash types.Hash) *types.Transaction
}

// Head is a snapshot of the tip of a chain: ours from Chain.Head, a peer's
// from its status message.
type Head struct {
	Hash   types.Hash
	Height uint64
	// TotalWork is the cumulative work of the chain up to and including
	// Hash (sum over blocks of 2^256/(target+1)). Never nil in a Head the
	// package hands out; treat it as read-only.
	TotalWork *big.Int
}

// Outcome is the verdict of validation on a block or transaction from the
// network. It decides whether gossip forwards the message and whether the
// sender is penalised.
type Outcome uint8

const (
	// Accept: valid and new. Gossip forwards it.
	Accept Outcome = iota + 1
	// Ignore: not forwarded, not penalised: a duplicate, an orphan block
	// (set Verdict.Missing), a transaction the pool has no room for, a block
	// too far in the future (clocks differ; that is no proof of malice).
	Ignore
	// Reject: provably invalid. Not forwarded; the sender is penalised and,
	// past the ban threshold, banned. Use it only for what every honest
	// node would also reject.
	Reject
)

// String implements fmt.Stringer.
func (o Outcome) String() string {
	switch o {
	case Accept:
		return "accept"
	case Ignore:
		return "ignore"
	case Reject:
		return "reject"
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// Verdict is what Chain.SubmitBlock and TxPool.SubmitTx report.
type Verdict struct {
	Outcome Outcome
	// Missing is, for an orphan block (Outcome Ignore), the unknown
	// ancestor the chain waits for; the network layer then fetches the
	// missing blocks from the peer that sent the orphan.
	Missing types.Hash
	// Err says why a message was ignored or rejected (logged, and matched
	// by callers with errors.Is). Nil for Accept.
	Err error
}

// Accepted returns an Accept verdict.
func Accepted() Verdict { return Verdict{Outcome: Accept} }

// Ignored returns an Ignore verdict for the given reason.
func Ignored(err error) Verdict { return Verdict{Outcome: Ignore, Err: err} }

// Orphan returns the Ignore verdict of a block whose ancestor missing is
// unknown.
func Orphan(missing types.Hash) Verdict { return Verdict{Outcome: Ignore, Missing: missing} }

// Rejected returns a Reject verdict for the given rule violation.
func Rejected(err error) Verdict { return Verdict{Outcome: Reject, Err: err} }
