package node

import (
	"errors"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/mempool"
	"github.com/quarry-chain/quarry/miner"
	"github.com/quarry-chain/quarry/p2p"
)

// p2pChain lets the network read and extend the chain.
type p2pChain struct{ bc *chain.BlockChain }

var _ p2p.Chain = p2pChain{}

func (c p2pChain) Head() p2p.Head {
	best := c.bc.Best()
	return p2p.Head{Hash: best.Hash, Height: best.Height, TotalWork: best.TotalWork}
}

func (c p2pChain) HaveBlock(h types.Hash) bool           { return c.bc.HaveBlock(h) }
func (c p2pChain) BlockLocator() []types.Hash            { return c.bc.BlockLocator() }
func (c p2pChain) CheckHeaders(hs []*types.Header) error { return c.bc.CheckHeaders(hs) }

func (c p2pChain) LocateHeaders(locator []types.Hash, stop types.Hash, max int) []*types.Header {
	return c.bc.LocateHeaders(locator, stop, max)
}

func (c p2pChain) BlockByHash(h types.Hash) (*types.Block, error) { return c.bc.BlockByHash(h) }

// SubmitBlock imports a block from a peer. Only a rule violation proves the
// peer dishonest; a block from the future may be valid for a peer whose
// clock is ahead, and our own storage failures are not its fault.
func (c p2pChain) SubmitBlock(b *types.Block) p2p.Verdict {
	res, err := c.bc.ProcessBlock(b)
	switch {
	case err == nil && res.Status == chain.StatusOrphan:
		return p2p.Orphan(res.MissingAncestor)
	case err == nil:
		return p2p.Accepted()
	case errors.Is(err, chain.ErrDuplicateBlock), errors.Is(err, chain.ErrTimeTooNew):
		return p2p.Ignored(err)
	case isRuleError(err):
		return p2p.Rejected(err)
	}
	return p2p.Ignored(err)
}

func isRuleError(err error) bool {
	var re *chain.RuleError
	return errors.As(err, &re)
}

// p2pPool lets the network add transactions from peers to the pool.
type p2pPool struct{ pool *mempool.Pool }

var _ p2p.TxPool = p2pPool{}

// SubmitTx adds a transaction from a peer. Transactions that are invalid
// in themselves (bad signature, wrong chain, too little gas for any state)
// are the sender's fault; the rest depend on our pool and state, which the
// peer may see differently.
func (p p2pPool) SubmitTx(tx *types.Transaction) p2p.Verdict {
	err := p.pool.Add(tx, false)
	switch {
	case err == nil:
		return p2p.Accepted()
	case errors.Is(err, mempool.ErrInvalidSender), errors.Is(err, mempool.ErrInvalidChainID),
		errors.Is(err, mempool.ErrIntrinsicGas), errors.Is(err, mempool.ErrOversizedData),
		errors.Is(err, mempool.ErrTxTypeNotSupported), errors.Is(err, mempool.ErrTipAboveFeeCap),
		errors.Is(err, mempool.ErrGasLimit):
		return p2p.Rejected(err)
	}
	return p2p.Ignored(err)
}

func (p p2pPool) Has(h types.Hash) bool { return p.pool.Has(h) }

// Get serves a peer's request for a pooled transaction.
func (p p2pPool) Get(h types.Hash) *types.Transaction { return p.pool.Get(h) }

// PendingHashes lists up to max executable transactions for announcing to
// a new peer, best first and each sender's in nonce order, so the peer can
// admit them in the order given.
func (p p2pPool) PendingHashes(max int) []types.Hash {
	it := p.pool.Iterate()
	var out []types.Hash
	for len(out) < max {
		ptx, ok := it.Peek()
		if !ok {
			break
		}
		out = append(out, ptx.Tx.Hash())
		it.Shift()
	}
	return out
}

// poolSource hands the miner the pool's best transactions.
type poolSource struct {
	pool *mempool.Pool
	log  interface {
		Debug(msg string, args ...any)
	}
}

var _ miner.TxSource = poolSource{}

// Pending returns the best transactions that fit gasLimit, each sender's in
// nonce order; a sender whose next transaction does not fit is skipped
// whole, since its later ones cannot come first.
func (s poolSource) Pending(gasLimit uint64) []miner.PendingTx {
	it := s.pool.Iterate()
	var out []miner.PendingTx
	var gas uint64
	for {
		ptx, ok := it.Peek()
		if !ok {
			return out
		}
		if ptx.Tx.Gas > gasLimit-gas {
			it.Pop()
			continue
		}
		gas += ptx.Tx.Gas
		out = append(out, miner.PendingTx{Tx: ptx.Tx, From: ptx.Sender})
		it.Shift()
	}
}

// Failed is told of a transaction that broke a rule in a template. The pool
// re-checks affected senders on every new head, so it only needs logging.
func (s poolSource) Failed(tx *types.Transaction, err error) {
	s.log.Debug("transaction skipped by the miner", "tx", tx.Hash(), "err", err)
}
