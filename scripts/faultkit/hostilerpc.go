package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/quarry-chain/quarry/rpc"
)

// rpcConfig is the hostile RPC client's configuration. The limits default
// to the node's defaults (rpc/config.go, rpc/server.go); they set the size
// of the attacks and the deadlines the slow cases check.
type rpcConfig struct {
	url      string
	duration time.Duration
	// slowBudget is the time the slow cases get together; zero: what is
	// left of duration after the quick cases, at least minSlowBudget.
	slowBudget time.Duration

	maxBody          int64
	maxBatch         int
	maxBatchResponse int
	headerTimeout    time.Duration // http.Server.ReadHeaderTimeout
	readTimeout      time.Duration // http.Server.ReadTimeout: request timeout + 10 s
	writeTimeout     time.Duration // http.Server.WriteTimeout: request timeout + 10 s
	wsWriteTimeout   time.Duration

	slowConns   int
	noReadConns int
	wsConns     int

	// maxLatency bounds the well-behaved client's slowest call.
	maxLatency time.Duration
	pid        int
	rssLimitMB int64
	only       []string
}

// caseReport is one row of the hostile RPC report.
type caseReport struct {
	name, want, got, verdict string
	took                     time.Duration
}

// rpcSummary is how the well-behaved client and the node fared.
type rpcSummary struct {
	baseline, attack       probeStats
	heads                  int64
	wsErr                  string
	startHeight, endHeight uint64
	peakRSSKB              int64
	verdict, why           string
}

// minSlowBudget is the least time the concurrent slow cases get, even when
// the quick cases used up the duration.
const minSlowBudget = 5 * time.Second

// baselineFor is how long the well-behaved client is measured before the
// attacks start.
const baselineFor = 2 * time.Second

func hostileRPCCommand() command {
	return command{
		name: "hostile-rpc",
		args: "",
		usage: "attack a node's JSON-RPC (malformed, huge, deep, slow and non-reading clients) and report each case\n" +
			"Quick cases run one by one, then the slow ones together for the rest of -duration, while a\n" +
			"well-behaved client checks that its own calls and newHeads subscription are unaffected.",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			cfg := &rpcConfig{}
			fs.StringVar(&cfg.url, "rpc", "", "the node's JSON-RPC `URL` (required)")
			fs.DurationVar(&cfg.duration, "duration", 20*time.Second, "time budget of the whole run")
			fs.DurationVar(&cfg.slowBudget, "slow-budget", 0, "time the slow cases get together (default: what the quick ones left of -duration, at least 5s)")
			fs.Int64Var(&cfg.maxBody, "max-body", rpc.DefaultMaxBodyBytes, "the node's body limit in `bytes`")
			fs.IntVar(&cfg.maxBatch, "max-batch", rpc.DefaultMaxBatch, "the node's batch limit (requests)")
			fs.IntVar(&cfg.maxBatchResponse, "max-batch-response", rpc.DefaultMaxBatchResponse, "the node's batch response limit in `bytes`")
			fs.DurationVar(&cfg.headerTimeout, "header-timeout", 10*time.Second, "the node's timeout for reading a request head")
			fs.DurationVar(&cfg.readTimeout, "read-timeout", rpc.DefaultRequestTimeout+10*time.Second, "the node's timeout for reading a request")
			fs.DurationVar(&cfg.writeTimeout, "write-timeout", rpc.DefaultRequestTimeout+10*time.Second, "the node's timeout for writing an answer")
			fs.DurationVar(&cfg.wsWriteTimeout, "ws-write-timeout", rpc.DefaultWSWriteTimeout, "the node's WebSocket write timeout")
			fs.IntVar(&cfg.slowConns, "slow-conns", 50, "connections of each slowloris case")
			fs.IntVar(&cfg.noReadConns, "noread-conns", 4, "HTTP clients that never read their (25 MiB) answers")
			fs.IntVar(&cfg.wsConns, "ws-conns", 2, "WebSocket clients of each non-reading case")
			fs.DurationVar(&cfg.maxLatency, "max-latency", 3*time.Second, "the well-behaved client's slowest acceptable call")
			fs.IntVar(&cfg.pid, "pid", 0, "the node's process id, to sample its resident memory (0: not sampled)")
			fs.Int64Var(&cfg.rssLimitMB, "rss-limit-mb", 0, "fail if the node's resident memory (-pid) peaks above this (0: report only)")
			only := fs.String("cases", "", "comma-separated `cases` to run (default all)")
			return func(ctx context.Context, args []string) error {
				if len(args) != 0 {
					return fmt.Errorf("%w: unexpected arguments %q", errUsage, args)
				}
				if cfg.url == "" {
					return fmt.Errorf("%w: -rpc is required", errUsage)
				}
				if cfg.duration <= 0 || cfg.maxBody <= 0 || cfg.maxBatch <= 0 {
					return fmt.Errorf("%w: -duration, -max-body and -max-batch must be positive", errUsage)
				}
				if *only != "" {
					cfg.only = strings.Split(*only, ",")
					names := caseNames(cfg)
					for _, n := range cfg.only {
						if !slices.Contains(names, n) {
							return fmt.Errorf("%w: no case %q", errUsage, n)
						}
					}
				}
				reports, sum, err := runHostileRPC(ctx, cfg, e.stderr)
				if err != nil {
					return err
				}
				printRPCReport(e.stdout, cfg, reports, sum)
				return rpcVerdict(reports, sum)
			}
		},
	}
}

