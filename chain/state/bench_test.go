package state

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/kvdb"
)

// benchState is a store on disk holding n funded accounts, built once per
// test binary run (building a million accounts takes a while) and shared
// by the -count repetitions.
type benchState struct {
	once sync.Once
	dir  string
	kv   *kvdb.DB
	d    *Database
	err  error
}

// benchStates holds the fixtures by account count. Test-only shared state:
// the fixtures are expensive and read-mostly.
var benchStates sync.Map // int -> *benchState

// benchCacheMiB is the store's block cache in the benchmarks, what a
// node with a large state would configure (kvdb defaults to 32).
const benchCacheMiB = 256

// buildChunk is how many accounts one setup commit creates.
const buildChunk = 50_000

func benchFixture(b *testing.B, n int) (*Database, *kvdb.DB) {
	b.Helper()
	v, _ := benchStates.LoadOrStore(n, &benchState{})
	bs := v.(*benchState)
	bs.once.Do(func() {
		// QUARRY_STATE_BENCH_DIR keeps the fixtures between runs (in
		// <dir>/<n>), so that repeated runs skip the build.
		dir, keep := os.Getenv("QUARRY_STATE_BENCH_DIR"), true
		if dir == "" {
			dir, bs.err = os.MkdirTemp("", "quarry-state-bench-")
			keep = false
		} else {
			dir = filepath.Join(dir, strconv.Itoa(n))
		}
		if bs.err != nil {
			return
		}
		if !keep {
			bs.dir = dir
		}
		bs.kv, bs.err = kvdb.Open(dir, kvdb.Options{NoSync: true, CacheMiB: benchCacheMiB})
		if bs.err != nil {
			return
		}
		bs.d, bs.err = New(Config{DB: bs.kv})
		if bs.err == nil {
			if _, err := bs.kv.Get(accountFlatKey(testAddr(uint64(n - 1)))); err == nil {
				return // kept from an earlier run
			}
		}
		for start := 0; bs.err == nil && start < n; start += buildChunk {
			var s *StateDB
			if s, bs.err = bs.d.StateDB(); bs.err != nil {
				return
			}
			for i := start; i < min(n, start+buildChunk); i++ {
				_ = s.AddBalance(testAddr(uint64(i)), uint256.NewInt(1e18))
			}
			var batch kvdb.Batch
			var p *Pending
			if p, bs.err = s.Commit(&batch); bs.err != nil {
				return
			}
			if bs.err = bs.kv.Write(&batch); bs.err != nil {
				return
			}
			p.Written()
		}
	})
	if bs.err != nil {
		b.Fatal(bs.err)
	}
	return bs.d, bs.kv
}

// TestMain removes the benchmark fixtures' directories.
func TestMain(m *testing.M) {
	code := m.Run()
	benchStates.Range(func(_, v any) bool {
		bs := v.(*benchState)
		if bs.kv != nil {
			bs.kv.Close()
		}
		if bs.dir != "" {
			os.RemoveAll(bs.dir)
		}
		return true
	})
	os.Exit(code)
}

// BenchmarkCommit1000Transfers connects the state side of a block of 1,000
// transfers (sender pays value and fee and bumps its nonce, recipient and
// coinbase are credited: 2,001 accounts touched) on top of 10,000 and of
// 1,000,000 accounts, including the batch write. The cost must depend on
// what the block touches, not on the size of the state: the two should be
// within 1.5x.
func BenchmarkCommit1000Transfers(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(strconv.Itoa(n)+"accounts", func(b *testing.B) {
			if n > 10_000 && testing.Short() {
				b.Skip("large state skipped in -short mode")
			}
			d, kv := benchFixture(b, n)
			rng := rand.New(rand.NewPCG(uint64(n), 1))
			coinbase := testAddr(1 << 40)
			value, fee := uint256.NewInt(1000), uint256.NewInt(21000)
			cost := new(uint256.Int).Add(value, fee)
			var batch kvdb.Batch
			for b.Loop() {
				s, err := d.StateDB()
				if err != nil {
					b.Fatal(err)
				}
				for range 1000 {
					from := testAddr(uint64(rng.IntN(n)))
					to := testAddr(uint64(rng.IntN(n)))
					s.BeginTx()
					if err := s.SubBalance(from, cost); err != nil {
						b.Fatal(err)
					}
					s.SetNonce(from, s.Nonce(from)+1)
					_ = s.AddBalance(to, value)
					_ = s.AddBalance(coinbase, fee)
				}
				batch.Reset()
				p, err := s.Commit(&batch)
				if err != nil {
					b.Fatal(err)
				}
				if err := kv.Write(&batch); err != nil {
					b.Fatal(err)
				}
				p.Written()
			}
		})
	}
}
