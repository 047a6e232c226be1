// Package node wires Quarry's parts into a running node: the chain on its
// database, the mempool fed by the chain's events, the miner taking
// templates from the pool, the peer-to-peer service validating gossip with
// the chain and pool, and the JSON-RPC server over all of them.
//
// It is the only package that knows every other one; each part reaches the
// others through the small interfaces it defines, and the adapters here
// implement them:
//
//	p2p.Chain, p2p.TxPool      over chain.BlockChain and mempool.Pool
//	miner.TxSource             over mempool.Pool
//	rpc.*Backend, EventSource  over all of them
//
// Lifecycle: New opens the data directory and builds every part; Start
// reloads the journal of local pending transactions (mempool.dat) and
// starts the network, RPC and (if configured) the miner; Stop stops them in
// reverse order, rewrites the journal and closes the database. Between the
// two, every transaction RPC accepts is appended to the journal before the
// sender hears so, so a crash loses none of them.
//
// Errors: New fails with a wrapped error naming what could not be opened
// (ErrDataDirInUse for a directory another process holds).
package node
