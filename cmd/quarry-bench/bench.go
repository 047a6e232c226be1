package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/wallet/rpcclient"
)

// waitPoll is how often the run checks whether everything is included.
const waitPoll = 50 * time.Millisecond

// bench runs the whole benchmark. It returns a report whenever sending
// began, with ErrLoss if something was lost or included twice.
func bench(ctx context.Context, cfg *config) (*report, error) {
	clients, err := dial(cfg)
	if err != nil {
		return nil, err
	}
	primary := clients[0]
	chainID, err := primary.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("chain id: %w", err)
	}
	price := cfg.gasPrice
	if price == nil {
		if price, err = primary.GasPrice(ctx); err != nil {
			return nil, fmt.Errorf("gas price: %w", err)
		}
	}
	signer := types.NewSigner(chainID)
	accts, err := newAccounts(cfg.accounts)
	if err != nil {
		return nil, err
	}
	perAccount := uint64((cfg.txs + cfg.accounts - 1) / cfg.accounts)

	// Funding, bounded by the timeout.
	fundCtx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	f, err := newFunder(fundCtx, primary, cfg.key, signer, price)
	if err != nil {
		return nil, err
	}
	tmpl := &txTemplate{signer: signer, gasPrice: price}
	switch cfg.mode {
	case modeToken:
		tk, err := deployToken(fundCtx, f)
		if err != nil {
			return nil, err
		}
		if err := fundTokens(fundCtx, f, tk, accts, perAccount, cfg.value); err != nil {
			return nil, err
		}
		tmpl.gas = tk.gas
		tmpl.build = func(_, j int) (types.Address, *uint256.Int, []byte) {
			return tk.addr, nil, tk.transferData(accts[j].addr, cfg.value)
		}
	default:
		if err := fundTransfers(fundCtx, f, accts, perAccount, cfg.value, transferGas); err != nil {
			return nil, err
		}
		tmpl.gas = transferGas
		tmpl.build = func(_, j int) (types.Address, *uint256.Int, []byte) { return accts[j].addr, cfg.value, nil }
	}

	plan, err := planLoad(accts, cfg.txs, tmpl)
	if err != nil {
		return nil, err
	}
	tip, err := primary.BlockNumber(ctx)
	if err != nil {
		return nil, fmt.Errorf("block number: %w", err)
	}

	var record *acceptedLog
	if cfg.acceptedOut != "" {
		if record, err = createAcceptedLog(cfg.acceptedOut, accts); err != nil {
			return nil, err
		}
	}

	// Send and wait, bounded by the timeout from the first send. The
	// chain is followed through whichever node answers.
	runCtx, cancelRun := context.WithTimeout(ctx, cfg.timeout)
	defer cancelRun()
	nodes := newNodeSet(clients)
	w := newWatcher(nodes, plan, tip+1)
	watchCtx, stopWatch := context.WithCancel(runCtx)
	watchDone := make(chan struct{})
	go func() { w.run(watchCtx); close(watchDone) }()
	s := &sender{clients: clients, conc: cfg.clients, maxPending: cfg.maxPending, included: &w.included,
		rate: newRateLimit(cfg.rate), record: record}
	prog := startProgress(cfg.progress, len(plan), &s.sent, &s.accepted, &w.included)

	first := time.Now()
	results := s.run(runCtx, plan)
	sendEnd := time.Now()
	expected := expectedIndexes(plan, results, cfg.accounts)
	for !w.allIncluded(expected) && runCtx.Err() == nil {
		select {
		case <-runCtx.Done():
		case <-time.After(waitPoll):
		}
	}
	stopWatch()
	<-watchDone
	prog.stop()

	inc := w.result()
	rep := buildReport(cfg, plan, results, inc, first, sendEnd)
	rep.Failovers = int(s.failovers.Load())
	if record != nil {
		if err := record.close(); err != nil {
			return rep, err
		}
	}
	// Ask after the run's deadline too: the receipts are there.
	failed, err := countFailed(ctx, nodes, w.index, rep.heights)
	if err != nil {
		return rep, err
	}
	rep.Failed = failed
	if rep.Lost > 0 || rep.IncludedTwice > 0 {
		return rep, fmt.Errorf("%w: %d lost, %d included twice", ErrLoss, rep.Lost, rep.IncludedTwice)
	}
	return rep, nil
}

// dial makes one client per node, sharing a transport that keeps C
// connections alive per node.
func dial(cfg *config) ([]*rpcclient.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = cfg.clients + 2
	tr.MaxIdleConns = (cfg.clients + 2) * len(cfg.rpcs)
	hc := &http.Client{Transport: tr, Timeout: rpcclient.DefaultTimeout}
	out := make([]*rpcclient.Client, 0, len(cfg.rpcs))
	for _, u := range cfg.rpcs {
		c, err := rpcclient.New(u, hc)
		if err != nil {
			return nil, usagef("--rpc: %w", err)
		}
		out = append(out, c)
	}
	return out, nil
}

// expectedIndexes returns the accepted transactions that can be included:
// those whose sender had every earlier nonce accepted too. One after a
// rejected nonce waits in the pool forever.
func expectedIndexes(plan []signedTx, res []sendResult, accounts int) []int {
	blocked := make([]bool, accounts)
	var out []int
	for i := range plan {
		a := plan[i].sender
		if !res[i].accepted {
			blocked[a] = true
			continue
		}
		if !blocked[a] {
			out = append(out, i)
		}
	}
	return slices.Clip(out)
}
