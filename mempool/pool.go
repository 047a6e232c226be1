package mempool

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/state"
	"github.com/quarry-chain/quarry/chain/types"
)

// Pool holds valid transactions that are not in the active chain yet. It
// is safe for concurrent use: signatures are verified outside its lock,
// and readers get copies, never the pool's own structures.
type Pool struct {
	cfg    Config
	chain  Chain
	log    *slog.Logger
	signer types.Signer
	sigs   chain.SigCache

	// Consensus limits, fixed by the genesis.
	chainID       uint64
	gasLimit      uint64
	maxBlockBytes uint64

	mu      sync.Mutex
	reader  *state.Reader // state at the head the pool is checked against
	all     map[types.Hash]*poolTx
	senders map[types.Address]*account
	evict   evictHeap
	bytes   int // sum of the sizes in all
	nQueued int // sum of the accounts' queued counts
	seq     uint64
	closed  bool

	// head collects chain events until the NewHead that ends them;
	// minedLocals (also guarded by headMu) remembers which included
	// transactions were local, so that a reorganisation returns them local
	// (events.go).
	headMu      sync.Mutex
	head        headWork
	minedLocals map[types.Hash]uint64

	subs     feed
	returned feed // local transactions a reorganisation returned (journal.go)

	// evictHook, when set (by tests), sees every eviction.
	evictHook func(victim *poolTx, victimExec bool, newcomer *poolTx, newcomerExec bool)
}

// New returns an empty pool checked against cfg.Chain's current state.
// Close releases the state view it holds.
func New(cfg Config) (*Pool, error) {
	if cfg.Chain == nil {
		return nil, errors.New("mempool: Config.Chain is required")
	}
	cfg = cfg.withDefaults()
	params := cfg.Chain.Params()
	reader, err := cfg.Chain.StateReader()
	if err != nil {
		return nil, fmt.Errorf("mempool: state: %w", err)
	}
	return &Pool{
		cfg:           cfg,
		chain:         cfg.Chain,
		log:           cfg.Logger,
		signer:        types.NewSigner(params.ChainID),
		sigs:          cfg.SigCache,
		chainID:       params.ChainID,
		gasLimit:      params.GasLimit,
		maxBlockBytes: params.MaxBlockBytes,
		reader:        reader,
		all:           make(map[types.Hash]*poolTx),
		senders:       make(map[types.Address]*account),
	}, nil
}

// Close releases the pool's state view. Admission fails afterwards.
func (p *Pool) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.closed = true
		p.reader.Release()
	}
	return nil
}

// ErrClosed is returned by admission after Close.
var ErrClosed = errors.New("mempool: closed")

// Add admits one transaction, verifying its signature, and returns nil
// or why it was refused: a *TxError whose Kind is one of the ErrorKind
// constants (errors.Is), or a failure to read the state. local marks a
// transaction submitted to this node (over RPC), which SaveLocals keeps.
func (p *Pool) Add(tx *types.Transaction, local bool) error {
	return p.AddBatch([]*types.Transaction{tx}, local)[0]
}

// AddBatch admits txs in order, verifying their signatures in parallel,
// and returns one error (or nil) per transaction, as Add does. A later
// transaction of the batch may depend on an earlier one (the next nonce
// of the same sender).
func (p *Pool) AddBatch(txs []*types.Transaction, local bool) []error {
	errs := make([]error, len(txs))
	ptxs := make([]*poolTx, len(txs))
	for i, tx := range txs {
		ptxs[i], errs[i] = p.checkStateless(tx)
	}
	// Known transactions are the common case in gossip: skip their
	// signatures.
	p.mu.Lock()
	for i, ptx := range ptxs {
		if errs[i] == nil {
			if _, ok := p.all[ptx.hash]; ok {
				errs[i] = txError(ErrAlreadyKnown, ptx.hash, nil, "")
			}
		}
	}
	p.mu.Unlock()
	p.recoverSenders(ptxs, errs)

	var announce []*poolTx
	p.mu.Lock()
	for i, ptx := range ptxs {
		if errs[i] != nil {
			continue
		}
		ptx.local = local
		var promoted []*poolTx
		promoted, errs[i] = p.admit(ptx)
		announce = append(announce, promoted...)
	}
	announce = p.stillPooled(announce)
	p.mu.Unlock()

	for i, ptx := range ptxs {
		if errs[i] == nil {
			p.sigs.Add(ptx.hash, ptx.sender)
		}
	}
	p.subs.send(announce)
	return errs
}

// stillPooled filters ptxs to those still in the pool (a later admission
// of the same batch may have evicted or replaced one). Call with mu held.
func (p *Pool) stillPooled(ptxs []*poolTx) []*poolTx {
	return slices.DeleteFunc(ptxs, func(ptx *poolTx) bool { return p.all[ptx.hash] != ptx })
}

