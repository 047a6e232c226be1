// Command quarry is Quarry's wallet and client: it keeps keys in a
// keystore directory, signs transactions locally and talks to a node over
// JSON-RPC. Keys never leave it; the node only ever sees signed
// transactions.
//
// Usage:
//
//	quarry [global options] command [command options] [arguments...]
//
// Global options (each also from the environment):
//
//	--rpc URL         node endpoint (QUARRY_RPC, default http://127.0.0.1:8545)
//	--keystore DIR    keystore directory (QUARRY_KEYSTORE, default ~/.quarry/keystore)
//	--json            machine-readable output on stdout
//	--password-file F read the password from the first line of F
//	--lightkdf        encrypt new key files with cheap scrypt (tests, dev chains)
//
// Passwords come from --password-file, the QUARRY_PASSWORD environment
// variable, or a no-echo prompt on the terminal, never from a flag value
// (which would end up in shell history and process listings).
//
// Flags go before positional arguments, as with most urfave/cli programs:
// "quarry send --from A --to B --value 1 --wait", "quarry --json balance A".
//
// Exit codes, for scripts:
//
//	0  success
//	1  node or RPC error: unreachable node, an error the node returned
//	   (shown as the node said it: "nonce too low", "insufficient funds for
//	   gas * price + value"...), not found, timed out waiting
//	2  usage error: unknown command or flag, a missing or malformed
//	   argument (address, hash, hex, amount, ABI signature or value)
//	3  wallet error: wrong password, no key for the address, unreadable or
//	   invalid key file, mnemonic or private key, no password available
//	4  transaction failed: mined with status 0, or a call or deployment
//	   that reverted (the revert reason is shown)
package main
