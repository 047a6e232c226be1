package p2p

import (
	"context"
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/quarry-chain/quarry/chain/types"
)

// Gossip. Blocks and transactions travel on two GossipSub topics named
// with the genesis hash. A topic validator runs before pubsub forwards a
// message: it decodes the bytes and hands the block or transaction to the
// node's full validation (Chain.SubmitBlock, TxPool.SubmitTx), whose verdict
// decides: Accept forwards; Ignore drops quietly (and for an orphan block
// fetches its ancestors from the sender); Reject drops and penalises the
// peer that relayed it, both in GossipSub's peer score (invalid message
// deliveries) and in our own score, which in turn feeds GossipSub's
// application-specific score. So an invalid message dies at the first
// honest node.

// Gossip scoring parameters. GossipSub scores are dimensionless; these
// follow the shape of the spec's examples, tuned for low-traffic topics.
const (
	// appScorePerPoint turns our misbehaviour points into GossipSub's
	// application score: at the ban threshold of 100 points a peer sits at
	// -500, the gossip threshold, and no longer gets our gossip.
	appScorePerPoint = -5
	// invalidMsgWeight: P4 is the square of the count of invalid
	// messages, so two invalid blocks take a peer below the graylist.
	invalidMsgWeight = -1000
	// invalidTxWeight is milder: an invalid transaction costs only 20 of
	// our points (an honest relay can lose a race), so five make our ban,
	// and GossipSub must not graylist the sender first (at -1000 it did
	// after two, leaving it connected and ignored instead of banned).
	// After four: 16 * -100 + 80 * appScorePerPoint = -2000, above the
	// graylist threshold.
	invalidTxWeight = -100
)

func (s *Service) startGossip() error {
	blockTopic, txTopic := BlockTopic(s.cfg.Genesis), TxTopic(s.cfg.Genesis)
	topicParams := func(invalidWeight float64) *pubsub.TopicScoreParams {
		return &pubsub.TopicScoreParams{
			SkipAtomicValidation:           true,
			TopicWeight:                    1,
			TimeInMeshWeight:               0.01, // +1 per 100 s in the mesh
			TimeInMeshQuantum:              time.Second,
			TimeInMeshCap:                  3600, // at most +36
			FirstMessageDeliveriesWeight:   1,
			FirstMessageDeliveriesDecay:    0.9, // per DecayInterval
			FirstMessageDeliveriesCap:      100,
			InvalidMessageDeliveriesWeight: invalidWeight,
			InvalidMessageDeliveriesDecay:  0.99, // per second: ~70 s half-life
		}
	}
	params := &pubsub.PeerScoreParams{
		Topics:            map[string]*pubsub.TopicScoreParams{blockTopic: topicParams(invalidMsgWeight), txTopic: topicParams(invalidTxWeight)},
		TopicScoreCap:     100,
		AppSpecificScore:  s.appScore,
		AppSpecificWeight: 1,
		// Test networks run many nodes behind one address: no penalty for
		// sharing an IP.
		IPColocationFactorWeight: 0,
		DecayInterval:            time.Second,
		DecayToZero:              0.01,
		RetainScore:              10 * time.Minute,
	}
	thresholds := &pubsub.PeerScoreThresholds{
		GossipThreshold:             -500,
		PublishThreshold:            -1000,
		GraylistThreshold:           -2500,
		AcceptPXThreshold:           100,
		OpportunisticGraftThreshold: 5,
	}
	tracer := newGossipTracer()
	ps, err := pubsub.NewGossipSub(s.ctx, s.host,
		pubsub.WithMessageIdFn(contentID),
		pubsub.WithMaxMessageSize(s.cfg.maxGossipBytes()),
		pubsub.WithPeerScore(params, thresholds),
		pubsub.WithPeerScoreInspect(pubsub.PeerScoreInspectFn(s.storeGossipScores), time.Second),
		pubsub.WithPeerExchange(false),
		// Messages are named by content (contentID) and validated in full,
		// so an author signature proves nothing a validator needs: without
		// it every message saves an ed25519 signing at its publisher and a
		// verification at every hop (a tenth of a loaded node's CPU).
		pubsub.WithNoAuthor(),
		// The queue in front of the validators: the default 32 dropped
		// bursts of transactions that nothing offered again for seconds.
		// Per-peer gossip rates (Config.GossipRate) bound what fills it.
		pubsub.WithValidateQueueSize(validateQueueSize),
		// Each peer's queue of messages to send: the default 32 overflowed
		// at a thousand transactions a second, and a dropped transaction
		// left a nonce gap in the peer's pool until the next
		// re-announcement. Queued messages are shared with the other
		// peers' queues, not copied.
		pubsub.WithPeerOutboundQueueSize(outboundQueueSize),
		pubsub.WithRawTracer(tracer),
	)
	if err != nil {
		return fmt.Errorf("p2p: gossipsub: %w", err)
	}
	s.tracer = tracer
	s.goRun(func(ctx context.Context) { tracer.run(ctx, s) })
	s.ps = ps
	if err := ps.RegisterTopicValidator(blockTopic, s.validateBlock); err != nil {
		return fmt.Errorf("p2p: block validator: %w", err)
	}
	if err := ps.RegisterTopicValidator(txTopic, s.validateTx); err != nil {
		return fmt.Errorf("p2p: transaction validator: %w", err)
	}
	if s.blockTopic, err = s.join(blockTopic); err != nil {
		return err
	}
	if s.txTopic, err = s.join(txTopic); err != nil {
		return err
	}
	return nil
}

