package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/wallet/rpcclient"
)

// errWaitTimeout: the transaction was not mined (deep enough) in time.
var errWaitTimeout = errors.New("timed out waiting for the transaction")

// stillPendingEvery is how often a pending transaction is reported.
const stillPendingEvery = 10 * time.Second

// waitReceipt polls for hash's receipt until the block holding it has
// confirmations blocks on top of and including it, reporting progress on
// stderr. A receipt that disappears (its block was reorganised away) is
// waited for again.
func (a *app) waitReceipt(ctx context.Context, hash types.Hash, confirmations uint, timeout time.Duration) (*rpcclient.Receipt, error) {
	client, err := a.rpc()
	if err != nil {
		return nil, err
	}
	confirmations = max(confirmations, 1)
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	elapsed := func() time.Duration { return time.Since(start).Round(100 * time.Millisecond) }
	fmt.Fprintf(a.stderr, "waiting for %s\n", hash.Hex())
	lastReport, lastConf := start, uint64(0)
	ticker := time.NewTicker(a.pollInterval)
	defer ticker.Stop()
	for {
		r, err := client.Receipt(ctx, hash)
		if err != nil && ctx.Err() == nil {
			return nil, err
		}
		if r != nil {
			tip, err := client.BlockNumber(ctx)
			if err != nil && ctx.Err() == nil {
				return nil, err
			}
			conf := uint64(0)
			if tip >= uint64(r.BlockNumber) {
				conf = tip - uint64(r.BlockNumber) + 1
			}
			if conf != lastConf {
				fmt.Fprintf(a.stderr, "mined in block %d: %d/%d confirmations (%s)\n",
					uint64(r.BlockNumber), min(conf, uint64(confirmations)), confirmations, elapsed())
				lastConf = conf
			}
			if conf >= uint64(confirmations) {
				return r, nil
			}
		} else if lastConf != 0 {
			fmt.Fprintf(a.stderr, "receipt gone (reorganisation); waiting again (%s)\n", elapsed())
			lastConf = 0
		} else if time.Since(lastReport) >= stillPendingEvery {
			fmt.Fprintf(a.stderr, "still pending (%s)\n", elapsed())
			lastReport = time.Now()
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return nil, fmt.Errorf("%w: %s after %s", errWaitTimeout, hash.Hex(), timeout)
			}
			return nil, ctx.Err()
		case <-ticker.C:
		}
	}
}
