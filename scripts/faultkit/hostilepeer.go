package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/p2p"
)

// peerConfig is the hostile peer's configuration.
type peerConfig struct {
	target   peer.AddrInfo
	rpcURL   string
	duration time.Duration
	// flood is how long each flood phase sends.
	flood time.Duration
	// settle is how long a phase waits for the node to drop its sender.
	settle time.Duration
	// connectTimeout bounds the connection and handshake of an identity.
	connectTimeout time.Duration
	powBudget      uint64
	powLimitBits   uint32
	maxBlockBytes  int
	// signing is -gossip-signing: auto, signed or unsigned; unsigned is
	// what it resolved to.
	signing  string
	unsigned bool
	idsOut   string
	only     []string // phases to run; all when empty
}

// phaseReport is one row of the hostile peer's report.
type phaseReport struct {
	round   int
	phase   string
	peer    peer.ID
	sent    string
	outcome outcome
	detail  string
	expect  expectation
	verdict string
	took    time.Duration
}

// peerSummary is how the node fared over the whole run.
type peerSummary struct {
	startHeight, endHeight uint64
	healthOK, healthAll    int
}

func hostilePeerCommand() command {
	return command{
		name: "hostile-peer",
		args: "",
		usage: "attack a node over libp2p (garbage, oversized, invalid blocks and txs, floods) and report each phase\n" +
			"Each phase runs from a fresh identity; a phase that proves malice must end with that identity banned.\n" +
			"Phases: " + strings.Join(phaseNames(), ", ") + ".",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			cfg := &peerConfig{}
			target := fs.String("peer", "", "the node's p2p `multiaddr` with its /p2p/<id> suffix (required)")
			fs.StringVar(&cfg.rpcURL, "rpc", "", "the node's JSON-RPC `URL` (required)")
			fs.DurationVar(&cfg.duration, "duration", 20*time.Second, "time budget: all phases run once, then again while time remains")
			fs.DurationVar(&cfg.flood, "flood", 0, "how long each flood phase sends (default: duration/10, 1s to 10s)")
			fs.DurationVar(&cfg.settle, "settle", 3*time.Second, "how long a phase waits for the node to drop its sender")
			fs.DurationVar(&cfg.connectTimeout, "connect-timeout", 10*time.Second, "bound on an identity's connection and handshake")
			fs.Uint64Var(&cfg.powBudget, "pow-budget", 1<<24, "most hashes spent on one block's proof of work; harder phases are skipped")
			bits := fs.String("pow-limit-bits", fmt.Sprintf("%#08x", params.DevPowLimitBits), "the chain's easiest `bits` (dev chain and testnet)")
			fs.IntVar(&cfg.maxBlockBytes, "max-block-bytes", params.DevMaxBlockBytes, "the chain's block size limit in `bytes`")
			fs.StringVar(&cfg.signing, "gossip-signing", "auto", "whether the network's gossip carries author signatures: auto (learn it from the node's gossip), signed or unsigned")
			fs.StringVar(&cfg.idsOut, "ids-out", "", "write each identity's `file` line: peer id, phase, outcome")
			only := fs.String("phases", "", "comma-separated `phases` to run (default all)")
			return func(ctx context.Context, args []string) error {
				if len(args) != 0 {
					return fmt.Errorf("%w: unexpected arguments %q", errUsage, args)
				}
				if *target == "" || cfg.rpcURL == "" {
					return fmt.Errorf("%w: -peer and -rpc are required", errUsage)
				}
				info, err := p2p.ParsePeerAddr(*target)
				if err != nil {
					return fmt.Errorf("%w: -peer: %v", errUsage, err)
				}
				cfg.target = info
				b, err := strconv.ParseUint(*bits, 0, 32)
				if err != nil {
					return fmt.Errorf("%w: -pow-limit-bits: %v", errUsage, err)
				}
				cfg.powLimitBits = uint32(b)
				if *only != "" {
					cfg.only = strings.Split(*only, ",")
					for _, name := range cfg.only {
						if !slices.Contains(phaseNames(), name) {
							return fmt.Errorf("%w: no phase %q", errUsage, name)
						}
					}
				}
				switch cfg.signing {
				case "auto", "signed", "unsigned":
				default:
					return fmt.Errorf("%w: -gossip-signing %q: want auto, signed or unsigned", errUsage, cfg.signing)
				}
				if cfg.flood == 0 {
					cfg.flood = min(max(cfg.duration/10, time.Second), 10*time.Second)
				}
				if cfg.duration <= 0 || cfg.settle <= 0 || cfg.maxBlockBytes <= 0 {
					return fmt.Errorf("%w: -duration, -settle and -max-block-bytes must be positive", errUsage)
				}
				reports, sum, err := runHostilePeer(ctx, cfg, e.stderr)
				printPeerReport(e.stdout, reports, sum)
				if cfg.idsOut != "" {
					if werr := writeIDs(cfg.idsOut, reports); werr != nil && err == nil {
						err = werr
					}
				}
				if err != nil {
					return err
				}
				return peerVerdict(reports, sum)
			}
		},
	}
}

func phaseNames() []string {
	var out []string
	for _, p := range phases() {
		out = append(out, p.name)
	}
	return out
}

