// Command quarryd is the Quarry full node daemon.
//
//	quarryd [run] [flags]           run a node (the default command)
//	quarryd dev [flags]             a one-node dev chain with funded test accounts
//	quarryd init --genesis FILE     initialise a data directory for a network
//	quarryd export FILE             write the active chain's blocks to FILE
//	quarryd import FILE             read blocks from FILE into the chain
//	quarryd dumpgenesis             print a genesis configuration
//	quarryd version                 print version information
//
// Every flag can also be given as an environment variable (QUARRY_ and the
// flag name in upper case with dots as underscores: QUARRY_RPC_PORT) or as
// a key of a TOML file named by --config; the command line wins over the
// environment, which wins over the file.
//
// This package only parses flags, builds a node.Config, and handles
// signals and exit codes; the node package does the rest. Exit codes: 0
// after a clean shutdown (the first SIGINT or SIGTERM stops the node in
// order), 1 on an error (and on a second signal, which exits at once), 2 on
// a usage error (an unknown command or flag, or a flag value that cannot be
// right whatever the environment).
package main