// join joins a topic and subscribes to it (which puts us in its mesh). The
// validators have already handled every message by the time it reaches the
// subscription, so the subscription is only drained.
func (s *Service) join(name string) (*pubsub.Topic, error) {
	t, err := s.ps.Join(name)
	if err != nil {
		return nil, fmt.Errorf("p2p: join %s: %w", name, err)
	}
	sub, err := t.Subscribe()
	if err != nil {
		return nil, fmt.Errorf("p2p: subscribe %s: %w", name, err)
	}
	s.goRun(func(ctx context.Context) {
		defer sub.Cancel()
		for {
			if _, err := sub.Next(ctx); err != nil {
				return
			}
		}
	})
	return t, nil
}

// validateQueueSize is how many received messages may wait for a
// validator. A slot is held only until a validation worker picks it up:
// with unsigned messages that is immediate, and the validators drop
// over-rate or oversized messages first thing.
const validateQueueSize = 1024

// outboundQueueSize is how many messages may wait to be sent to one peer.
const outboundQueueSize = 1024

// GossipDropped returns how many gossip messages were dropped because a
// peer's outbound queue was full.
func (s *Service) GossipDropped() uint64 {
	if !s.started.Load() || s.tracer == nil {
		return 0
	}
	return s.tracer.dropped.Load()
}

// contentID names a message by the SHA-256 of its data, so the same block
// or transaction from two publishers is one message.
func contentID(m *pb.Message) string {
	h := sha256.Sum256(m.Data)
	return string(h[:])
}

// appScore is GossipSub's application-specific score of p: our
// misbehaviour points, scaled.
func (s *Service) appScore(p peer.ID) float64 {
	return appScorePerPoint * s.scores.get(p, time.Now())
}

func (s *Service) storeGossipScores(m map[peer.ID]float64) { s.gossipScore.Store(&m) }

// validateBlock is the blocks topic's validator; from is the peer that
// relayed the message to us.
func (s *Service) validateBlock(_ context.Context, from peer.ID, msg *pubsub.Message) pubsub.ValidationResult {
	if from == s.host.ID() {
		return pubsub.ValidationAccept // our own announcement: validated already
	}
	if !s.peers.allowGossip(from, true) {
		return pubsub.ValidationIgnore // throttled, not penalised: see Config.GossipRate
	}
	if len(msg.Data) > s.cfg.MaxBlockBytes {
		s.penalise(from, OffenseOversized, fmt.Errorf("gossiped block of %d bytes", len(msg.Data)))
		return pubsub.ValidationReject
	}
	b, err := types.DecodeBlock(msg.Data)
	if err != nil {
		s.penalise(from, OffenseMalformed, err)
		return pubsub.ValidationReject
	}
	hash := b.Hash()
	if s.cfg.Chain.HaveBlock(hash) {
		return pubsub.ValidationIgnore
	}
	v := s.cfg.Chain.SubmitBlock(b)
	switch v.Outcome {
	case Accept:
		s.log.Debug("block from gossip", "peer", from, "hash", hash, "height", b.Height())
		return pubsub.ValidationAccept
	case Reject:
		s.log.Info("invalid block from gossip", "peer", from, "hash", hash, "err", v.Err)
		s.penalise(from, OffenseInvalidBlock, v.Err)
		return pubsub.ValidationReject
	default:
		if !v.Missing.IsZero() {
			s.log.Debug("orphan block from gossip", "peer", from, "hash", hash, "missing", v.Missing)
			s.syncer.fetchFrom(from)
		}
		return pubsub.ValidationIgnore
	}
}

// validateTx is the transactions topic's validator.
func (s *Service) validateTx(_ context.Context, from peer.ID, msg *pubsub.Message) pubsub.ValidationResult {
	if from == s.host.ID() {
		return pubsub.ValidationAccept
	}
	if !s.peers.allowGossip(from, false) {
		return pubsub.ValidationIgnore // throttled, not penalised: see Config.GossipRate
	}
	tx, err := types.DecodeTransaction(msg.Data)
	if err != nil {
		s.penalise(from, OffenseMalformed, err)
		return pubsub.ValidationReject
	}
	if s.cfg.TxPool.Has(tx.Hash()) {
		return pubsub.ValidationIgnore
	}
	switch v := s.cfg.TxPool.SubmitTx(tx); v.Outcome {
	case Accept:
		return pubsub.ValidationAccept
	case Reject:
		s.log.Debug("invalid transaction from gossip", "peer", from, "hash", tx.Hash(), "err", v.Err)
		s.txFetch.reject(tx.Hash())
		s.penalise(from, OffenseInvalidTx, v.Err)
		return pubsub.ValidationReject
	default:
		return pubsub.ValidationIgnore
	}
}

// AnnounceBlock publishes a block that the node has accepted (mined
// locally, or imported and worth relaying) on the blocks topic.
func (s *Service) AnnounceBlock(b *types.Block) error {
	if !s.started.Load() {
		return ErrNotStarted
	}
	return s.blockTopic.Publish(s.ctx, b.Encode())
}

// AnnounceTx publishes a transaction that the node's pool has accepted.
func (s *Service) AnnounceTx(tx *types.Transaction) error {
	if !s.started.Load() {
		return ErrNotStarted
	}
	return s.txTopic.Publish(s.ctx, tx.Encode())
}
