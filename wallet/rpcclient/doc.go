// Package rpcclient is a small JSON-RPC 2.0 client over HTTP for the
// Ethereum-compatible API a Quarry node serves, with typed helpers for
// the calls a wallet makes. It never sends keys: transactions are signed
// by the caller and sent raw (eth_sendRawTransaction).
//
// Pipeline (Call):
//
//	method, params -> JSON request {jsonrpc, id, method, params}
//	-> HTTP POST (application/json) -> status check, body read (bounded)
//	-> decodeResponse: id match, error object or result -> json.Unmarshal
//
// Errors: a node's error object comes back as *Error, carrying the node's
// code, message ("nonce too low", "execution reverted: ...") and data
// unchanged, so callers can show what the node said; RevertData returns the
// payload of a revert. ErrUnreachable wraps failures to reach the node
// (refused connection, DNS, timeout); ErrHTTPStatus a non-200 answer without
// a JSON-RPC body; ErrBadResponse an answer that is not valid JSON-RPC or
// whose result does not have the expected shape; ErrBadURL an endpoint that
// is not an http(s) URL. Match them with errors.Is and errors.As.
package rpcclient
