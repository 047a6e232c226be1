package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
	"github.com/quarry-chain/quarry/wallet/units"
)

// lookupWorkers is how many transaction lookups one node gets at once.
const lookupWorkers = 8

// maxProblems is how many problems a failed check lists.
const maxProblems = 10

func includedCommand() command {
	return command{
		name: "included",
		args: "[NAME=]URL...",
		usage: "check every node's whole chain: each -hashes transaction is in it exactly once with a successful receipt;\n" +
			"each -absent one is in no chain, no pool, and has no receipt. Checks again until all holds or -timeout.\n" +
			"A -hashes line is HASH [SENDER NONCE ...], as quarry-bench --accepted-out writes.",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			present := fs.String("hashes", "", "`file` of transactions each node's chain must include exactly once")
			absent := fs.String("absent", "", "`file` of transactions no node may know of")
			nonces := fs.Bool("nonces", false, "also: each sender's nonce at the head is one past its highest nonce in -hashes (nothing waits behind a gap)")
			emptyPool := fs.Bool("empty-pool", false, "also: every node's pool is empty")
			var balances balanceFlags
			fs.Var(&balances, "balance", "also: `ADDR=AMOUNT` is ADDR's balance at every head (AMOUNT in wei, or with a unit: 6000ether); repeatable")
			timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
			return func(ctx context.Context, args []string) error {
				nodes, err := parseNodes(args)
				if err != nil {
					return err
				}
				var want inclusionWant
				if want.present, err = readTxList(*present); err != nil {
					return err
				}
				if want.absent, err = readTxList(*absent); err != nil {
					return err
				}
				if *present == "" && *absent == "" && !*emptyPool && len(balances) == 0 {
					return fmt.Errorf("%w: nothing to check (give -hashes, -absent, -empty-pool or -balance)", errUsage)
				}
				if *nonces && *present != "" {
					if want.nonces, err = highestNonces(want.present); err != nil {
						return err
					}
				}
				want.emptyPool, want.balances = *emptyPool, balances
				start := e.now()
				err = poll(ctx, *timeout, e.stderr, func(ctx context.Context) (bool, string, error) {
					problems := checkInclusion(ctx, nodes, &want)
					if len(problems) == 0 {
						return true, "", nil
					}
					if len(problems) > maxProblems {
						problems = append(problems[:maxProblems], fmt.Sprintf("and %d more", len(problems)-maxProblems))
					}
					return false, strings.Join(problems, "; "), nil
				})
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stderr, "on all %d nodes: %d transactions included exactly once, %d in no chain or pool%s (%.1fs)\n",
					len(nodes), len(want.present), len(want.absent), want.extras(), e.now().Sub(start).Seconds())
				return nil
			}
		},
	}
}

// listedTx is one line of a transaction list: a hash, and the sender and
// nonce if the line gives them.
type listedTx struct {
	hash   string // as types.Hash.Hex prints it
	sender string // "" if not given
	nonce  uint64
}

// readTxList reads HASH [SENDER NONCE ...] lines; "" reads nothing.
func readTxList(path string) ([]listedTx, error) {
	if path == "" {
		return nil, nil
	}
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	return parseTxList(r)
}

func parseTxList(r io.Reader) ([]listedTx, error) {
	var out []listedTx
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		var h types.Hash
		if err := hexutil.DecodeFixed(fields[0], h[:]); err != nil {
			return nil, fmt.Errorf("%w: line %d: %q is not a transaction hash", errUsage, line, fields[0])
		}
		tx := listedTx{hash: h.Hex()}
		if seen[tx.hash] {
			return nil, fmt.Errorf("%w: line %d: transaction %s listed twice", errUsage, line, tx.hash)
		}
		seen[tx.hash] = true
		if len(fields) >= 3 {
			a, err := types.ParseAddress(fields[1])
			if err != nil {
				return nil, fmt.Errorf("%w: line %d: sender %q: %v", errUsage, line, fields[1], err)
			}
			if tx.nonce, err = strconv.ParseUint(fields[2], 10, 64); err != nil {
				return nil, fmt.Errorf("%w: line %d: nonce %q: %v", errUsage, line, fields[2], err)
			}
			tx.sender = a.Hex()
		}
		out = append(out, tx)
	}
	return out, sc.Err()
}

