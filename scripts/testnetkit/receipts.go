package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

func receiptsCommand() command {
	return command{
		name: "receipts",
		args: "[NAME=]URL...",
		usage: "wait until every transaction has a successful receipt on every node\n" +
			"The -hashes file is what transfers prints.",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			file := fs.String("hashes", "-", "`file` of transaction hashes, one per line, first word (- for standard input)")
			sameBlock := fs.Bool("same-block", false, "also require every node to have each transaction in the same block")
			timeout := fs.Duration("timeout", 60*time.Second, "give up after this long")
			return func(ctx context.Context, args []string) error {
				nodes, err := parseNodes(args)
				if err != nil {
					return err
				}
				var r io.Reader = os.Stdin
				if *file != "-" {
					f, err := os.Open(*file)
					if err != nil {
						return err
					}
					defer f.Close()
					r = f
				}
				hashes, err := readHashes(r)
				if err != nil {
					return err
				}
				start := e.now()
				if err := waitReceipts(ctx, e.stderr, nodes, hashes, *sameBlock, *timeout); err != nil {
					return err
				}
				fmt.Fprintf(e.stderr, "all %d transactions have successful receipts on all %d nodes (%.1fs)\n",
					len(hashes), len(nodes), e.now().Sub(start).Seconds())
				return nil
			}
		},
	}
}

// readHashes reads the first word of each non-empty line, checking it is a
// 32-byte hex hash.
func readHashes(r io.Reader) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		var h types.Hash
		if err := hexutil.DecodeFixed(fields[0], h[:]); err != nil {
			return nil, fmt.Errorf("%w: line %d: %q is not a transaction hash: %v", errUsage, line, fields[0], err)
		}
		out = append(out, h.Hex())
	}
	return out, sc.Err()
}

// receipt is the part of a receipt the check reads.
type receipt struct {
	Status      quantity `json:"status"`
	BlockNumber quantity `json:"blockNumber"`
	BlockHash   string   `json:"blockHash"`
}

// waitReceipts polls until every hash has a receipt with status 1 on every
// node (and, with sameBlock, in the same block on every node). Every poll
// checks everything again, since a reorganisation may take a transaction
// out of a node's chain. A failed receipt (status 0) is an error at once.
func waitReceipts(ctx context.Context, progress io.Writer, nodes []node, hashes []string, sameBlock bool, timeout time.Duration) error {
	return poll(ctx, timeout, progress, func(ctx context.Context) (bool, string, error) {
		// One goroutine per node; each fills its own slot.
		blockOf := make([]map[string]string, len(nodes)) // node -> tx -> block hash
		lacking := make([]string, len(nodes))
		failed := make([]error, len(nodes))
		var wg sync.WaitGroup
		for i, n := range nodes {
			wg.Go(func() { blockOf[i], lacking[i], failed[i] = nodeReceipts(ctx, n, hashes) })
		}
		wg.Wait()
		if err := errors.Join(failed...); err != nil {
			return false, "", err
		}
		var missing []string
		for _, l := range lacking {
			if l != "" {
				missing = append(missing, l)
			}
		}
		if len(missing) > 0 {
			return false, strings.Join(missing, "; "), nil
		}
		if sameBlock {
			for _, h := range hashes {
				groups := make(map[string][]string)
				for i, n := range nodes {
					groups[blockOf[i][h]] = append(groups[blockOf[i][h]], n.name)
				}
				if len(groups) > 1 {
					return false, fmt.Sprintf("transaction %s is in different blocks: %s", shortHash(h), describeGroups(groups)), nil
				}
			}
		}
		return true, "", nil
	})
}

// nodeReceipts asks one node for every receipt: it returns the block of
// each transaction it has, a description of what it lacks ("" if nothing),
// and an error for a failed transaction.
func nodeReceipts(ctx context.Context, n node, hashes []string) (map[string]string, string, error) {
	blocks := make(map[string]string, len(hashes))
	lacks, first := 0, ""
	for _, h := range hashes {
		var r *receipt
		if err := n.Call(ctx, &r, "eth_getTransactionReceipt", h); err != nil || r == nil {
			if lacks++; lacks == 1 {
				first = h
			}
			continue
		}
		if r.Status != 1 {
			return nil, "", fmt.Errorf("transaction %s failed (status %d) in block %d on node %s", h, r.Status, r.BlockNumber, n.name)
		}
		blocks[h] = r.BlockHash
	}
	if lacks > 0 {
		return blocks, fmt.Sprintf("node %s lacks %d of %d receipts (first %s)", n.name, lacks, len(hashes), shortHash(first)), nil
	}
	return blocks, "", nil
}
