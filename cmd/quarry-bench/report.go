package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"
)

// report is what a run measured. The counts add up: Accepted + Rejected
// = Txs, and Accepted = Included + Lost.
type report struct {
	Mode     string `json:"mode"`
	Nodes    int    `json:"nodes"`
	Accounts int    `json:"accounts"`
	Txs      int    `json:"txs"`
	Clients  int    `json:"clients"`

	Accepted   int            `json:"accepted"`
	Rejected   int            `json:"rejected"`
	RejectedBy map[string]int `json:"rejectedBy"`
	// AlreadyKnown counts the accepted transactions a node answered it
	// already had: sent again after the first node died.
	AlreadyKnown int `json:"alreadyKnown"`
	// Failovers counts sends moved to another node that did answer, or
	// retried, after one did not.
	Failovers int `json:"failovers"`
	Included  int `json:"included"`
	// Failed counts included transactions whose receipt has status 0.
	Failed int `json:"failed"`
	Lost   int `json:"lost"`
	// LostBehindRejected is the part of Lost whose sender had an earlier
	// nonce rejected, so could never be included.
	LostBehindRejected int    `json:"lostBehindRejected"`
	IncludedTwice      int    `json:"includedTwice"`
	BlocksUsed         int    `json:"blocksUsed"`
	FirstBlock         uint64 `json:"firstBlock"`
	LastBlock          uint64 `json:"lastBlock"`

	SendSeconds      float64 `json:"sendSeconds"`
	AcceptRate       float64 `json:"acceptRateTxPerSec"`
	InclusionSeconds float64 `json:"inclusionSeconds"`
	InclusionRate    float64 `json:"inclusionThroughputTxPerSec"`
	LatencyP50Ms     float64 `json:"latencyP50Ms"`
	LatencyP95Ms     float64 `json:"latencyP95Ms"`
	LatencyP99Ms     float64 `json:"latencyP99Ms"`

	heights []uint64 // blocks holding plan transactions, ascending
}

// buildReport counts the run's outcome.
func buildReport(cfg *config, plan []signedTx, res []sendResult, inc inclusion, first, sendEnd time.Time) *report {
	r := &report{
		Mode: cfg.mode, Nodes: len(cfg.rpcs), Accounts: cfg.accounts, Txs: len(plan), Clients: cfg.clients,
		RejectedBy: map[string]int{}, IncludedTwice: inc.duplicates,
	}
	blocked := make([]bool, cfg.accounts)
	var lastSeen time.Time
	var lat []time.Duration
	for i := range plan {
		if !res[i].accepted {
			r.Rejected++
			r.RejectedBy[res[i].kind]++
			blocked[plan[i].sender] = true
			continue
		}
		r.Accepted++
		if res[i].known {
			r.AlreadyKnown++
		}
		if inc.at[i] == 0 {
			r.Lost++
			if blocked[plan[i].sender] {
				r.LostBehindRejected++
			}
			continue
		}
		r.Included++
		lat = append(lat, inc.seen[i].Sub(res[i].start))
		if inc.seen[i].After(lastSeen) {
			lastSeen = inc.seen[i]
		}
	}
	for h, b := range inc.blocks {
		if len(b.txs) > 0 {
			r.heights = append(r.heights, h)
		}
	}
	slices.Sort(r.heights)
	r.BlocksUsed = len(r.heights)
	if len(r.heights) > 0 {
		r.FirstBlock, r.LastBlock = r.heights[0], r.heights[len(r.heights)-1]
	}
	r.SendSeconds = sendEnd.Sub(first).Seconds()
	r.AcceptRate = rate(r.Accepted, r.SendSeconds)
	if !lastSeen.IsZero() {
		r.InclusionSeconds = lastSeen.Sub(first).Seconds()
		r.InclusionRate = rate(r.Included, r.InclusionSeconds)
	}
	slices.Sort(lat)
	r.LatencyP50Ms = percentileMs(lat, 50)
	r.LatencyP95Ms = percentileMs(lat, 95)
	r.LatencyP99Ms = percentileMs(lat, 99)
	return r
}

func rate(n int, secs float64) float64 {
	if secs <= 0 {
		return 0
	}
	return float64(n) / secs
}

// percentileMs returns the p-th percentile (nearest rank) of sorted, in
// milliseconds; 0 for none.
func percentileMs(sorted []time.Duration, p int) float64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 * n)
	rank = max(rank, 1)
	return float64(sorted[rank-1]) / float64(time.Millisecond)
}

// write prints the report as text or JSON.
func (r *report) write(w io.Writer, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("mode               %s (%d accounts, %d clients, %d node(s))\n", r.Mode, r.Accounts, r.Clients, r.Nodes)
	p("transactions       %d\n", r.Txs)
	p("accepted           %d\n", r.Accepted)
	if r.Failovers > 0 || r.AlreadyKnown > 0 {
		p("  resent %d times to another node after no answer; %d already known there\n", r.Failovers, r.AlreadyKnown)
	}
	p("rejected           %d\n", r.Rejected)
	for _, k := range slices.Sorted(maps.Keys(r.RejectedBy)) {
		p("  %6d  %s\n", r.RejectedBy[k], k)
	}
	p("included           %d (failed status: %d)\n", r.Included, r.Failed)
	p("lost               %d (behind a rejected nonce: %d)\n", r.Lost, r.LostBehindRejected)
	p("included twice     %d\n", r.IncludedTwice)
	p("blocks used        %d (heights %d to %d)\n", r.BlocksUsed, r.FirstBlock, r.LastBlock)
	p("acceptance rate    %.0f tx/s (%d in %.2f s)\n", r.AcceptRate, r.Accepted, r.SendSeconds)
	p("inclusion rate     %.0f tx/s (%d in %.2f s, first send to last receipt)\n", r.InclusionRate, r.Included, r.InclusionSeconds)
	_, err := fmt.Fprintf(w, "latency            p50 %.0f ms, p95 %.0f ms, p99 %.0f ms (send to receipt)\n", r.LatencyP50Ms, r.LatencyP95Ms, r.LatencyP99Ms)
	return err
}
