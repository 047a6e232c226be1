package main

import (
	"context"
	"fmt"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/quarry-chain/quarry/p2p"
)

// Gossip signing. GossipSub either signs every message with its author's
// key (its default) or sends messages without author, sequence number and
// signature (WithNoAuthor), and a node drops, before any validator sees
// them, messages that do not follow its policy. A hostile message the node
// drops that way proves nothing about the node's validation, so the hostile
// peer publishes as the network does, and learns how from the node itself:
// a probe identity subscribes to the topics and looks at the first message
// the node sends it.

// signingProbeTimeout bounds the wait for the node's first gossip message
// (a block, normally within a block time).
const signingProbeTimeout = 30 * time.Second

// detectSigning reports whether the node's gossip carries author
// signatures.
func detectSigning(ctx context.Context, cfg *peerConfig, info *chainInfo) (bool, error) {
	probe := &signingProbe{
		topics: map[string]bool{p2p.BlockTopic(info.Genesis): true, p2p.TxTopic(info.Genesis): true},
		found:  make(chan bool, 1),
	}
	hh, err := newHostileHost(ctx, cfg.target, info, hostOptions{tracer: probe})
	if err != nil {
		return false, err
	}
	defer hh.close()
	for _, t := range []*pubsub.Topic{hh.blocks, hh.txs} {
		sub, err := t.Subscribe()
		if err != nil {
			return false, err
		}
		defer sub.Cancel()
	}
	if err := hh.connect(ctx, cfg.connectTimeout); err != nil {
		return false, fmt.Errorf("gossip signing probe: %w", err)
	}
	select {
	case signed := <-probe.found:
		return signed, nil
	case <-time.After(signingProbeTimeout):
		return false, fmt.Errorf("gossip signing probe: no gossip from the node in %v (is it mining or relaying blocks?); pass -gossip-signing", signingProbeTimeout)
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// signingProbe is a GossipSub tracer that reports whether the first message
// received on the network's topics carries an author (a signature, or the
// author and sequence number a signature would cover). It sees RPCs as they
// arrive, before the receiving host's own policy judges them.
type signingProbe struct {
	topics map[string]bool
	found  chan bool
}

var _ pubsub.RawTracer = (*signingProbe)(nil)

// RecvRPC implements pubsub.RawTracer.
func (sp *signingProbe) RecvRPC(rpc *pubsub.RPC) {
	for _, m := range rpc.GetPublish() {
		if sp.topics[m.GetTopic()] {
			select {
			case sp.found <- m.Signature != nil || m.From != nil:
			default:
			}
			return
		}
	}
}

// The rest of pubsub.RawTracer: nothing to see.

func (*signingProbe) AddPeer(peer.ID, protocol.ID)                         {}
func (*signingProbe) RemovePeer(peer.ID)                                   {}
func (*signingProbe) OnNewOutboundStream(peer.ID, protocol.ID)             {}
func (*signingProbe) OnClosedOutboundStream(peer.ID)                       {}
func (*signingProbe) Join(string)                                          {}
func (*signingProbe) Leave(string)                                         {}
func (*signingProbe) Graft(peer.ID, string)                                {}
func (*signingProbe) Prune(peer.ID, string)                                {}
func (*signingProbe) ValidateMessage(*pubsub.Message)                      {}
func (*signingProbe) DeliverMessage(*pubsub.Message)                       {}
func (*signingProbe) RejectMessage(*pubsub.Message, string)                {}
func (*signingProbe) DuplicateMessage(*pubsub.Message)                     {}
func (*signingProbe) ThrottlePeer(peer.ID)                                 {}
func (*signingProbe) SendRPC(*pubsub.RPC, peer.ID)                         {}
func (*signingProbe) SendRPCCompleted(*pubsub.RPC, peer.ID, time.Duration) {}
func (*signingProbe) DropRPC(*pubsub.RPC, peer.ID)                         {}
func (*signingProbe) UndeliverableMessage(*pubsub.Message)                 {}
