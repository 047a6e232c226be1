package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
)

// outcome is what the node did to an identity of the hostile peer.
type outcome int

const (
	outcomeConnected    outcome = iota + 1 // still connected after the settle time
	outcomeDisconnected                    // dropped, but not banned
	outcomeBanned                          // dropped and refused
)

func (o outcome) String() string {
	switch o {
	case outcomeConnected:
		return "connected"
	case outcomeDisconnected:
		return "disconnected"
	case outcomeBanned:
		return "banned"
	}
	return fmt.Sprintf("outcome(%d)", int(o))
}

// errAdminUnavailable: the node does not serve admin_ methods to us (not
// on loopback, or an auth token is configured).
var errAdminUnavailable = errors.New("admin_ methods unavailable")

// unreachableAddr is a loopback address nothing listens on: the ban probe
// dials it, so a peer that is not banned is not actually connected.
const unreachableAddr = "/ip4/127.0.0.1/tcp/1"

// probeBan asks the node whether id is banned. admin_addPeer refuses a
// banned (or operator-blocked) peer before dialling it, naming the ban;
// for any other peer it dials, and the dial is undone at once with
// admin_removePeer (which also stops the node's re-dialling).
func probeBan(ctx context.Context, c *rpcClient, id peer.ID) (bool, error) {
	err := c.Call(ctx, nil, "admin_addPeer", unreachableAddr+"/p2p/"+id.String())
	var rerr *rpcError
	switch {
	case err == nil:
	case errors.As(err, &rerr) && strings.Contains(rerr.Message, "banned"):
		return true, nil
	case errors.As(err, &rerr) && (rerr.Code == codeMethodNotFound || strings.Contains(rerr.Message, "not allowed")):
		return false, fmt.Errorf("%w: %v", errAdminUnavailable, err)
	case errors.As(err, &rerr):
		// Not banned: the dial failed for another reason (nothing listens).
	default:
		return false, err
	}
	if err := c.Call(ctx, nil, "admin_removePeer", id.String()); err != nil {
		return false, fmt.Errorf("undoing the ban probe: %w", err)
	}
	return false, nil
}

// refusesReconnect is the ban test without admin access: the identity dials
// the node again and is refused (the connection fails or is closed at once).
func refusesReconnect(ctx context.Context, hh *hostileHost) bool {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := hh.h.Connect(ctx, hh.target); err != nil {
		return true
	}
	return hh.waitDisconnected(ctx, 2*time.Second)
}

// judge waits up to settle for the node to drop hh, then tells a ban from a
// plain disconnection.
func judge(ctx context.Context, hh *hostileHost, c *rpcClient, settle time.Duration) (outcome, string) {
	if !hh.waitDisconnected(ctx, settle) {
		return outcomeConnected, fmt.Sprintf("still connected after %v", settle)
	}
	banned, err := probeBan(ctx, c, hh.id())
	switch {
	case err == nil && banned:
		return outcomeBanned, "admin_addPeer refuses it as banned"
	case err == nil:
		return outcomeDisconnected, "admin_addPeer accepts it: not banned"
	case errors.Is(err, errAdminUnavailable):
		if refusesReconnect(ctx, hh) {
			return outcomeBanned, "reconnection refused (admin_ unavailable to confirm)"
		}
		return outcomeDisconnected, "reconnected: not banned"
	}
	return outcomeDisconnected, fmt.Sprintf("ban probe failed: %v", err)
}