// slowCases are the attacks that hold connections open; they run together.
func slowCases(cfg *rpcConfig) []rpcCase {
	return []rpcCase{
		{"slowloris-headers", fmt.Sprintf("%d heads trickled: each ended at the header timeout (%v)", cfg.slowConns, cfg.headerTimeout), caseSlowHeaders},
		{"slowloris-body", fmt.Sprintf("%d bodies trickled: each ended at the read timeout (%v)", cfg.slowConns, cfg.readTimeout), caseSlowBody},
		{"noread-http", fmt.Sprintf("%d unread 25 MiB answers: none held past the write timeout (%v)", cfg.noReadConns, cfg.writeTimeout), caseNoReadHTTP},
		{"noread-ws", fmt.Sprintf("%d WS clients, unread subscriptions and 32x6 MiB answers: dropped (%v)", cfg.wsConns, cfg.wsWriteTimeout), caseNoReadWS},
		{"unread-subscriptions", fmt.Sprintf("%d WS clients, %d unread subscriptions: others unaffected", cfg.wsConns, wsMaxSubs), caseUnreadSubs},
	}
}

func caseNames(cfg *rpcConfig) []string {
	var out []string
	for _, c := range append(quickCases(cfg), slowCases(cfg)...) {
		out = append(out, c.name)
	}
	return out
}

func (cfg *rpcConfig) selected(cases []rpcCase) []rpcCase {
	if len(cfg.only) == 0 {
		return cases
	}
	return slices.DeleteFunc(cases, func(c rpcCase) bool { return !slices.Contains(cfg.only, c.name) })
}

// runHostileRPC measures the well-behaved client, runs the quick cases one
// by one and then the slow ones together, and reports. Progress goes to
// log.
func runHostileRPC(ctx context.Context, cfg *rpcConfig, log io.Writer) ([]caseReport, rpcSummary, error) {
	var sum rpcSummary
	ep, err := parseEndpoint(cfg.url)
	if err != nil {
		return nil, sum, fmt.Errorf("%w: -rpc: %v", errUsage, err)
	}
	check := newRPCClient(cfg.url, 10*time.Second)
	if sum.startHeight, err = check.BlockNumber(ctx); err != nil {
		return nil, sum, err
	}
	start := time.Now()
	deadline := start.Add(cfg.duration)
	bg, stopBG := context.WithCancel(ctx)
	defer stopBG()
	var wg sync.WaitGroup
	p := newProber(cfg.url, ep)
	wg.Add(2)
	go func() { defer wg.Done(); p.runHTTP(bg) }()
	go func() { defer wg.Done(); p.runWS(bg) }()
	var rss *rssSampler
	if cfg.pid > 0 {
		rss = &rssSampler{pid: cfg.pid}
		wg.Add(1)
		go func() { defer wg.Done(); rss.run(bg) }()
	}
	if !sleepCtx(ctx, baselineFor) {
		return nil, sum, ctx.Err()
	}
	sum.baseline = p.take()
	fmt.Fprintf(log, "hostile-rpc: well-behaved client before the attacks: %v\n", sum.baseline)

	a := &rpcAttack{ep: ep, cfg: cfg}
	var reports []caseReport
	for _, c := range cfg.selected(quickCases(cfg)) {
		cctx, cancel := context.WithTimeout(ctx, time.Minute)
		r := runCase(cctx, a, c)
		cancel()
		reports = append(reports, r)
		fmt.Fprintf(log, "hostile-rpc [%.0fs]: %-20s %s: %s\n", time.Since(start).Seconds(), r.name, r.verdict, r.got)
		if ctx.Err() != nil {
			return reports, sum, ctx.Err()
		}
	}

	slow := cfg.selected(slowCases(cfg))
	budget := cfg.slowBudget
	if budget <= 0 {
		budget = max(time.Until(deadline), minSlowBudget)
	}
	fmt.Fprintf(log, "hostile-rpc [%.0fs]: %d slow cases together for %.0fs\n", time.Since(start).Seconds(), len(slow), budget.Seconds())
	slowReports := make([]caseReport, len(slow))
	var swg sync.WaitGroup
	for i, c := range slow {
		swg.Add(1)
		go func() {
			defer swg.Done()
			cctx, cancel := context.WithTimeout(ctx, budget)
			defer cancel()
			slowReports[i] = runCase(cctx, a, c)
		}()
	}
	swg.Wait()
	for _, r := range slowReports {
		fmt.Fprintf(log, "hostile-rpc [%.0fs]: %-20s %s: %s\n", time.Since(start).Seconds(), r.name, r.verdict, r.got)
	}
	reports = append(reports, slowReports...)
	if ctx.Err() != nil {
		return reports, sum, ctx.Err()
	}

	sleepCtx(ctx, time.Second) // the client's last calls after the attacks
	stopBG()
	wg.Wait()
	sum.attack = p.take()
	sum.heads = p.heads.Load()
	if e := p.wsErr.Load(); e != nil {
		sum.wsErr = *e
	}
	if sum.endHeight, err = check.BlockNumber(ctx); err != nil {
		return reports, sum, fmt.Errorf("the node stopped answering after the attacks: %w", err)
	}
	if rss != nil {
		sum.peakRSSKB = rss.peakKB.Load()
	}
	sum.verdict, sum.why = judgeClient(cfg, sum)
	return reports, sum, nil
}

