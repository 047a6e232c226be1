package mempool

import (
	"slices"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// poolTx is a pooled transaction with what admission derived from it.
type poolTx struct {
	tx     *types.Transaction
	hash   types.Hash
	sender types.Address
	nonce  uint64
	price  uint256.Int // effective gas price
	cost   uint256.Int // gas * price + value
	size   int         // encoded bytes
	seq    uint64      // admission order: older wins ties
	local  bool        // submitted to this node (persisted by SaveLocals)
}

// account is one sender's transactions and the state they were checked
// against. Invariants (checked by the tests):
//   - txs is sorted by nonce, without duplicates, every nonce >= nonce;
//   - txs[:exec] have the nonces nonce, nonce+1, ...: they are executable,
//     the rest (after a gap) are queued;
//   - spend is the sum of the costs of txs and does not exceed balance
//     (so all of them together can be paid for);
//   - an account with no transactions is not kept.
type account struct {
	addr    types.Address
	nonce   uint64      // state nonce at the pool's head
	balance uint256.Int // state balance at the pool's head
	txs     []*poolTx
	exec    int
	spend   uint256.Int
	heapIdx int // position in the eviction heap, -1 when not in it
}

// find returns the index of nonce in txs and whether it is there.
func (a *account) find(nonce uint64) (int, bool) {
	return slices.BinarySearchFunc(a.txs, nonce, func(p *poolTx, n uint64) int {
		switch {
		case p.nonce < n:
			return -1
		case p.nonce > n:
			return 1
		}
		return 0
	})
}

// recount recomputes exec from txs.
func (a *account) recount() {
	e := 0
	for e < len(a.txs) && a.txs[e].nonce == a.nonce+uint64(e) {
		e++
	}
	a.exec = e
}

// queued returns the number of non-executable transactions.
func (a *account) queued() int { return len(a.txs) - a.exec }

// tail returns the highest-nonce transaction: the only one that can be
// evicted without opening a nonce gap.
func (a *account) tail() *poolTx { return a.txs[len(a.txs)-1] }

// tailExecutable reports whether the tail is executable.
func (a *account) tailExecutable() bool { return a.exec == len(a.txs) }

// pendingNonce returns the nonce the sender's next transaction should use.
func (a *account) pendingNonce() uint64 { return a.nonce + uint64(a.exec) }

// executableAfter reports whether a transaction with nonce would be
// executable once inserted (it extends or sits in the executable run).
func (a *account) executableAfter(nonce uint64) bool { return nonce <= a.pendingNonce() }
