package node

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/p2p"
)

// hostilePeer is a bare libp2p host with its own GossipSub: it answers the
// status handshake like an honest peer at the victim's head (so it is
// neither refused nor synced from) and then publishes whatever a test
// wants on the blocks topic, or opens raw sync streams.
type hostilePeer struct {
	h      host.Host
	blocks *pubsub.Topic
	txs    *pubsub.Topic
	victim peer.ID
	gen    types.Hash
}

// newHostilePeer connects a hostile peer to victim and waits until the
// victim has handshaken with it and the hostile GossipSub knows the victim
// is on the blocks topic.
func newHostilePeer(t *testing.T, g *params.Genesis, victim *Node) *hostilePeer {
	t.Helper()
	// Our network's messages are unsigned and authorless, as p2p sends
	// them, and so named by their content.
	return newHostilePeerWith(t, g, victim, pubsub.WithNoAuthor(), pubsub.WithMessageIdFn(func(m *pb.Message) string {
		h := sha256.Sum256(m.Data)
		return string(h[:])
	}))
}

// newHostilePeerWith is newHostilePeer with the given GossipSub options.
func newHostilePeerWith(t *testing.T, g *params.Genesis, victim *Node, opts ...pubsub.Option) *hostilePeer {
	t.Helper()
	h, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		h.Close()
	})
	genesis := victim.Chain().GenesisHash()
	h.SetStreamHandler(p2p.StatusProtocol(genesis), func(s network.Stream) {
		defer s.Close()
		_ = s.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := readTestFrame(bufio.NewReader(s)); err != nil {
			s.Reset()
			return
		}
		best := victim.Chain().Best()
		_ = writeTestFrame(s, &p2p.StatusMsg{
			Version: p2p.ProtocolVersion, ChainID: g.ChainID, Genesis: genesis,
			Head: p2p.Head{Hash: best.Hash, Height: best.Height, TotalWork: new(big.Int).Set(best.TotalWork)},
		})
	})
	// Room for the oversized case; the victim's own limit is what counts.
	ps, err := pubsub.NewGossipSub(ctx, h, append([]pubsub.Option{pubsub.WithMaxMessageSize(8 << 20)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	topic, err := ps.Join(p2p.BlockTopic(genesis))
	if err != nil {
		t.Fatal(err)
	}
	self := victim.P2P().Self()
	if err := h.Connect(ctx, peer.AddrInfo{ID: self.ID, Addrs: self.Addrs}); err != nil {
		t.Fatal(err)
	}
	txs, err := ps.Join(p2p.TxTopic(genesis))
	if err != nil {
		t.Fatal(err)
	}
	hp := &hostilePeer{h: h, blocks: topic, txs: txs, victim: self.ID, gen: genesis}
	eventually(t, 10*time.Second, "the victim's handshake with the hostile peer", func() bool {
		for _, p := range victim.P2P().Peers() {
			if p.ID == h.ID() {
				return p.Handshaken
			}
		}
		return false
	})
	eventually(t, 10*time.Second, "the victim on the hostile peer's blocks topic", func() bool {
		for _, p := range topic.ListPeers() {
			if p == self.ID {
				return true
			}
		}
		return false
	})
	return hp
}

// publish sends data on the blocks topic.
func (hp *hostilePeer) publish(t *testing.T, data []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hp.blocks.Publish(ctx, data); err != nil {
		t.Fatal(err)
	}
}

// publishTx sends data on the transactions topic, once the victim is in
// the hostile peer's view of that topic.
func (hp *hostilePeer) publishTx(t *testing.T, data []byte) {
	t.Helper()
	eventually(t, 10*time.Second, "the victim on the hostile peer's transactions topic", func() bool {
		return slices.Contains(hp.txs.ListPeers(), hp.victim)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hp.txs.Publish(ctx, data); err != nil {
		t.Fatal(err)
	}
}

// sendSyncRaw opens a sync stream and writes raw bytes as the request,
// then waits for the victim to hang up.
func (hp *hostilePeer) sendSyncRaw(t *testing.T, raw []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := hp.h.NewStream(ctx, hp.victim, p2p.SyncProtocol(hp.gen))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_ = s.SetDeadline(time.Now().Add(5 * time.Second))
	_, _ = s.Write(raw)
	_ = s.CloseWrite()
	_, _ = io.Copy(io.Discard, s) // the victim resets the stream once it has judged the bytes
}

// writeTestFrame writes m as the p2p package frames it: a uvarint length,
// then EncodeMessage.
func writeTestFrame(w io.Writer, m p2p.Message) error {
	payload := p2p.EncodeMessage(m)
	_, err := w.Write(append(binary.AppendUvarint(nil, uint64(len(payload))), payload...))
	return err
}

// readTestFrame reads one frame (of a status message at most).
func readTestFrame(r *bufio.Reader) (p2p.Message, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	if n > 1024 {
		return nil, errors.New("frame too long for a status message")
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return p2p.DecodeMessage(buf)
}

// banned reports whether n has banned p and dropped its connection.
func banned(n *Node, p peer.ID) bool {
	_, b := n.P2P().BannedUntil(p)
	if !b {
		return false
	}
	for _, info := range n.P2P().Peers() {
		if info.ID == p {
			return false
		}
	}
	return true
}

// unsolve moves h's nonce on until h misses its target.
func unsolve(t *testing.T, bc *chain.BlockChain, h *types.Header) {
	t.Helper()
	limit := bc.Params().PowLimit()
	for h.Nonce++; chain.CheckProofOfWork(h.Hash(), h.Bits, limit) == nil; h.Nonce++ {
	}
}

// TestMisbehavingPeersBanned: hostile peers send a node, over gossip and
// raw sync streams, blocks that break each consensus rule in turn, a block
// from the future, garbage and oversized messages. A referee chain first
// proves each block broken for the stated reason. The node penalises each
// sender and, past the threshold, bans it; it never forwards what it
// rejects, does not ban for a future timestamp (the block may become
// valid), and keeps following an honest peer throughout.
//
//	hostile_i ──> victim <══> friend (honest)
func TestMisbehavingPeersBanned(t *testing.T) {
	t.Parallel()
	accts := testAccounts(1)
	g := easyGenesis(100, accts)
	referee := newScratchChain(t, g)
	defer referee.close()
	prefix := extend(t, referee.bc, 5, "prefix", nil)

	victim := startNetNode(t, g, netNodeOpts{name: "victim"})
	friend := startNetNode(t, g, netNodeOpts{name: "friend"})
	importBlocks(t, victim.Chain(), prefix)
	importBlocks(t, friend.Chain(), prefix)
	connectNodes(t, friend, victim)

	spend := func(nonce uint64, to byte) senderTx {
		return senderTx{transfer(t, g, accts[0].key, nonce, types.Address{to}, 1), accts[0].addr}
	}
	tx0 := spend(0, 0x01)

	type blockCase struct {
		name string
		make func() *types.Block
		kind error // what the referee must say
		ban  bool
	}
	blockCases := []blockCase{
		{"bad proof of work", func() *types.Block {
			b := buildBlock(t, referee.bc, []senderTx{tx0}, "badpow", 0, nil)
			unsolve(t, referee.bc, b.Header)
			return b
		}, chain.ErrHighHash, true},
		{"bad merkle root", func() *types.Block {
			return buildBlock(t, referee.bc, []senderTx{tx0}, "badtxroot", 0, func(b *types.Block) { b.Header.TxRoot[0] ^= 0xff })
		}, chain.ErrBadTxRoot, true},
		{"bad state root", func() *types.Block {
			return buildBlock(t, referee.bc, []senderTx{tx0}, "badstate", 0, func(b *types.Block) { b.Header.StateRoot[0] ^= 0xff })
		}, chain.ErrBadStateRoot, true},
		{"double spend inside one block", func() *types.Block {
			second := spend(0, 0x02) // same nonce, another recipient
			return buildBlock(t, referee.bc, []senderTx{tx0}, "double", 0, func(b *types.Block) {
				b.Txs = append(b.Txs, second.tx)
				b.Header.TxRoot = types.TxRoot(b.Txs)
			})
		}, chain.ErrBadTxNonce, true},
		{"timestamp in the future", func() *types.Block {
			future := uint64(time.Now().Add(10 * time.Minute).UnixMilli())
			return buildBlock(t, referee.bc, []senderTx{tx0}, "future", future, nil)
		}, chain.ErrTimeTooNew, false},
	}
	for _, tc := range blockCases {
		t.Run(tc.name, func(t *testing.T) {
			blk := tc.make()
			if _, err := referee.bc.ProcessBlock(blk); !errors.Is(err, tc.kind) {
				t.Fatalf("referee says %v, want %v", err, tc.kind)
			}
			hp := newHostilePeer(t, g, victim)
			hp.publish(t, blk.Encode())
			if tc.ban {
				eventually(t, 10*time.Second, "the ban", func() bool { return banned(victim, hp.h.ID()) })
			} else {
				// The same peer then sends a valid block. Once the victim
				// has it, the victim has (almost surely: pubsub validates
				// concurrently) judged the first block too; a late wrong
				// penalty could only be missed, never reported falsely.
				probeBlk := buildBlock(t, referee.bc, nil, "probe", 0, nil)
				hp.publish(t, probeBlk.Encode())
				eventually(t, 10*time.Second, "the probe block", func() bool { return victim.Chain().HaveBlock(probeBlk.Hash()) })
				importBlocks(t, referee.bc, []*types.Block{probeBlk})
				importBlocks(t, friend.Chain(), []*types.Block{probeBlk})
				if _, b := victim.P2P().BannedUntil(hp.h.ID()); b {
					t.Fatal("banned for a block from the future")
				}
				if s := victim.P2P().Score(hp.h.ID()); s != 0 {
					t.Fatalf("score %v for a block from the future, want 0", s)
				}
				if hp.h.Network().Connectedness(victim.P2P().Self().ID) != network.Connected {
					t.Fatal("disconnected for a block from the future")
				}
			}
			if victim.Chain().InMainChain(blk.Hash()) {
				t.Fatal("the victim connected the block")
			}
			if friend.Chain().HaveBlock(blk.Hash()) {
				t.Fatal("the victim forwarded the block to its honest peer")
			}
		})
	}

	maxBlock := int(g.MaxBlockBytes)
	for _, tc := range []struct {
		name string
		send func(t *testing.T, hp *hostilePeer, i int)
	}{
		{"garbage gossip", func(t *testing.T, hp *hostilePeer, i int) {
			junk := make([]byte, 300)
			rand.Read(junk)
			hp.publish(t, junk)
		}},
		{"oversized gossip", func(t *testing.T, hp *hostilePeer, i int) {
			huge := make([]byte, maxBlock+1024)
			rand.Read(huge)
			hp.publish(t, huge)
		}},
		{"oversized sync frame", func(t *testing.T, hp *hostilePeer, i int) {
			hp.sendSyncRaw(t, binary.AppendUvarint(nil, 1<<30)) // declares 1 GiB, sends nothing
		}},
		{"garbage sync frame", func(t *testing.T, hp *hostilePeer, i int) {
			hp.sendSyncRaw(t, append(binary.AppendUvarint(nil, 5), 0xde, 0xad, 0xbe, 0xef, byte(i)))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hp := newHostilePeer(t, g, victim)
			// One offense costs 50 points: penalised, not yet banned.
			tc.send(t, hp, 0)
			eventually(t, 10*time.Second, "the penalty", func() bool { return victim.P2P().Score(hp.h.ID()) >= 45 })
			if _, b := victim.P2P().BannedUntil(hp.h.ID()); b {
				t.Fatal("banned after one 50-point offense")
			}
			// The second reaches the threshold of 100.
			tc.send(t, hp, 1)
			eventually(t, 10*time.Second, "the ban", func() bool { return banned(victim, hp.h.ID()) })
		})
	}

	// Invalid transactions cost 20 points each (an honest relay can lose a
	// race); the fifth bans. GossipSub must not graylist the sender first,
	// which would leave it connected and ignored.
	t.Run("invalid transactions", func(t *testing.T) {
		hp := newHostilePeer(t, g, victim)
		other := *g
		other.ChainID++
		for i := range 4 {
			hp.publishTx(t, transfer(t, &other, accts[0].key, uint64(i), types.Address{0x0f}, 1).Encode())
		}
		eventually(t, 10*time.Second, "the penalties", func() bool { return victim.P2P().Score(hp.h.ID()) >= 75 })
		if _, b := victim.P2P().BannedUntil(hp.h.ID()); b {
			t.Fatal("banned after four invalid transactions")
		}
		hp.publishTx(t, transfer(t, &other, accts[0].key, 4, types.Address{0x0f}, 1).Encode())
		eventually(t, 10*time.Second, "the ban", func() bool { return banned(victim, hp.h.ID()) })
	})

	// A peer that signs its messages breaks the network's policy: GossipSub
	// drops them unseen, and each costs the sender as much as garbage.
	t.Run("signed gossip", func(t *testing.T) {
		hp := newHostilePeerWith(t, g, victim) // GossipSub's default: signed, with author
		hp.publish(t, []byte{0})
		eventually(t, 10*time.Second, "the penalty", func() bool { return victim.P2P().Score(hp.h.ID()) >= 45 })
		if _, b := victim.P2P().BannedUntil(hp.h.ID()); b {
			t.Fatal("banned after one 50-point offense")
		}
		hp.publish(t, []byte{1})
		eventually(t, 10*time.Second, "the ban", func() bool { return banned(victim, hp.h.ID()) })
	})

	// Through it all the victim stayed with its honest peer: new blocks
	// reach it by sync.
	more := extend(t, referee.bc, 3, "after", nil)
	importBlocks(t, friend.Chain(), more)
	waitHead(t, 20*time.Second, more[2].Hash(), victim)
	if !handshaken(victim, friend) {
		t.Fatal("the victim lost its honest peer")
	}
}