// highestNonces maps each sender to its highest listed nonce.
func highestNonces(txs []listedTx) (map[string]uint64, error) {
	out := map[string]uint64{}
	for _, tx := range txs {
		if tx.sender == "" {
			return nil, fmt.Errorf("%w: -nonces needs SENDER and NONCE on every -hashes line (transaction %s has none)", errUsage, tx.hash)
		}
		if n, ok := out[tx.sender]; !ok || tx.nonce > n {
			out[tx.sender] = tx.nonce
		}
	}
	return out, nil
}

// balanceFlags collects -balance ADDR=AMOUNT.
type balanceFlags []balanceWant

type balanceWant struct {
	addr  string
	value *uint256.Int
}

func (b *balanceFlags) String() string { return fmt.Sprint(len(*b), " balances") }

func (b *balanceFlags) Set(s string) error {
	addr, amount, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("want ADDR=AMOUNT, got %q", s)
	}
	a, err := types.ParseAddress(addr)
	if err != nil {
		return err
	}
	v, err := units.ParseDefault(amount, 0)
	if err != nil {
		return err
	}
	*b = append(*b, balanceWant{addr: a.Hex(), value: v})
	return nil
}

// inclusionWant is what included checks on every node.
type inclusionWant struct {
	present, absent []listedTx
	nonces          map[string]uint64 // sender -> highest nonce; nil: unchecked
	emptyPool       bool
	balances        []balanceWant
}

func (w *inclusionWant) extras() string {
	var parts []string
	if w.nonces != nil {
		parts = append(parts, fmt.Sprintf("%d senders' nonces right", len(w.nonces)))
	}
	if w.emptyPool {
		parts = append(parts, "pools empty")
	}
	if len(w.balances) > 0 {
		parts = append(parts, fmt.Sprintf("%d balances right", len(w.balances)))
	}
	if len(parts) == 0 {
		return ""
	}
	return ", " + strings.Join(parts, ", ")
}

// checkInclusion checks every node at once and returns what is wrong.
func checkInclusion(ctx context.Context, nodes []node, want *inclusionWant) []string {
	problems := make([][]string, len(nodes))
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Go(func() { problems[i] = checkNodeInclusion(ctx, n, want) })
	}
	wg.Wait()
	return slices.Concat(problems...)
}

// chainBlock is the part of a block the chain walk reads.
type chainBlock struct {
	Number       quantity `json:"number"`
	Hash         string   `json:"hash"`
	ParentHash   string   `json:"parentHash"`
	StateRoot    string   `json:"stateRoot"`
	Transactions []string `json:"transactions"`
}

// walkChain reads n's active chain from its head back to genesis, by
// parent hash, so that it sees one chain even if the head moves meanwhile.
// It returns the blocks each watched transaction is in.
func walkChain(ctx context.Context, n node, watched map[string]bool) (map[string][]*chainBlock, error) {
	where := map[string][]*chainBlock{}
	var b *chainBlock
	if err := n.Call(ctx, &b, "eth_getBlockByNumber", "latest", false); err != nil {
		return nil, err
	}
	for b != nil {
		for _, h := range b.Transactions {
			if h = strings.ToLower(h); watched[h] {
				where[h] = append(where[h], b)
			}
		}
		if b.Number == 0 {
			return where, nil
		}
		parent := b.ParentHash
		b = nil
		if err := n.Call(ctx, &b, "eth_getBlockByHash", parent, false); err != nil {
			return nil, err
		}
		if b == nil {
			return nil, fmt.Errorf("node %s has no block %s, the parent of a block of its chain", n.name, parent)
		}
	}
	return where, nil
}