// runCase runs c and times it.
func runCase(ctx context.Context, a *rpcAttack, c rpcCase) caseReport {
	start := time.Now()
	o := c.run(ctx, a)
	r := caseReport{name: c.name, want: c.want, got: o.got, took: time.Since(start), verdict: verdictFail}
	switch {
	case o.skip != "":
		r.verdict, r.got = verdictSkip, o.skip
	case o.pass:
		r.verdict = verdictPass
	}
	return r
}

// judgeClient decides whether the well-behaved client was unaffected: no
// failed call, no call slower than -max-latency, its subscription alive and
// delivering heads if the chain grew, and the node's memory within bound.
func judgeClient(cfg *rpcConfig, sum rpcSummary) (string, string) {
	var why []string
	if sum.attack.failures > 0 {
		why = append(why, fmt.Sprintf("%d calls failed (first: %s)", sum.attack.failures, sum.attack.firstErr))
	}
	if sum.attack.max > cfg.maxLatency {
		why = append(why, fmt.Sprintf("slowest call %v > %v", sum.attack.max.Round(time.Millisecond), cfg.maxLatency))
	}
	if sum.wsErr != "" {
		why = append(why, "subscription failed: "+sum.wsErr)
	}
	if sum.endHeight >= sum.startHeight+2 && sum.heads == 0 {
		why = append(why, fmt.Sprintf("no newHeads while the chain grew %d blocks", sum.endHeight-sum.startHeight))
	}
	if cfg.rssLimitMB > 0 && sum.peakRSSKB > cfg.rssLimitMB<<10 {
		why = append(why, fmt.Sprintf("node RSS peaked at %d MiB > %d MiB", sum.peakRSSKB>>10, cfg.rssLimitMB))
	}
	if len(why) > 0 {
		return verdictFail, strings.Join(why, "; ")
	}
	return verdictPass, ""
}

func printRPCReport(w io.Writer, cfg *rpcConfig, reports []caseReport, sum rpcSummary) {
	t := &table{header: []string{"CASE", "RESULT", "TIME", "EXPECTED", "GOT"}}
	for _, r := range reports {
		t.add(r.name, r.verdict, fmt.Sprintf("%.1fs", r.took.Seconds()), r.want, r.got)
	}
	t.add("well-behaved-client", sum.verdict, "", fmt.Sprintf("no failures, slowest call <= %v, heads delivered", cfg.maxLatency),
		fmt.Sprintf("%v; %d heads (height %d -> %d) %s", sum.attack, sum.heads, sum.startHeight, sum.endHeight, sum.why))
	t.print(w)
	ratio := "n/a"
	if sum.baseline.p50 > 0 {
		ratio = fmt.Sprintf("%.1fx", float64(sum.attack.p50)/float64(sum.baseline.p50))
	}
	fmt.Fprintf(w, "well-behaved client: before the attacks %v; during them %v (p50 %s the baseline)\n", sum.baseline, sum.attack, ratio)
	if cfg.pid > 0 {
		fmt.Fprintf(w, "node pid %d: resident memory peaked at %d MiB during the run\n", cfg.pid, sum.peakRSSKB>>10)
	}
}

// rpcVerdict fails the run if a case failed or the well-behaved client was
// affected.
func rpcVerdict(reports []caseReport, sum rpcSummary) error {
	var failed []string
	for _, r := range reports {
		if r.verdict == verdictFail {
			failed = append(failed, r.name)
		}
	}
	if sum.verdict == verdictFail {
		failed = append(failed, "well-behaved-client ("+sum.why+")")
	}
	if len(failed) > 0 {
		return fmt.Errorf("%w: %s", errFailed, strings.Join(failed, ", "))
	}
	return nil
}

// sleepCtx waits for d or until ctx ends; it reports whether d passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
