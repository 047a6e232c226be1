package miner

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/types"
)

// msPerSecond converts header time (unix ms) to the seconds contracts see
// (vm TIMESTAMP is header time / 1000).
const msPerSecond = 1000

// template is a block ready for its nonce search.
type template struct {
	block  *types.Block // every field but the nonce (and the time, which moves)
	fees   uint256.Int  // paid to the coinbase on top of the subsidy
	parent types.Hash
	target [32]byte // the hash must be <= target, big-endian
	// minTime and maxTime bound the header time the search may use: the
	// builder's time (>= median time past + 1) and, when the block has
	// transactions, the last millisecond of the second they were executed
	// in, since a contract may have read the time in seconds.
	minTime, maxTime uint64
	built            time.Time
}

// timeAt is the header time to use when the clock reads nowMs: the clock,
// within the template's bounds.
func (t *template) timeAt(nowMs uint64) uint64 {
	return min(max(nowMs, t.minTime), t.maxTime)
}

// newTemplate builds a block on the tip paying coinbase, with the best
// transactions src offers (src may be nil: an empty block).
func (m *Miner) newTemplate(coinbase types.Address, src TxSource) (*template, error) {
	now := m.cfg.Now()
	extra := m.cfg.Extra
	// The last 8 bytes are random per template, so two miners paying the
	// same coinbase (or one miner restarted) never search the same headers.
	for i, v := 0, rand.Uint64(); i < 8; i++ {
		extra[types.HeaderExtraSize-8+i] = byte(v >> (8 * i))
	}
	b, err := m.cfg.Chain.NewBuilder(coinbase, uint64(now.UnixMilli()), extra)
	if err != nil {
		return nil, err
	}
	if src != nil {
		if err := m.fill(b, src); err != nil {
			return nil, err
		}
	}
	blk, _, fees, err := b.Finish()
	if err != nil {
		return nil, err
	}
	target, err := types.CompactToTarget(blk.Header.Bits)
	if err != nil {
		return nil, fmt.Errorf("miner: template bits %#08x: %w", blk.Header.Bits, err)
	}
	th, err := types.TargetToHash(target)
	if err != nil {
		return nil, fmt.Errorf("miner: template bits %#08x: %w", blk.Header.Bits, err)
	}
	t := &template{
		block:   blk,
		fees:    fees,
		parent:  blk.Header.ParentHash,
		target:  th,
		minTime: blk.Header.Time,
		maxTime: math.MaxUint64,
		built:   now,
	}
	if len(blk.Txs) > 0 {
		t.maxTime = max(t.minTime, blk.Header.Time/msPerSecond*msPerSecond+msPerSecond-1)
	}
	return t, nil
}

// fill adds src's pending transactions to b in the order offered. Once one
// of a sender's transactions is left out, the sender's later ones (which
// need its nonce) are left out too, without being blamed.
func (m *Miner) fill(b *chain.Builder, src TxSource) error {
	skip := make(map[types.Address]bool)
	for _, p := range src.Pending(b.GasLeft()) {
		if b.GasLeft() < types.TxGas {
			break // not even a plain transfer fits
		}
		if p.Tx == nil || skip[p.From] {
			continue
		}
		if err := checkSender(p); err != nil {
			skip[p.From] = true
			src.Failed(p.Tx, err)
			continue
		}
		_, err := b.AddTx(p.Tx, p.From)
		var re *chain.RuleError
		switch {
		case err == nil:
		case errors.Is(err, chain.ErrBlockGasExceeded), errors.Is(err, chain.ErrBlockTooBig):
			skip[p.From] = true // valid, but not in what is left of this block
		case errors.Is(err, chain.ErrStaleTemplate):
			return err
		case errors.As(err, &re):
			skip[p.From] = true
			m.log.Debug("transaction left out of template", "tx", p.Tx.Hash(), "from", p.From, "err", err)
			src.Failed(p.Tx, err)
		default:
			// Not a rule: an I/O or executor failure. The transaction may
			// be fine; leave it out of this block without blaming it.
			skip[p.From] = true
			m.log.Warn("transaction could not be applied", "tx", p.Tx.Hash(), "err", err)
		}
	}
	return nil
}

// checkSender makes sure the transaction is signed by p.From: the builder
// trusts From, and a wrong one would make the block invalid. The sender is
// cached in the transaction, so this is free when the pool recovered it.
// A transaction for another chain gets past here and is refused by the
// builder with chain.ErrWrongChainID.
func checkSender(p PendingTx) error {
	from, err := types.NewSigner(p.Tx.ChainID).Sender(p.Tx)
	if err != nil {
		return fmt.Errorf("%w: transaction %s: %w", chain.ErrBadTxSignature, p.Tx.Hash(), err)
	}
	if from != p.From {
		return fmt.Errorf("%w: transaction %s is signed by %s, offered as from %s", chain.ErrBadTxSignature, p.Tx.Hash(), from, p.From)
	}
	return nil
}
