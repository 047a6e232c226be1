package mempool

import (
	"cmp"
	"maps"
	"slices"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/types"
)

// Chain events. The chain sends, in commit order, BlockDisconnected for
// each block a reorganisation removes (tip first), BlockConnected for each
// block added, Reorg summarising a branch switch, and NewHead once the
// tip has settled. By then the committed state is the new tip's, so the
// pool only collects what changed until NewHead and then brings itself up
// to date at once:
//
//   - every pooled sender the blocks touched (senders, recipients,
//     coinbases) is re-read from the new state: transactions below its new
//     nonce (included, or replaced by another in a block) are dropped, and
//     so are, highest nonce first, those its new balance no longer covers.
//     Senders the blocks did not touch cannot have a lower nonce or
//     balance, so the cost is proportional to the blocks, not the pool;
//   - the transactions of disconnected blocks are admitted again, oldest
//     block first, against the new state: those the new branch included
//     fail with "nonce too low" and are forgotten, the rest return;
//   - a returned transaction that was local when a block included it is
//     local again, so it is journaled as before: the pool remembers the
//     hashes of the local transactions that blocks included (the newest
//     minedLocalsKept of them), and the journal appends the returned ones
//     at once, since a rewrite while they were mined dropped them from
//     the file.
//
// A Reorg event lists the same blocks as the per-block events; the pool
// accepts either or both (each block counts once), so a node may forward
// only Reorg and NewHead for reorganisations.

// headWork is what the events since the last NewHead changed.
type headWork struct {
	touched      map[types.Address]struct{}
	seen         map[types.Hash]struct{} // blocks already noted
	connected    []*types.Block
	disconnected []disconnectedBlock
}

// minedLocalsKept is how many included local transactions the pool
// remembers, the newest by the height of their block: about 300 KB at
// most. A reorganisation that takes back more of this node's own
// transactions than that returns the oldest as remote (pooled, but no
// longer journaled).
const minedLocalsKept = 4096

// disconnectedBlock is a block to take transactions back from, with the
// senders of its transactions (nil where unknown).
type disconnectedBlock struct {
	height  uint64
	txs     []*types.Transaction
	senders []types.Address
	known   []bool
}

// HandleChainEvent brings the pool up to date with the chain. The node
// subscribes to the chain and passes every event here, in the order
// received; it is quick enough to run inside the chain's event delivery.
func (p *Pool) HandleChainEvent(ev chain.Event) {
	p.headMu.Lock()
	defer p.headMu.Unlock()
	switch e := ev.(type) {
	case chain.BlockConnected:
		p.noteBlock(e.Block, false)
	case chain.BlockDisconnected:
		p.noteBlock(e.Block, true)
	case chain.Reorg:
		p.noteReorg(&e)
	case chain.NewHead:
		p.newHead()
	}
}

func (p *Pool) noteReorg(r *chain.Reorg) {
	for _, b := range r.Disconnected {
		p.noteBlock(b, true)
	}
	for _, b := range r.Connected {
		p.noteBlock(b, false)
	}
}

// noteBlock records the accounts b touched and, for a disconnected block,
// its transactions. Call with headMu held.
func (p *Pool) noteBlock(b *types.Block, disconnected bool) {
	if b == nil || b.Header == nil {
		return
	}
	w := &p.head
	if w.seen == nil {
		w.seen = make(map[types.Hash]struct{})
		w.touched = make(map[types.Address]struct{})
	}
	h := b.Hash()
	if _, ok := w.seen[h]; ok {
		return
	}
	w.seen[h] = struct{}{}
	w.touched[b.Header.Coinbase] = struct{}{}
	d := disconnectedBlock{height: b.Header.Height}
	if disconnected {
		d.txs = b.Txs
		d.senders = make([]types.Address, len(b.Txs))
		d.known = make([]bool, len(b.Txs))
	}
	for i, tx := range b.Txs {
		if tx.To != nil {
			w.touched[*tx.To] = struct{}{}
		}
		// The chain verified every sender of a block it accepted and
		// recorded it in the shared cache; a miss (a small or unshared
		// cache) costs one recovery.
		from, ok := p.sigs.Get(tx.Hash())
		if !ok {
			var err error
			from, err = p.signer.Sender(tx)
			ok = err == nil
		}
		if ok {
			w.touched[from] = struct{}{}
		}
		if disconnected {
			d.senders[i], d.known[i] = from, ok
		}
	}
	if disconnected {
		w.disconnected = append(w.disconnected, d)
	} else {
		w.connected = append(w.connected, b)
	}
}

