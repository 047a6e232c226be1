// Package mempool holds valid transactions that are not yet in the active
// chain and hands the miner the best set to include.
//
// Pipeline of a transaction (Pool.Add, Pool.AddBatch):
//
//  1. stateless checks, cheapest first: type, size, replay protection and
//     chain id, gas against the block gas limit and the intrinsic gas, fee
//     caps, minimum gas price, cost overflow;
//  2. duplicate check, then the signature, verified once (in parallel for
//     a batch) and recorded in the signature cache shared with the chain,
//     so connecting the block that includes it does not verify it again;
//  3. state and pool checks under the pool's lock, against the sender's
//     account at the pool's head: nonce, balance for this transaction and
//     for all the sender's pooled ones together, replacement price bump,
//     per-sender limits;
//  4. insertion, then eviction while the pool is over a limit (count,
//     bytes, queued): see evict.go for which transactions may go.
//
// Each sender's transactions are executable (its next nonces without a
// gap) or queued (after a gap); a queued one becomes executable when the
// gap fills. Pool.Iterate and Pool.Pending give the best executable set
// for a block (template.go). Pool.HandleChainEvent follows the chain:
// transactions that blocks included or made unaffordable go, and those of
// blocks a reorganisation removed come back, local ones still local
// (events.go).
// SubscribeExecutable reports transactions as they become executable (for
// gossip and newPendingTransactions). A Journal (Pool.OpenJournal) keeps
// the transactions submitted to this node across restarts and crashes:
// appended as they are accepted, rewritten with what is still pooled
// (journal.go).
//
// Errors: every refusal is a *TxError whose Kind is one of the ErrorKind
// constants in error.go, matched with errors.Is. A kind's text is
// go-ethereum's message for the same refusal ("nonce too low",
// "already known", ...), which RPC returns unchanged because client
// libraries recognise it. Where the refusal is a consensus rule the
// error also matches the chain's rule kind (chain.ErrBadTxNonce...). A
// refusal leaves the pool unchanged. Failures to read the state are
// plain wrapped errors; ErrClosed follows Close; ErrBadJournal marks a
// corrupt journal (a torn last record is not an error: it is dropped);
// ErrJournalClosed follows Journal.Close.
//
// The pool is safe for concurrent use; its locks are private and readers
// get copies.
package mempool
