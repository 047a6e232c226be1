package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/quarry-chain/quarry/scripts/internal/rpcclient"
)

// The shared JSON-RPC client's errors and quantities, under the names the
// commands use.
type (
	rpcError = rpcclient.Error
	quantity = rpcclient.Quantity
)

// errUnreachable: the node did not answer (not running, wrong port, or an
// answer that is not JSON-RPC).
var errUnreachable = rpcclient.ErrUnreachable

func parseQuantity(s string) (uint64, error) { return rpcclient.ParseQuantity(s) }

// client calls one node's JSON-RPC endpoint, with the queries the
// commands share.
type client struct{ *rpcclient.Client }

func newClient(url string) *client { return &client{rpcclient.New(url, callTimeout)} }

// blockRef is the part of a block the checks need.
type blockRef struct {
	Number    quantity `json:"number"`
	Hash      string   `json:"hash"`
	StateRoot string   `json:"stateRoot"`
}

// blockAt returns the active chain's block at height n, or the head for
// n < 0.
func (c *client) blockAt(ctx context.Context, n int64) (*blockRef, error) {
	tag := "latest"
	if n >= 0 {
		tag = "0x" + strconv.FormatUint(uint64(n), 16)
	}
	var b *blockRef
	if err := c.Call(ctx, &b, "eth_getBlockByNumber", tag, false); err != nil {
		return nil, err
	}
	if b == nil {
		return nil, fmt.Errorf("%s: no block %s", c.URL(), tag)
	}
	return b, nil
}

// peerCount returns the number of entries of admin_peers.
func (c *client) peerCount(ctx context.Context) (int, error) {
	var peers []json.RawMessage
	err := c.Call(ctx, &peers, "admin_peers")
	return len(peers), err
}
