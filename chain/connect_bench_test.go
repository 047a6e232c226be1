package chain

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
)

// The connect benchmarks measure what issue 3 asks of block connect: a block
// of 1,000 transfers among random existing accounts must cost about the same
// on a state of 10,000 and of 1,000,000 accounts (within 1.5x), signature
// recovery must scale with cores, and a block whose signatures the mempool
// already verified must connect much faster than a cold one.
//
// Each state size is built once per test process (a million-account genesis
// takes a while), in a goleveldb directory removed by TestMain, and every
// benchmark round connects new blocks on top of the previous rounds' tip.

const (
	benchTransfers = 1000 // transfers per block
	benchSenders   = 4096 // accounts with keys; senders are drawn from them
)

// connectFixture is a chain on disk whose genesis funds n accounts.
type connectFixture struct {
	n       int
	dir     string
	db      *kvdb.DB
	bc      *BlockChain
	genesis *params.Genesis
	signer  types.Signer
	keys    []*btcec.PrivateKey // the first len(keys) accounts
	addrs   []types.Address     // every funded account
	nonces  []uint64            // next nonce of each keyed account
	rng     *rand.Rand
}

// fixtureCaches are the chain's cache budgets in a fixture (0: the
// defaults).
type fixtureCaches struct{ trie, accounts int64 }

// fixtureKey names a fixture: its state size and cache budgets.
type fixtureKey struct {
	n      int
	caches fixtureCaches
}

// connectFixtures holds the fixtures: expensive, so shared by the -count
// rounds and the benchmarks of one process, and closed by TestMain.
var connectFixtures struct {
	mu sync.Mutex
	m  map[fixtureKey]*connectFixture
}

// TestMain runs the package's tests and benchmarks, then removes the
// connect benchmarks' fixtures.
func TestMain(m *testing.M) {
	code := m.Run()
	connectFixtures.mu.Lock()
	for _, f := range connectFixtures.m {
		f.db.Close()
		os.RemoveAll(f.dir)
	}
	connectFixtures.mu.Unlock()
	os.Exit(code)
}

// benchKey returns the deterministic private key of account i.
func benchKey(i int) *btcec.PrivateKey {
	seed := sha256.Sum256(binary.BigEndian.AppendUint64([]byte("quarry connect bench"), uint64(i)))
	key, _ := btcec.PrivKeyFromBytes(seed[:])
	return key
}

// connectFixtureFor returns the fixture of n accounts with the default
// caches, building it on first use.
func connectFixtureFor(b *testing.B, n int) *connectFixture {
	return connectFixtureWith(b, n, fixtureCaches{})
}

