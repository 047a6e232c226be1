package p2p

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
)

// Our topics carry unsigned, authorless messages (see startGossip).
// GossipSub drops a message that breaks that policy before any validator
// of ours sees it, and only lowers its own score of the sender (two such
// drops and it ignores the peer). The tracer below counts each drop as
// OffenseMalformed: no peer of this network sends such a message, so the
// second bans the sender, as garbage bytes would.

// policyPenalties is how many policy violations may wait for the
// penalising goroutine; more are dropped (the sender is banned by then).
const policyPenalties = 256

// gossipTracer is GossipSub's RawTracer; RejectMessage and DropRPC
// matter. Besides the penalties above, it counts the messages GossipSub
// drops on their way out because a peer's outbound queue is full
// (Service.GossipDropped): each is a transaction or block that peer gets
// only later, by re-announcement or sync.
type gossipTracer struct {
	penalties chan policyViolation
	dropped   atomic.Uint64 // messages in RPCs dropped for full peer queues
}

type policyViolation struct {
	from   peer.ID
	reason string
}

var _ pubsub.RawTracer = (*gossipTracer)(nil)

func newGossipTracer() *gossipTracer {
	return &gossipTracer{penalties: make(chan policyViolation, policyPenalties)}
}

// isPolicyViolation reports whether a GossipSub rejection reason means the
// sender broke the signing policy.
func isPolicyViolation(reason string) bool {
	switch reason {
	case pubsub.RejectUnexpectedSignature, pubsub.RejectUnexpectedAuthInfo,
		pubsub.RejectMissingSignature, pubsub.RejectInvalidSignature:
		return true
	}
	return false
}

// RejectMessage runs on GossipSub's goroutines: it only queues the
// penalty, since a ban closes connections, which GossipSub must be free
// to hear about.
func (t *gossipTracer) RejectMessage(msg *pubsub.Message, reason string) {
	if !isPolicyViolation(reason) {
		return
	}
	select {
	case t.penalties <- policyViolation{from: msg.ReceivedFrom, reason: reason}:
	default:
	}
}

// run applies queued penalties until ctx ends.
func (t *gossipTracer) run(ctx context.Context, s *Service) {
	for {
		select {
		case <-ctx.Done():
			return
		case v := <-t.penalties:
			s.penalise(v.from, OffenseMalformed, fmt.Errorf("gossip message breaks the signing policy: %s", v.reason))
		}
	}
}

func (*gossipTracer) AddPeer(peer.ID, protocol.ID)                         {}
func (*gossipTracer) RemovePeer(peer.ID)                                   {}
func (*gossipTracer) OnNewOutboundStream(peer.ID, protocol.ID)             {}
func (*gossipTracer) OnClosedOutboundStream(peer.ID)                       {}
func (*gossipTracer) Join(string)                                          {}
func (*gossipTracer) Leave(string)                                         {}
func (*gossipTracer) Graft(peer.ID, string)                                {}
func (*gossipTracer) Prune(peer.ID, string)                                {}
func (*gossipTracer) ValidateMessage(*pubsub.Message)                      {}
func (*gossipTracer) DeliverMessage(*pubsub.Message)                       {}
func (*gossipTracer) DuplicateMessage(*pubsub.Message)                     {}
func (*gossipTracer) ThrottlePeer(peer.ID)                                 {}
func (*gossipTracer) RecvRPC(*pubsub.RPC)                                  {}
func (*gossipTracer) SendRPC(*pubsub.RPC, peer.ID)                         {}
func (*gossipTracer) SendRPCCompleted(*pubsub.RPC, peer.ID, time.Duration) {}
func (*gossipTracer) UndeliverableMessage(*pubsub.Message)                 {}

// DropRPC counts the messages of an RPC GossipSub could not queue for a
// peer.
func (t *gossipTracer) DropRPC(rpc *pubsub.RPC, _ peer.ID) {
	t.dropped.Add(uint64(len(rpc.GetPublish())))
}