// checkNodeInclusion checks one node.
func checkNodeInclusion(ctx context.Context, n node, want *inclusionWant) []string {
	var problems []string
	add := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf("node %s: ", n.name)+fmt.Sprintf(format, args...))
	}
	watched := map[string]bool{}
	for _, tx := range slices.Concat(want.present, want.absent) {
		watched[strings.ToLower(tx.hash)] = true
	}
	where := map[string][]*chainBlock{}
	if len(watched) > 0 {
		var err error
		if where, err = walkChain(ctx, n, watched); err != nil {
			add("reading the chain: %v", err)
			return problems
		}
	}
	// Receipts: one request per block (a receipt costs as much to serve
	// as its block's); the node's index, one lookup per transaction.
	receipts, err := blockReceipts(ctx, n, want.present, where)
	if err != nil {
		add("%v", err)
		return problems
	}
	found := make([]string, len(want.present))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range lookupWorkers {
		wg.Go(func() {
			for i := range jobs {
				h := strings.ToLower(want.present[i].hash)
				found[i] = checkIncluded(ctx, n, want.present[i].hash, where[h], receipts[h])
			}
		})
	}
	for i := range want.present {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for _, p := range found {
		if p != "" {
			add("%s", p)
		}
	}
	for _, tx := range want.absent {
		add2 := func(what string) { add("transaction %s, which must be gone, %s", tx.hash, what) }
		if blocks := where[strings.ToLower(tx.hash)]; len(blocks) > 0 {
			add2(fmt.Sprintf("is in the chain at height %d", blocks[0].Number))
		}
		var r json.RawMessage
		if err := n.Call(ctx, &r, "eth_getTransactionReceipt", tx.hash); err != nil {
			add("receipt of %s: %v", tx.hash, err)
		} else if string(r) != "null" {
			add2("has a receipt")
		}
		if err := n.Call(ctx, &r, "eth_getTransactionByHash", tx.hash); err != nil {
			add("eth_getTransactionByHash %s: %v", tx.hash, err)
		} else if string(r) != "null" {
			add2("is still known (eth_getTransactionByHash)")
		}
	}
	if len(want.absent) > 0 || want.emptyPool {
		pooled, err := poolHashes(ctx, n)
		if err != nil {
			add("txpool_content: %v", err)
		}
		for _, tx := range want.absent {
			if where, ok := pooled[strings.ToLower(tx.hash)]; ok {
				add("transaction %s, which must be gone, is in the pool (%s)", tx.hash, where)
			}
		}
		if want.emptyPool && len(pooled) > 0 {
			add("the pool holds %d transactions, want none: %s", len(pooled), describePool(pooled))
		}
	}
	for _, sender := range slices.Sorted(maps.Keys(want.nonces)) {
		var got quantity
		if err := n.Call(ctx, &got, "eth_getTransactionCount", sender, "latest"); err != nil {
			add("nonce of %s: %v", sender, err)
		} else if uint64(got) != want.nonces[sender]+1 {
			add("sender %s is at nonce %d, want %d (one past its last accepted transaction)", sender, got, want.nonces[sender]+1)
		}
	}
	for _, b := range want.balances {
		var got string
		if err := n.Call(ctx, &got, "eth_getBalance", b.addr, "latest"); err != nil {
			add("balance of %s: %v", b.addr, err)
			continue
		}
		v, err := uint256.FromHex(got)
		if err != nil {
			add("balance of %s: %q: %v", b.addr, got, err)
		} else if !v.Eq(b.value) {
			add("balance of %s is %s wei, want %s", b.addr, v.Dec(), b.value.Dec())
		}
	}
	return problems
}

// blockReceipt is the part of an eth_getBlockReceipts entry the check
// reads.
type blockReceipt struct {
	TransactionHash string   `json:"transactionHash"`
	BlockHash       string   `json:"blockHash"`
	Status          quantity `json:"status"`
}

