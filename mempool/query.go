package mempool

import (
	"fmt"

	"github.com/quarry-chain/quarry/chain/types"
)

// Get returns the pooled transaction with hash, or nil.
func (p *Pool) Get(hash types.Hash) *types.Transaction {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ptx := p.all[hash]; ptx != nil {
		return ptx.tx
	}
	return nil
}

// Has reports whether the pool holds the transaction with hash.
func (p *Pool) Has(hash types.Hash) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.all[hash]
	return ok
}

// PendingNonce returns the nonce addr's next transaction should carry:
// its state nonce at the pool's head plus its executable pooled
// transactions (eth_getTransactionCount with "pending").
func (p *Pool) PendingNonce(addr types.Address) (uint64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if a := p.senders[addr]; a != nil {
		return a.pendingNonce(), nil
	}
	if p.closed {
		return 0, ErrClosed
	}
	acct, _, err := p.reader.Account(addr)
	if err != nil {
		return 0, fmt.Errorf("mempool: pending nonce of %s: %w", addr, err)
	}
	return acct.Nonce, nil
}

// Status returns how many pooled transactions are executable (pending)
// and how many wait for a lower nonce (queued), as txpool_status.
func (p *Pool) Status() (pending, queued int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.all) - p.nQueued, p.nQueued
}

// Bytes returns the sum of the pooled transactions' encoded sizes.
func (p *Pool) Bytes() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.bytes
}

// AccountContent is one sender's pooled transactions, each list in nonce
// order: Pending are executable now, Queued wait for a lower nonce.
type AccountContent struct {
	Pending []*types.Transaction
	Queued  []*types.Transaction
}

// Content returns every sender's pooled transactions, as txpool_content
// and txpool_inspect show them. The result is a copy.
func (p *Pool) Content() map[types.Address]AccountContent {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[types.Address]AccountContent, len(p.senders))
	for addr, a := range p.senders {
		out[addr] = a.content()
	}
	return out
}

// ContentFrom returns addr's pooled transactions (txpool_contentFrom).
func (p *Pool) ContentFrom(addr types.Address) AccountContent {
	p.mu.Lock()
	defer p.mu.Unlock()
	if a := p.senders[addr]; a != nil {
		return a.content()
	}
	return AccountContent{}
}

// content copies a's transactions out.
func (a *account) content() AccountContent {
	var c AccountContent
	if a.exec > 0 {
		c.Pending = make([]*types.Transaction, a.exec)
		for i, ptx := range a.txs[:a.exec] {
			c.Pending[i] = ptx.tx
		}
	}
	if q := a.txs[a.exec:]; len(q) > 0 {
		c.Queued = make([]*types.Transaction, len(q))
		for i, ptx := range q {
			c.Queued[i] = ptx.tx
		}
	}
	return c
}
