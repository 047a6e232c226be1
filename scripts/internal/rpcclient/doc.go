// Package rpcclient is the small JSON-RPC client of the helper programs
// under scripts/ (faultkit, testnetkit): one request per call over HTTP,
// the answer's result decoded or its error returned as an [*Error], and a
// node that cannot be reached (or answers something that is not JSON-RPC)
// reported as [ErrUnreachable], so that a caller can tell a refusing node
// from a missing one.
package rpcclient