// blockReceipts fetches the receipts of every block holding a listed
// transaction, and returns the listed transactions' receipts by hash.
func blockReceipts(ctx context.Context, n node, txs []listedTx, where map[string][]*chainBlock) (map[string]*blockReceipt, error) {
	blocks := map[string]*chainBlock{}
	for _, tx := range txs {
		for _, b := range where[strings.ToLower(tx.hash)] {
			blocks[b.Hash] = b
		}
	}
	out := map[string]*blockReceipt{}
	for _, b := range blocks {
		// By number (the node takes no hash here); the receipts name
		// their block, which is checked against the chain walked.
		var rs []*blockReceipt
		if err := n.Call(ctx, &rs, "eth_getBlockReceipts", hexutil.EncodeUint64(uint64(b.Number))); err != nil {
			return nil, fmt.Errorf("receipts of block %d: %w", b.Number, err)
		}
		if len(rs) != len(b.Transactions) {
			return nil, fmt.Errorf("block %d (%s) has %d transactions but %d receipts", b.Number, shortHash(b.Hash), len(b.Transactions), len(rs))
		}
		for _, r := range rs {
			out[strings.ToLower(r.TransactionHash)] = r
		}
	}
	return out, nil
}

// checkIncluded checks that hash is in exactly one block of the node's
// chain (blocks), that the block's receipt for it succeeded, and that the
// node's index finds it there; it returns the problem, or "".
func checkIncluded(ctx context.Context, n node, hash string, blocks []*chainBlock, r *blockReceipt) string {
	switch len(blocks) {
	case 0:
		return fmt.Sprintf("transaction %s is not in the chain", hash)
	case 1:
	default:
		heights := make([]string, len(blocks))
		for i, b := range blocks {
			heights[i] = strconv.FormatUint(uint64(b.Number), 10)
		}
		return fmt.Sprintf("transaction %s is in %d blocks of the chain (heights %s)", hash, len(blocks), strings.Join(heights, ", "))
	}
	b := blocks[0]
	switch {
	case r == nil:
		return fmt.Sprintf("transaction %s, at height %d, has no receipt in its block's receipts", hash, b.Number)
	case !strings.EqualFold(r.BlockHash, b.Hash):
		return fmt.Sprintf("receipt of %s names block %s, but the chain has it in %s", hash, shortHash(r.BlockHash), shortHash(b.Hash))
	case r.Status != 1:
		return fmt.Sprintf("transaction %s failed (status %d) at height %d", hash, r.Status, b.Number)
	}
	var tx *struct {
		BlockHash string `json:"blockHash"`
	}
	if err := n.Call(ctx, &tx, "eth_getTransactionByHash", hash); err != nil {
		return fmt.Sprintf("eth_getTransactionByHash %s: %v", hash, err)
	}
	if tx == nil || !strings.EqualFold(tx.BlockHash, b.Hash) {
		got := "nothing"
		if tx != nil {
			got = "block " + shortHash(tx.BlockHash)
		}
		return fmt.Sprintf("the index finds %s for transaction %s, which is in block %s (height %d)", got, hash, shortHash(b.Hash), b.Number)
	}
	return ""
}

// poolHashes returns the hashes in the node's pool, each with where it is
// ("pending" or "queued", sender, nonce).
func poolHashes(ctx context.Context, n node) (map[string]string, error) {
	// txpool_content: {"pending": {sender: {nonce: tx}}, "queued": ...}
	var content map[string]map[string]map[string]struct {
		Hash string `json:"hash"`
	}
	if err := n.Call(ctx, &content, "txpool_content"); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for section, senders := range content {
		for sender, txs := range senders {
			for nonce, tx := range txs {
				out[strings.ToLower(tx.Hash)] = fmt.Sprintf("%s, sender %s nonce %s", section, sender, nonce)
			}
		}
	}
	return out, nil
}

// describePool lists a few pooled transactions.
func describePool(pooled map[string]string) string {
	var parts []string
	for _, h := range slices.Sorted(maps.Keys(pooled)) {
		if len(parts) == 3 {
			parts = append(parts, "...")
			break
		}
		parts = append(parts, shortHash(h)+" ("+pooled[h]+")")
	}
	return strings.Join(parts, ", ")
}
