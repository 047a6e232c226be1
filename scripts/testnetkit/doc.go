// Command testnetkit is the Go side of scripts/testnet.sh,
// scripts/testnet_smoke.sh and the fault tests (scripts/fault_crash.sh,
// scripts/fault_partition.sh): everything those scripts would otherwise
// need jq, curl or a wallet for. It speaks JSON-RPC over HTTP itself, so a
// testnet runs on a machine with only Go and bash.
//
// Subcommands (`testnetkit CMD -h` lists a command's flags):
//
//	genesis    write a testnet genesis: dev-chain difficulty and rewards, the
//	           ten test-mnemonic accounts funded, the timestamp now
//	accounts   print the funded accounts' addresses and private keys
//	call       one JSON-RPC call; prints the result, or one field of it
//	wait       until every node has its peers and every height is rising
//	status     each node's height, head, peers and hash rate; flags
//	           divergence
//	agree      until the nodes agree on the chain (within k blocks, or
//	           exactly; -state-root: and on the state root)
//	transfers  sign and send value transfers, spread over the nodes
//	send       sign and send one transfer, with a chosen nonce if need be
//	           (a double spend)
//	receipts   until every transaction has a successful receipt on every
//	           node
//	included   until every node's whole chain has each listed transaction
//	           exactly once with a successful receipt, and others nowhere
//	           (no chain, pool or receipt); optionally senders' nonces,
//	           empty pools, balances
//	ports      find consecutive free TCP ports for a testnet's nodes
//
// Pipeline (testnet.sh up, then testnet_smoke.sh):
//
//	ports -> genesis -> (quarryd init, run) -> call admin_nodeInfo -> wait
//	transfers -> receipts -> (stop, start, partition, heal) -> receipts
//	-> agree -> call miner_stop -> agree -exact -> receipts -same-block
//
// Fault tests: quarry-bench --accepted-out -> (stop, start) or (partition,
// send, heal) -> included -> call miner_stop -> agree -exact -state-root
// -> included -empty-pool
//
// Every wait polls four times a second, says every five seconds what it
// still waits for, and gives up at its -timeout.
//
// # Errors
//
// Exit status 0 on success, 1 when a check failed or timed out (the reason
// on standard error, naming the node), 2 for bad usage (errUsage). An RPC
// error is an *rpcError carrying the node's code and message; a node that
// cannot be reached wraps errUnreachable; a wait that ran out of time wraps
// errTimeout; a status -strict that found a problem wraps errDiverged.
package main