// runHostilePeer runs the phases, each from a fresh identity, once and
// then in further rounds while the duration allows another whole round.
// Progress goes to log.
func runHostilePeer(ctx context.Context, cfg *peerConfig, log io.Writer) ([]phaseReport, peerSummary, error) {
	var sum peerSummary
	rpc := newRPCClient(cfg.rpcURL, 5*time.Second)
	info, err := fetchChainInfo(ctx, rpc)
	if err != nil {
		return nil, sum, err
	}
	if sum.startHeight, err = rpc.BlockNumber(ctx); err != nil {
		return nil, sum, err
	}
	switch cfg.signing {
	case "signed":
		cfg.unsigned = false
	case "unsigned":
		cfg.unsigned = true
	default:
		signed, err := detectSigning(ctx, cfg, info)
		if err != nil {
			return nil, sum, err
		}
		cfg.unsigned = !signed
	}
	policy := "signed"
	if cfg.unsigned {
		policy = "unsigned"
	}
	fmt.Fprintf(log, "hostile-peer: node %s, chain id %d, genesis %s, height %d, %s gossip\n",
		short(cfg.target.ID.String()), info.ChainID, short(info.Genesis.Hex()), sum.startHeight, policy)
	var list []phase
	for _, p := range phases() {
		if len(cfg.only) == 0 || slices.Contains(cfg.only, p.name) {
			list = append(list, p)
		}
	}
	start := time.Now()
	var reports []phaseReport
	for round := 1; ; round++ {
		roundStart := time.Now()
		for _, p := range list {
			if ctx.Err() != nil {
				return reports, sum, ctx.Err()
			}
			r := runPhase(ctx, cfg, info, rpc, p)
			r.round = round
			reports = append(reports, r)
			fmt.Fprintf(log, "hostile-peer [%.0fs]: round %d %-18s %-12s %s: %s\n",
				time.Since(start).Seconds(), round, r.phase, r.outcome, r.verdict, r.sent)
			sum.healthAll++
			hctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			h, err := rpc.BlockNumber(hctx)
			cancel()
			if err == nil {
				sum.healthOK++
				sum.endHeight = h
			} else {
				fmt.Fprintf(log, "hostile-peer: the node's RPC failed after %s: %v\n", r.phase, err)
			}
		}
		if time.Since(start)+time.Since(roundStart) > cfg.duration {
			break
		}
	}
	return reports, sum, nil
}

// runPhase runs one phase from a fresh identity and judges the outcome.
func runPhase(ctx context.Context, cfg *peerConfig, info *chainInfo, rpc *rpcClient, p phase) phaseReport {
	start := time.Now()
	r := phaseReport{phase: p.name, expect: p.expect}
	fail := func(err error) phaseReport {
		r.verdict, r.detail, r.took = verdictFail, err.Error(), time.Since(start)
		return r
	}
	hh, err := newHostileHost(ctx, cfg.target, info, hostOptions{maxGossip: 2*cfg.maxBlockBytes + 1<<20, unsigned: cfg.unsigned})
	if err != nil {
		return fail(err)
	}
	defer hh.close()
	r.peer = hh.id()
	if err := hh.connect(ctx, cfg.connectTimeout); err != nil {
		return fail(err)
	}
	res, err := p.attack(ctx, &phaseEnv{hh: hh, info: info, rpc: rpc, cfg: cfg})
	r.sent = res.sent
	if err != nil {
		return fail(err)
	}
	if res.skipped != "" {
		r.verdict, r.detail, r.took = verdictSkip, res.skipped, time.Since(start)
		return r
	}
	r.outcome, r.detail = judge(ctx, hh, rpc, cfg.settle)
	r.verdict = verdictFail
	if p.expect.met(r.outcome) {
		r.verdict = verdictPass
	}
	r.took = time.Since(start)
	return r
}

func printPeerReport(w io.Writer, reports []phaseReport, sum peerSummary) {
	t := &table{header: []string{"ROUND", "PHASE", "PEER", "OUTCOME", "EXPECTED", "RESULT", "TIME", "SENT", "DETAIL"}}
	for _, r := range reports {
		outcome := "-"
		if r.outcome != 0 {
			outcome = r.outcome.String()
		}
		t.add(strconv.Itoa(r.round), r.phase, short(r.peer.String()), outcome, r.expect.String(), r.verdict,
			fmt.Sprintf("%.1fs", r.took.Seconds()), r.sent, r.detail)
	}
	t.print(w)
	fmt.Fprintf(w, "node height %d -> %d; RPC answered %d of %d health checks\n",
		sum.startHeight, sum.endHeight, sum.healthOK, sum.healthAll)
}

// peerVerdict fails the run if a phase failed or the node stopped answering.
func peerVerdict(reports []phaseReport, sum peerSummary) error {
	var failed []string
	for _, r := range reports {
		if r.verdict == verdictFail {
			failed = append(failed, fmt.Sprintf("%s (round %d)", r.phase, r.round))
		}
	}
	if sum.healthOK != sum.healthAll {
		failed = append(failed, fmt.Sprintf("RPC health (%d of %d answered)", sum.healthOK, sum.healthAll))
	}
	if len(failed) > 0 {
		return fmt.Errorf("%w: %s", errFailed, strings.Join(failed, ", "))
	}
	return nil
}

// writeIDs writes one line per identity: peer id, phase, outcome.
func writeIDs(path string, reports []phaseReport) error {
	var b strings.Builder
	for _, r := range reports {
		if r.peer == "" {
			continue
		}
		outcome := "skipped"
		if r.outcome != 0 {
			outcome = r.outcome.String()
		}
		fmt.Fprintf(&b, "%s %s %s\n", r.peer, r.phase, outcome)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("-ids-out: %w", err)
	}
	return nil
}
