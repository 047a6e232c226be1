package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/node"
	"github.com/quarry-chain/quarry/p2p"
)

func testPeerConfig(t *testing.T, tn *testNode) *peerConfig {
	t.Helper()
	target, err := p2p.ParsePeerAddr(tn.p2p)
	if err != nil {
		t.Fatal(err)
	}
	return &peerConfig{
		target: target, rpcURL: tn.url,
		duration: time.Nanosecond, flood: time.Second, settle: 3 * time.Second, connectTimeout: 10 * time.Second,
		powBudget: 1 << 24, powLimitBits: params.DevPowLimitBits, maxBlockBytes: params.DevMaxBlockBytes,
	}
}

// TestHostilePeer runs every phase against a real mining node and checks
// the verdict against the node's own state: the identity of each phase that
// proves malice is in the node's ban list, the others are not, and the node
// kept answering RPC and mining throughout. Then, on the same node, the
// banned command and the gossip signing policy.
func TestHostilePeer(t *testing.T) {
	t.Parallel()
	tn := startTestNode(t, nil)
	tn.waitHeight(t, 1, time.Minute)
	start := tn.n.Chain().Best().Height
	cfg := testPeerConfig(t, tn)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var bannedID string
	for _, p := range phases() {
		t.Run(p.name, func(t *testing.T) {
			cfg.only = []string{p.name}
			reports, sum, err := runHostilePeer(ctx, cfg, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if len(reports) == 0 {
				t.Fatal("no report")
			}
			for _, r := range reports {
				if r.verdict != verdictPass {
					t.Fatalf("round %d: %s, want %s: %s; sent %s", r.round, r.outcome, r.expect, r.detail, r.sent)
				}
				_, banned := tn.n.P2P().BannedUntil(r.peer)
				if want := p.expect == expectBan; banned != want {
					t.Fatalf("round %d: the node's ban list has the identity: %v, want %v", r.round, banned, want)
				}
				if banned {
					bannedID = r.peer.String()
				}
			}
			if sum.healthOK != sum.healthAll {
				t.Fatalf("RPC answered %d of %d health checks", sum.healthOK, sum.healthAll)
			}
		})
	}
	tn.waitHeight(t, start+2, 30*time.Second)
	for _, p := range tn.n.P2P().Peers() {
		t.Errorf("a hostile identity is still connected: %s", p.ID)
	}
	t.Run("banned command", func(t *testing.T) { testBannedCommand(t, tn, bannedID) })
	t.Run("wrong signing policy", func(t *testing.T) { testWrongSigning(t, tn, cfg) })
}

// TestHostilePeerDetectsMissingBan: against a node that never bans (a ban
// threshold no offense reaches), the phases that need a ban fail and the
// command exits 1, naming them; the identities file still lists each one.
func TestHostilePeerDetectsMissingBan(t *testing.T) {
	t.Parallel()
	tn := startTestNode(t, func(c *node.Config) { c.P2P.BanThreshold = 1e9 })
	ids := filepath.Join(t.TempDir(), "ids")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"hostile-peer", "-peer", tn.p2p, "-rpc", tn.url,
		"-duration", "1s", "-settle", "2s", "-phases", "garbage-frames,bad-pow-block", "-ids-out", ids},
		&env{stdout: &stdout, stderr: &stderr, now: time.Now})
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitFailed, stdout.String(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "garbage-frames (round 1), bad-pow-block (round 1)") {
		t.Fatalf("stderr does not name the failed phases:\n%s", stderr.String())
	}
	data, err := os.ReadFile(ids)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 2 {
		t.Fatalf("ids file:\n%s", data)
	}
	for i, phase := range []string{"garbage-frames", "bad-pow-block"} {
		f := strings.Fields(lines[i])
		if len(f) != 3 || f[1] != phase || f[2] != "connected" {
			t.Fatalf("ids line %d: %q", i, lines[i])
		}
		id, err := peer.Decode(f[0])
		if err != nil {
			t.Fatal(err)
		}
		if score := tn.n.P2P().Score(id); score < 90 {
			t.Fatalf("%s: the node scored the identity %v: the attack did not land", phase, score)
		}
	}
}

// testBannedCommand: banned exits 0 for banned peers and 1 for others.
func testBannedCommand(t *testing.T, tn *testNode, bannedID string) {
	if bannedID == "" {
		t.Fatal("no phase got its identity banned")
	}
	innocent := "12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo"
	for _, tt := range []struct {
		ids  []string
		code int
		out  string
	}{
		{[]string{bannedID}, exitOK, bannedID + " banned"},
		{[]string{bannedID, innocent}, exitFailed, innocent + " NOT banned"},
		{[]string{"not-a-peer-id"}, exitUsage, ""},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"banned", "-rpc", tn.url}, tt.ids...), &env{stdout: &stdout, stderr: &stderr, now: time.Now})
		if code != tt.code || !strings.Contains(stdout.String(), tt.out) {
			t.Fatalf("banned %v: exit %d, stdout %q, stderr %q; want %d and %q", tt.ids, code, stdout.String(), stderr.String(), tt.code, tt.out)
		}
	}
	// The probe of the innocent id was undone: the node does not keep
	// dialling it.
	for _, p := range tn.n.P2P().Peers() {
		if p.ID.String() == innocent {
			t.Fatal("the probe left the node connected to the innocent peer")
		}
	}
}

// testWrongSigning: the node drops gossip that does not follow its
// signing policy before any validator sees it, so a bad block published
// under the other policy is never judged on its merits; the node counts
// each such message against its sender as malformed instead, so the
// sender is penalised and soon banned. The hostile peer still learns the
// policy (detectSigning) first, so that each phase tests what it names.
func testWrongSigning(t *testing.T, tn *testNode, cfg *peerConfig) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	info, err := fetchChainInfo(ctx, newRPCClient(tn.url, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	signed, err := detectSigning(ctx, cfg, info)
	if err != nil {
		t.Fatal(err)
	}
	cfg.signing, cfg.settle, cfg.only = "signed", 2*time.Second, []string{"bad-pow-block"}
	if signed {
		cfg.signing = "unsigned"
	}
	reports, _, err := runHostilePeer(ctx, cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 {
		t.Fatalf("bad-pow-block under the wrong signing policy (%s): %+v", cfg.signing, reports)
	}
	_, banned := tn.n.P2P().BannedUntil(reports[0].peer)
	if score := tn.n.P2P().Score(reports[0].peer); !banned && score < 45 {
		t.Fatalf("gossip of the wrong signing policy went unpunished: score %v, not banned (%+v)", score, reports[0])
	}
}