// newHead applies the work collected since the last head. Call with headMu
// held.
func (p *Pool) newHead() {
	w := p.head
	p.head = headWork{}
	reader, err := p.chain.StateReader()

	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		if err == nil {
			reader.Release()
		}
		return
	}
	if err != nil {
		// Keep checking against the previous state; the next head retries.
		p.log.Error("mempool: cannot read the new head's state", "err", err)
	} else {
		p.reader.Release()
		p.reader = reader
	}
	// Before resync drops them: which of the included transactions are
	// local.
	p.rememberMinedLocals(w.connected)
	var announce []*poolTx
	for addr := range w.touched {
		if a := p.senders[addr]; a != nil {
			announce = append(announce, p.resync(a)...)
		}
	}
	slices.SortStableFunc(w.disconnected, func(a, b disconnectedBlock) int { return cmp.Compare(a.height, b.height) })
	returned := 0
	var locals []*poolTx
	for _, d := range w.disconnected {
		for i, tx := range d.txs {
			if !d.known[i] {
				continue
			}
			ptx, err := p.checkStateless(tx)
			if err != nil {
				continue
			}
			ptx.sender = d.senders[i]
			_, ptx.local = p.minedLocals[ptx.hash]
			promoted, err := p.admit(ptx)
			if err != nil {
				// Re-included by the new branch (kept, for a later
				// reorganisation), or no longer valid.
				continue
			}
			returned++
			announce = append(announce, promoted...)
			if ptx.local {
				delete(p.minedLocals, ptx.hash)
				locals = append(locals, ptx)
			}
		}
	}
	announce = p.stillPooled(announce)
	locals = p.stillPooled(locals)
	p.mu.Unlock()

	if len(w.disconnected) > 0 {
		p.log.Info("mempool: reorganisation", "blocks_disconnected", len(w.disconnected), "transactions_returned", returned)
	}
	p.subs.send(announce)
	p.returned.send(locals)
}

// rememberMinedLocals records, with the height of their block, the
// transactions of blocks that are pooled as local or were remembered
// already (a branch that includes them again), then forgets the oldest
// beyond minedLocalsKept. Call with headMu and mu held.
func (p *Pool) rememberMinedLocals(blocks []*types.Block) {
	for _, b := range blocks {
		for _, tx := range b.Txs {
			h := tx.Hash()
			_, known := p.minedLocals[h]
			if ptx := p.all[h]; !known && (ptx == nil || !ptx.local) {
				continue
			}
			if p.minedLocals == nil {
				p.minedLocals = make(map[types.Hash]uint64)
			}
			p.minedLocals[h] = b.Header.Height
		}
	}
	pruneMinedLocals(p.minedLocals, minedLocalsKept)
}

// pruneMinedLocals forgets the lowest-height entries of m once it holds
// more than keep, down to three quarters of keep, so that it sorts
// rarely.
func pruneMinedLocals(m map[types.Hash]uint64, keep int) {
	if len(m) <= keep {
		return
	}
	hashes := slices.SortedFunc(maps.Keys(m), func(a, b types.Hash) int { return cmp.Compare(m[a], m[b]) })
	for _, h := range hashes[:len(hashes)-(keep-keep/4)] {
		delete(m, h)
	}
}

// resync re-reads a's account from the state and drops what it can no
// longer pay or has already used. It returns the transactions that became
// executable. Call with mu held.
func (p *Pool) resync(a *account) []*poolTx {
	acct, _, err := p.reader.Account(a.addr)
	if err != nil {
		p.log.Error("mempool: cannot read account", "address", a.addr, "err", err)
		return nil
	}
	wasPending := a.pendingNonce()
	q0 := a.queued()
	a.nonce, a.balance = acct.Nonce, acct.Balance
	stale := 0
	for stale < len(a.txs) && a.txs[stale].nonce < a.nonce {
		p.forget(a, a.txs[stale])
		stale++
	}
	a.txs = slices.Delete(a.txs, 0, stale)
	// The balance may have fallen (a reorg can undo an incoming transfer):
	// keep the lowest nonces, which are the ones a block can include.
	for len(a.txs) > 0 && a.balance.Lt(&a.spend) {
		p.forget(a, a.tail())
		a.txs = slices.Delete(a.txs, len(a.txs)-1, len(a.txs))
	}
	a.recount()
	p.nQueued += a.queued() - q0
	p.evict.update(a)
	if len(a.txs) == 0 {
		delete(p.senders, a.addr)
		return nil
	}
	var promoted []*poolTx
	for _, t := range a.txs[:a.exec] {
		if t.nonce >= wasPending {
			promoted = append(promoted, t)
		}
	}
	return promoted
}

// forget drops ptx of a from the pool-wide indexes and a's spend; the
// caller removes it from a.txs. Call with mu held.
func (p *Pool) forget(a *account, ptx *poolTx) {
	a.spend.Sub(&a.spend, &ptx.cost)
	delete(p.all, ptx.hash)
	p.bytes -= ptx.size
}
