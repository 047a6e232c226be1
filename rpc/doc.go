// Package rpc serves Quarry's Ethereum-compatible JSON-RPC API over HTTP
// and WebSocket on one listener (default 127.0.0.1:8545), so that ethers.js,
// viem, MetaMask and curl scripts work against a Quarry node unchanged.
//
// # Pipeline
//
//	HTTP POST ─┐  CORS / Content-Type / body limit
//	WebSocket ─┴─> serveBody: depth check, parse, batch split (limit)
//	              -> dispatch: method table (one file per namespace),
//	                 admin_/miner_ access rule, strict param decoders,
//	                 per-request timeout, panic recovery
//	              -> backend interfaces (backend.go) -> JSON shapes (marshal.go)
//	              -> encode (encode.go): sized first, charged to the server-wide
//	                 budget of response bytes in flight (budget.go) until the
//	                 HTTP body or WebSocket message is written
//	EventSource -> hub (own goroutine) -> eth_subscribe notifications and
//	              polling filters (eth_newFilter...)
//
// The server knows the node only through small interfaces, one per area:
// ChainBackend, StateBackend, ExecBackend, PoolBackend, MiningBackend,
// AdminBackend, PoWBackend, SyncBackend and EventSource. The node package
// adapts the chain, mempool, miner and p2p to them. A nil backend leaves
// its methods unregistered (-32601).
//
// # Errors
//
// Responses carry JSON-RPC error objects: -32700 parse error, -32600
// invalid request, -32601 method not found, -32602 invalid params (naming
// the argument), -32603 internal (details only in the log), -32000 with
// geth's messages, -32002 timeout, -32005 query limits and a response
// budget that stayed full until the timeout (ErrResponseBudget), and 3
// with the revert data for "execution reverted" (with the Error(string)
// reason appended to the message).
//
// Backends report failures by wrapping the exported kinds (ErrNotFound,
// ErrStateNotAvailable, ErrNonceTooLow, ErrInsufficientFunds,
// ErrAlreadyKnown, ErrReplaceUnderpriced, ErrUnderpriced, ErrIntrinsicGas,
// ErrGasLimit, ErrOversizedData, ErrInvalidSender, ErrInvalidChainID,
// ErrTxTypeNotSupported, ErrPoolFull, ErrOutOfGas, ErrUnknownWork...):
//
//	return fmt.Errorf("%w: address %s, tx: %d state: %d", rpc.ErrNonceTooLow, a, n, want)
//	return rpc.Errorf(rpc.ErrNonceTooLow, "address %s, tx: %d state: %d", a, n, want)
//
// The client sees the kind's code and geth's message (plus the detail when
// the text starts with the kind's message, as in both lines above). Any
// error implementing the Error interface (ErrorCode, ErrorData) is served
// as it says. Errors matching no kind become -32603 "internal error" and are
// logged, so internal text never reaches clients. The node maps its own
// kinds at the adapter with errors.Is, e.g. mempool.ErrNonceTooLow ->
// rpc.ErrNonceTooLow, chain.ErrInsufficientFund -> rpc.ErrInsufficientFunds,
// chain.ErrIntrinsicGas -> rpc.ErrIntrinsicGas, a pruned state ->
// rpc.ErrStateNotAvailable, a missing block or transaction -> rpc.ErrNotFound;
// a VM revert is reported as ExecResult.Reverted, out of gas as
// ExecResult.Err wrapping rpc.ErrOutOfGas.
//
// # Access
//
// admin_ and miner_ methods are served only on a loopback listener, unless
// Config.AuthToken is set, in which case they need "Authorization: Bearer
// <token>" on any listener. Browser requests (with an Origin header) are
// refused unless the origin is in Config.CORSOrigins, and POST bodies must
// be application/json, so a web page cannot drive a local node.
package rpc
