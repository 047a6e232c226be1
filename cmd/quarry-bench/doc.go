// Command quarry-bench is a load generator for Quarry nodes. It measures
// how many transactions a node (or a testnet) accepts and includes, and how
// long each takes from send to receipt, and checks that none is lost or
// included twice.
//
// Pipeline:
//
//	resolve the funded key (--key or the dev mnemonic) and the chain id
//	-> fund K fresh accounts in one batch from the funded key (token mode:
//	   deploy the example token first and give every account tokens)
//	-> pre-sign N transfers spread over the K accounts, nonces 0, 1, ...
//	   per account, on all cores
//	-> send them with eth_sendRawTransaction from C concurrent clients,
//	   round-robin over the --rpc nodes, at most --rate per second; each
//	   account's transactions go through one client, in nonce order. A node
//	   that does not answer (killed, restarting) gets the same signed bytes
//	   sent to the next node, which may answer "already known" (accepted);
//	   --accepted-out records each accepted transaction as it is accepted
//	-> follow the chain block by block (eth_getBlockByNumber with hashes),
//	   through whichever node answers, until every accepted transaction is
//	   in a block, or the timeout
//	-> report: accepted, rejected by the node's message, lost, included
//	   twice, blocks used, rates and send-to-receipt latency percentiles
//
// Errors: bad flags are usage errors (exit 2); a node that cannot be
// reached or a funding step that fails exits 1; a run that lost a
// transaction or saw one included twice prints its report and exits 3.
package main
