package p2p

import (
	"bufio"
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
)

// rawPeer is a bare libp2p host that passes the status handshake (so it is
// not refused as another network) and then sends whatever a test wants.
func rawPeer(t *testing.T, c *fakeChain) host.Host {
	t.Helper()
	h, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	status := &StatusMsg{Version: ProtocolVersion, ChainID: testChainID, Genesis: c.GenesisHash(), Head: c.Head()}
	h.SetStreamHandler(StatusProtocol(c.GenesisHash()), func(s network.Stream) {
		defer s.Close()
		if _, err := readFrame(bufio.NewReader(s), maxStatusBytes); err == nil {
			_ = writeFrame(s, status)
		}
	})
	return h
}

func TestMisbehaviourBans(t *testing.T) {
	t.Parallel()
	garbage := append(binary.AppendUvarint(nil, 5), 0xde, 0xad, 0xbe, 0xef, 0x00)
	oversized := binary.AppendUvarint(nil, 1<<30) // declares 1 GiB, sends nothing more
	for _, tc := range []struct {
		name  string
		sends [][]byte
	}{
		{"garbage", [][]byte{garbage, garbage}},
		{"oversized", [][]byte{oversized, oversized}},
		{"garbage then oversized", [][]byte{garbage, oversized}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			node := startNode(t, newFakeChain(0), nil)
			raw := rawPeer(t, node.chain)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			self := node.svc.Self()
			target := peer.AddrInfo{ID: self.ID, Addrs: self.Addrs}
			if err := raw.Connect(ctx, target); err != nil {
				t.Fatal(err)
			}
			waitFor(t, 5*time.Second, "handshake", func() bool {
				for _, p := range node.svc.Peers() {
					if p.ID == raw.ID() {
						return p.Handshaken
					}
				}
				return false
			})
			for i, msg := range tc.sends {
				s, err := raw.NewStream(ctx, self.ID, SyncProtocol(node.chain.GenesisHash()))
				if err != nil {
					t.Fatalf("send %d: %v", i, err)
				}
				_, _ = s.Write(msg)
				_ = s.CloseWrite()
				// The node resets the stream once it has judged the bytes.
				_, _ = bufio.NewReader(s).ReadByte()
				s.Close()
				if i == 0 {
					if score := node.svc.Score(raw.ID()); score < 45 {
						t.Fatalf("score after one bad message: %v", score)
					}
				}
			}
			waitFor(t, 5*time.Second, "the ban", func() bool {
				_, banned := node.svc.BannedUntil(raw.ID())
				return banned && raw.Network().Connectedness(self.ID) != network.Connected
			})
			// The ban holds: the peer cannot come back.
			if err := raw.Connect(ctx, target); err == nil {
				waitFor(t, 3*time.Second, "the banned peer's connection to be refused", func() bool {
					return raw.Network().Connectedness(self.ID) != network.Connected
				})
			}
		})
	}
}

// TestServeRateLimit: a peer that opens far more requests than its rate
// allows is charged for flooding, while the node keeps serving others.
func TestServeRateLimit(t *testing.T) {
	t.Parallel()
	node := startNode(t, newFakeChain(0), func(c *Config) { c.ServeRate, c.ServeBurst = 1, 1 })
	raw := rawPeer(t, node.chain)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	self := node.svc.Self()
	if err := raw.Connect(ctx, peer.AddrInfo{ID: self.ID, Addrs: self.Addrs}); err != nil {
		t.Fatal(err)
	}
	req := &GetHeadersMsg{Locator: nil, Max: 10}
	for i := 0; i < 2*maxServePerPeer+4; i++ {
		go func() {
			s, err := raw.NewStream(ctx, self.ID, SyncProtocol(node.chain.GenesisHash()))
			if err != nil {
				return
			}
			defer s.Close()
			_ = writeFrame(s, req)
			_ = s.CloseWrite()
			_, _ = readFrame(bufio.NewReader(s), maxHeadersBytes)
		}()
	}
	waitFor(t, 5*time.Second, "a flood penalty", func() bool { return node.svc.Score(raw.ID()) >= OffenseFlood.Points()*0.9 })
}