// connectFixtureWith returns the fixture of n accounts whose chain has the
// given caches, building it on first use. The chain is built with them, so
// that the genesis fills them as a node's own history would have.
func connectFixtureWith(b *testing.B, n int, caches fixtureCaches) *connectFixture {
	b.Helper()
	connectFixtures.mu.Lock()
	defer connectFixtures.mu.Unlock()
	key := fixtureKey{n, caches}
	if f := connectFixtures.m[key]; f != nil {
		return f
	}
	start := time.Now()
	f := &connectFixture{n: n, signer: types.NewSigner(1337), rng: rand.New(rand.NewPCG(uint64(n), 7))}
	keyed := min(n, benchSenders)
	f.addrs = make([]types.Address, n)
	for i := range keyed {
		f.keys = append(f.keys, benchKey(i))
		f.addrs[i] = types.PubkeyToAddress(f.keys[i].PubKey())
	}
	for i := keyed; i < n; i++ {
		h := types.Keccak256(binary.BigEndian.AppendUint64([]byte("quarry connect bench account"), uint64(i)))
		f.addrs[i] = types.BytesToAddress(h[12:])
	}
	f.nonces = make([]uint64, keyed)
	f.genesis = testGenesis(nil)
	f.genesis.Alloc = make([]params.GenesisAccount, n)
	balance := new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18))
	for i, a := range f.addrs {
		f.genesis.Alloc[i] = params.GenesisAccount{Address: a, Balance: balance}
	}
	slices.SortFunc(f.genesis.Alloc, func(a, b params.GenesisAccount) int { return slices.Compare(a.Address[:], b.Address[:]) })

	var err error
	if f.dir, err = os.MkdirTemp("", "quarry-connect-bench-"); err != nil {
		b.Fatal(err)
	}
	if f.db, err = kvdb.Open(f.dir, kvdb.Options{NoSync: true}); err != nil {
		os.RemoveAll(f.dir)
		b.Fatal(err)
	}
	// Blocks are stamped a block time apart from genesis; a clock far
	// ahead keeps every one of them within the drift rule.
	now := time.UnixMilli(testGenesisTS + 365*24*3600*1000)
	if f.bc, err = New(Config{TrieCacheBytes: caches.trie, AccountCacheBytes: caches.accounts, DB: f.db, Genesis: f.genesis, Now: func() time.Time { return now }}); err != nil {
		f.db.Close()
		os.RemoveAll(f.dir)
		b.Fatalf("genesis of %d accounts: %v", n, err)
	}
	// The genesis is one batch of hundreds of megabytes on the large state;
	// settle its compaction now, as a node that grew to this size block by
	// block would have, so that the rounds measure connects and not the
	// fixture's backlog.
	compactStart := time.Now()
	if err := f.db.Compact(); err != nil {
		f.db.Close()
		os.RemoveAll(f.dir)
		b.Fatal(err)
	}
	b.Logf("compacted the store in %v", time.Since(compactStart).Round(time.Millisecond))
	if connectFixtures.m == nil {
		connectFixtures.m = make(map[fixtureKey]*connectFixture)
	}
	connectFixtures.m[key] = f
	b.Logf("built a chain of %d accounts in %v", n, time.Since(start).Round(time.Millisecond))
	return f
}

// nextBlock builds and mines a block of benchTransfers transfers on the tip,
// from distinct random keyed accounts to random accounts, with the state
// root the chain's own state computes (as the miner's template builder does).
func (f *connectFixture) nextBlock(b *testing.B) (*types.Block, []types.Address) {
	b.Helper()
	tip := f.bc.Best()
	hdr := &types.Header{
		Version:    types.HeaderVersion,
		Height:     tip.Height + 1,
		ParentHash: tip.Hash,
		Coinbase:   testMiner,
		GasLimit:   f.genesis.GasLimit,
		Time:       tip.Header.Time + testBlockTime,
	}
	txs := make([]*types.Transaction, benchTransfers)
	senders := make([]types.Address, benchTransfers)
	for i, s := range f.rng.Perm(len(f.keys))[:benchTransfers] {
		to := f.addrs[f.rng.IntN(len(f.addrs))]
		tx := &types.Transaction{
			Type:     types.LegacyTxType,
			ChainID:  1337,
			Nonce:    f.nonces[s],
			GasPrice: *uint256.NewInt(testGasPrice),
			Gas:      21000,
			To:       &to,
			Value:    *uint256.NewInt(1 + f.rng.Uint64N(1e9)),
		}
		signed, err := f.signer.SignTx(tx, f.keys[s])
		if err != nil {
			b.Fatal(err)
		}
		f.nonces[s]++
		txs[i], senders[i] = signed, f.addrs[s]
	}
	sdb, err := f.bc.state.StateDB()
	if err != nil {
		b.Fatal(err)
	}
	out, err := ApplyBlock(f.bc.params, sdb, hdr, txs, senders, nil)
	if err != nil {
		b.Fatal(err)
	}
	if hdr.StateRoot, err = sdb.IntermediateRoot(); err != nil {
		b.Fatal(err)
	}
	hdr.GasUsed = out.GasUsed
	hdr.TxRoot = types.TxRoot(txs)
	hdr.ReceiptsRoot = types.ReceiptsRoot(out.Receipts)
	if hdr.Bits, err = NextBits(f.bc.params, tip.Height, tip.Header.Time); err != nil {
		b.Fatal(err)
	}
	mine(b, hdr)
	return &types.Block{Header: hdr, Txs: txs}, senders
}

