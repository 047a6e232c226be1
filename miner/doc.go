// Package miner finds proof of work for new blocks on the active chain.
//
// Pipeline, per template:
//
//  1. Template (template.go): a chain.Builder on the tip, filled from the
//     TxSource's best transactions. A transaction that breaks a rule there
//     is skipped and reported back through TxSource.Failed (so it never
//     reaches a block), as are its sender's later ones; one that merely
//     does not fit in what is left of the block is skipped silently. The
//     builder sets the time (at least median-time-past + 1 ms), the bits the
//     ASERT rule demands and every root.
//  2. Search (search.go): the header's first 192 bytes are compressed once
//     into a SHA-256 midstate (package sha256x); Threads goroutines then
//     scan disjoint nonce ranges (worker i takes the high nonce words i,
//     i+N, i+2N...), two compressions per attempt. Each batch of attempts
//     moves the header time up to the clock (never past it, and within the
//     executed second when transactions might have read it), so no range
//     is ever searched twice.
//  3. Restart: a new tip (chain.NewHead, from the network or from our own
//     block), a settings change, or better transactions (TxNotify when the
//     template is empty, else at the next Recommit) abort the workers within
//     one batch (a few milliseconds) and start over on a new template.
//  4. Submit: a solution goes through Chain.ProcessBlock like any block,
//     then to Config.OnBlock, which the node uses to announce it.
//
// The miner depends on the chain only through Chain and on the mempool only
// through TxSource, both defined here; *chain.BlockChain satisfies Chain.
// Start/Stop run and end the search; SetThreads and SetCoinbase apply at
// run time; HashRate is a moving average for eth_hashrate and metrics.
//
// Dev mode is the dev genesis (params.DevGenesis, tiny initial difficulty)
// plus Config.WaitForTxs, which mines only while transactions are waiting,
// as geth's --dev.period 0.
//
// Errors: ErrRunning and ErrNotRunning from Start and Stop, ErrBadThreads
// from SetThreads and New, ErrConfig from New; chain errors from the
// template and ProcessBlock are logged, never returned, as the search goes
// on regardless.
package miner
