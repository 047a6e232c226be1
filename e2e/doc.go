// Package e2e holds Quarry's end-to-end tests: each starts real in-process
// nodes (chain, mempool, miner and JSON-RPC server wired by package node, no
// network) and drives them only from the outside, the way users' tools do.
//
// Pipeline:
//
//	ethers_test.go     npm ci (once) -> node js/test.mjs <rpc-url> <key> <code>:
//	                   ethers v6 reads the chain, sends transfers of every
//	                   type, deploys the example token with a ContractFactory,
//	                   calls it through a standard ERC-20 ABI, decodes its
//	                   Transfer event, sees a revert reason and follows
//	                   blocks and events over a WebSocket
//	subscribe_test.go  eth_subscribe over a WebSocket: newHeads while the
//	                   node mines, the token's Transfer logs, and a reorg fed
//	                   from a second node whose removed logs arrive flagged
//	                   "removed": true
//
// The JavaScript test needs Node.js and npm on PATH. Without them it is
// skipped, unless the CI environment variable is set, in which case it
// fails: CI must not pass by skipping it. The package has no non-test code.
package e2e