// benchConnect connects one new block per op. Building and signing the
// block is not timed; with warm set, its senders are put in the chain's
// signature cache first, as mempool admission does.
func benchConnect(b *testing.B, f *connectFixture, warm bool) {
	cache := f.bc.SigCache()
	var cpu time.Duration // process CPU time (all goroutines) of the timed parts
	for b.Loop() {
		b.StopTimer()
		blk, senders := f.nextBlock(b)
		if warm {
			for i, tx := range blk.Txs {
				cache.Add(tx.Hash(), senders[i])
			}
		}
		runtime.GC() // the untimed building's garbage is not the connect's
		cpu0 := processCPU()
		b.StartTimer()
		var res Result
		var err error
		// Labelled so that a CPU profile of the benchmark can be narrowed
		// to the connects (-tagfocus phase=connect): building the blocks
		// costs more than connecting them.
		pprof.Do(context.Background(), pprof.Labels("phase", "connect"), func(context.Context) {
			res, err = f.bc.ProcessBlock(blk)
		})
		b.StopTimer()
		cpu += processCPU() - cpu0
		if err != nil || res.Status != StatusConnected {
			b.Fatalf("block %d: status %v, err %v", blk.Header.Height, res.Status, err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*benchTransfers)/b.Elapsed().Seconds(), "transfers/s")
	// On a shared machine wall time depends on the neighbours' load; the
	// CPU the connect burns (store compactions included) does much less.
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// processCPU returns the CPU time the process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchSizes are the state sizes block connect is compared on.
var connectBenchSizes = []struct {
	name string
	n    int
}{{"10k", 10_000}, {"1M", 1_000_000}}

// BenchmarkConnectBlock connects blocks of 1,000 transfers on states of
// 10,000 and 1,000,000 accounts, with signatures cold (verified during the
// connect, on all cores) and warm (found in the signature cache).
func BenchmarkConnectBlock(b *testing.B) {
	for _, size := range connectBenchSizes {
		b.Run("accounts="+size.name, func(b *testing.B) {
			if size.n > 10_000 && testing.Short() {
				b.Skip("large state skipped in -short mode")
			}
			f := connectFixtureFor(b, size.n)
			f.bc.cfg.VerifyWorkers = 0 // all cores
			for _, warm := range []bool{false, true} {
				b.Run("sigs="+map[bool]string{false: "cold", true: "warm"}[warm], func(b *testing.B) {
					benchConnect(b, f, warm)
				})
			}
		})
	}
}

// BenchmarkConnectBlockWorkers connects cold blocks (every signature
// verified during the connect) with sender recovery on one core and on
// all of them, on the small state.
func BenchmarkConnectBlockWorkers(b *testing.B) {
	f := connectFixtureFor(b, connectBenchSizes[0].n)
	defer func() { f.bc.cfg.VerifyWorkers = 0 }()
	for _, w := range []int{1, runtime.NumCPU()} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			f.bc.cfg.VerifyWorkers = w
			benchConnect(b, f, false)
		})
	}
}

// BenchmarkConnectDepth connects warm blocks on states from 10,000 to
// 4,000,000 accounts: how the connect time grows with the state. Each
// changed key rewrites its trie path below the levels the block's keys
// share, about log2(n/2000) nodes for a block's 2,000 keys, so the time
// grows with log2(n) while the caches hold the upper levels and the
// accounts read. The last case connects on the largest state with the
// caches quarryd --cache 1024 gives the chain (512 MiB of trie nodes,
// 256 MiB of accounts), to show what sizing the cache to the state buys.
func BenchmarkConnectDepth(b *testing.B) {
	if testing.Short() {
		b.Skip("large states skipped in -short mode")
	}
	cases := []struct {
		name   string
		n      int
		caches fixtureCaches
	}{
		{"accounts=10000", 10_000, fixtureCaches{}},
		{"accounts=100000", 100_000, fixtureCaches{}},
		{"accounts=1000000", 1_000_000, fixtureCaches{}},
		{"accounts=4000000", 4_000_000, fixtureCaches{}},
		{"accounts=4000000/cache=1024MiB", 4_000_000, fixtureCaches{trie: 512 << 20, accounts: 256 << 20}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			f := connectFixtureWith(b, c.n, c.caches)
			f.bc.cfg.VerifyWorkers = 0
			benchConnect(b, f, true)
		})
	}
}