// admit checks ptx (whose sender is verified) against the state and the
// pool, and inserts it. It returns the transactions that became
// executable (ptx itself, and any queued ones whose gap it filled). On
// error the pool is unchanged. Call with mu held.
func (p *Pool) admit(ptx *poolTx) ([]*poolTx, error) {
	if p.closed {
		return nil, ErrClosed
	}
	if _, ok := p.all[ptx.hash]; ok {
		return nil, txError(ErrAlreadyKnown, ptx.hash, nil, "")
	}
	a := p.senders[ptx.sender]
	if a == nil {
		acct, _, err := p.reader.Account(ptx.sender)
		if err != nil {
			return nil, fmt.Errorf("mempool: transaction %s: %w", ptx.hash, err)
		}
		a = &account{addr: ptx.sender, nonce: acct.Nonce, balance: acct.Balance, heapIdx: -1}
	}
	if ptx.nonce < a.nonce {
		return nil, txError(ErrNonceTooLow, ptx.hash, nil,
			fmt.Sprintf("address %s, tx: %d state: %d", ptx.sender, ptx.nonce, a.nonce))
	}
	if a.balance.Lt(&ptx.cost) {
		return nil, txError(ErrInsufficientFunds, ptx.hash, nil,
			fmt.Sprintf("address %s have %s want %s", ptx.sender, a.balance.Dec(), ptx.cost.Dec()))
	}
	var old *poolTx
	if i, found := a.find(ptx.nonce); found {
		old = a.txs[i]
		if !p.bumps(old.tx, ptx.tx) {
			return nil, txError(ErrReplaceUnderpriced, ptx.hash, nil,
				fmt.Sprintf("address %s, nonce %d: needs %d%% more than %s", ptx.sender, ptx.nonce, p.cfg.PriceBump, old.hash))
		}
	}
	spend := a.spend
	if old != nil {
		spend.Sub(&spend, &old.cost)
	}
	if _, overflow := spend.AddOverflow(&spend, &ptx.cost); overflow || a.balance.Lt(&spend) {
		return nil, txError(ErrOverdraft, ptx.hash, nil,
			fmt.Sprintf("address %s: balance %s, pooled transactions would spend %s", ptx.sender, a.balance.Dec(), spend.Dec()))
	}
	if old == nil {
		if len(a.txs) >= p.cfg.MaxPerSender {
			return nil, txError(ErrAccountLimit, ptx.hash, nil,
				fmt.Sprintf("address %s has %d pooled transactions", ptx.sender, len(a.txs)))
		}
		if !a.executableAfter(ptx.nonce) && a.queued() >= p.cfg.MaxQueuedPerSender {
			return nil, txError(ErrAccountLimit, ptx.hash, nil,
				fmt.Sprintf("address %s has %d queued transactions", ptx.sender, a.queued()))
		}
	}

	p.seq++
	ptx.seq = p.seq
	wasPending := a.pendingNonce()
	if old != nil {
		p.remove(a, old)
	}
	p.put(a, ptx)
	if _, ok := p.makeRoom(a, ptx); !ok {
		p.remove(a, ptx)
		if old != nil {
			p.put(a, old)
		}
		return nil, txError(ErrPoolFull, ptx.hash, nil,
			fmt.Sprintf("%d transactions, %d bytes, %d queued: nothing cheaper to evict", len(p.all), p.bytes, p.nQueued))
	}
	if ptx.nonce >= a.pendingNonce() {
		return nil, nil // queued
	}
	var promoted []*poolTx
	if ptx.nonce < wasPending {
		promoted = append(promoted, ptx) // a replacement
	}
	for _, t := range a.txs[:a.exec] {
		if t.nonce >= wasPending {
			promoted = append(promoted, t)
		}
	}
	return promoted, nil
}

// bumps reports whether replacement may replace old: it must raise both
// fee caps (the gas price, for legacy and access-list transactions) and
// the effective price strictly and by at least PriceBump percent.
func (p *Pool) bumps(old, replacement *types.Transaction) bool {
	oldFee, oldTip := feeCaps(old)
	newFee, newTip := feeCaps(replacement)
	oldPrice, newPrice := old.EffectiveGasPrice(), replacement.EffectiveGasPrice()
	return p.raised(&oldFee, &newFee) && p.raised(&oldTip, &newTip) && p.raised(&oldPrice, &newPrice)
}

// raised reports whether new > old and new >= old * (100+PriceBump) / 100.
func (p *Pool) raised(old, new *uint256.Int) bool {
	if !new.Gt(old) {
		return false
	}
	// 100 + bump in 256 bits: in 64 a huge bump would wrap to a tiny one.
	var min, factor uint256.Int
	factor.SetUint64(p.cfg.PriceBump)
	factor.AddUint64(&factor, 100)
	if _, overflow := min.MulDivOverflow(old, &factor, uint256.NewInt(100)); overflow {
		return false
	}
	return !new.Lt(&min)
}

// feeCaps returns a transaction's fee cap and tip cap; a legacy or
// access-list transaction's gas price is both.
func feeCaps(tx *types.Transaction) (fee, tip uint256.Int) {
	if tx.Type == types.DynamicFeeTxType {
		return tx.GasFeeCap, tx.GasTipCap
	}
	return tx.GasPrice, tx.GasPrice
}

// put inserts ptx into a (which it registers if a was empty) and updates
// every index. The nonce must be free. Call with mu held.
func (p *Pool) put(a *account, ptx *poolTx) {
	if len(a.txs) == 0 {
		p.senders[a.addr] = a
	}
	q0 := a.queued()
	i, _ := a.find(ptx.nonce)
	a.txs = slices.Insert(a.txs, i, ptx)
	a.spend.Add(&a.spend, &ptx.cost)
	a.recount()
	p.nQueued += a.queued() - q0
	p.all[ptx.hash] = ptx
	p.bytes += ptx.size
	p.evict.update(a)
}

// remove takes ptx out of a and every index, dropping a if it is left
// empty. Later nonces of a become queued. Call with mu held.
func (p *Pool) remove(a *account, ptx *poolTx) {
	i, found := a.find(ptx.nonce)
	if !found || a.txs[i] != ptx {
		return
	}
	q0 := a.queued()
	a.txs = slices.Delete(a.txs, i, i+1)
	a.spend.Sub(&a.spend, &ptx.cost)
	a.recount()
	p.nQueued += a.queued() - q0
	delete(p.all, ptx.hash)
	p.bytes -= ptx.size
	p.evict.update(a)
	if len(a.txs) == 0 {
		delete(p.senders, a.addr)
	}
}
