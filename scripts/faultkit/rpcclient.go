package main

import (
	"time"

	"github.com/quarry-chain/quarry/scripts/internal/rpcclient"
)

// The shared JSON-RPC client, under the names the attacks use.
type (
	rpcClient = rpcclient.Client
	rpcError  = rpcclient.Error
	quantity  = rpcclient.Quantity
)

// errUnreachable: the node did not answer, or answered something that is
// not JSON-RPC.
var errUnreachable = rpcclient.ErrUnreachable

// Codes of the JSON-RPC errors the attacks expect (JSON-RPC 2.0 and the
// node's own, see rpc/errors.go).
const (
	codeParseError     = -32700
	codeInvalidRequest = -32600
	codeMethodNotFound = -32601
	codeInvalidParams  = -32602
	codeServer         = -32000
	codeRespTooLarge   = -32003
	codeReverted       = 3
)

func newRPCClient(url string, timeout time.Duration) *rpcClient { return rpcclient.New(url, timeout) }
