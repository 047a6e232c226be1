// Command faultkit is the Go side of scripts/fault_hostile.sh: a hostile
// libp2p peer and a hostile JSON-RPC client, each run against one node, each
// reporting what it did and whether the node's answer was the clean one.
//
// Subcommands (`faultkit CMD -h` lists a command's flags):
//
//	hostile-peer  connects over libp2p as a peer (it passes the status
//	              handshake, publishing gossip signed or not as the node
//	              does), then runs attack phases, each from a fresh
//	              identity: garbage and oversized frames, garbage gossip,
//	              blocks with a bad proof of work and with a valid one at the
//	              easiest target (skipped if beyond -pow-budget), invalid-
//	              signature and wrong-chain transactions (by gossip and by
//	              the pool exchange), floods of gossiped transactions and
//	              orphan blocks, and a flood of sync requests. After each it
//	              reports whether the node banned the identity, dropped it
//	              or kept it, against what an honest node must do.
//	hostile-rpc   sends malformed JSON, huge bodies and headers, huge and
//	              garbage batches, deep nesting, answers too big for a batch,
//	              then holds slow clients together: heads and bodies trickled
//	              (slowloris), HTTP and WebSocket clients that never read
//	              their answers or subscriptions. Meanwhile a well-behaved
//	              client checks that its calls and newHeads subscription are
//	              unaffected. A table of cases with pass/fail.
//	banned        asks a node (admin_addPeer) whether peer ids are banned.
//
// Pipeline (scripts/fault_hostile.sh, on a fresh 3-node testnet):
//
//	hostile-peer -ids-out F & hostile-rpc -pid P &   (against node 1)
//	banned $(ids banned in F)   the node's own word for each identity
//
// # Errors
//
// Exit status 0 when every phase and case ended as expected, 1 when one did
// not (errFailed; the report names it) or the node could not be reached
// (errUnreachable), 2 for bad usage (errUsage).
package main
