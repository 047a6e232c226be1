package mempool

import (
	"errors"
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
)

// TestRejections submits, for every refusal, a transaction that breaks
// exactly that rule, and checks the kind and that the pool is unchanged.
func TestRejections(t *testing.T) {
	t.Parallel()
	bigData := make([]byte, types.MaxTxSize+1)
	tests := []struct {
		name  string
		tweak func(*Config)
		setup func(e *env) // admits what must be there first
		tx    func(e *env) *types.Transaction
		want  ErrorKind
	}{
		{
			name:  "already known",
			setup: func(e *env) { e.mustAdd(e.tx(0, txSpec{})) },
			tx:    func(e *env) *types.Transaction { return e.tx(0, txSpec{}) },
			want:  ErrAlreadyKnown,
		},
		{
			name: "high s",
			tx: func(e *env) *types.Transaction {
				tx := e.tx(0, txSpec{})
				n := uint256.MustFromHex("0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141")
				return rebuild(e.t, tx, func(bad *types.Transaction) { bad.S.Sub(n, &tx.S) })
			},
			want: ErrInvalidSender,
		},
		{
			name: "unprotected",
			tx: func(e *env) *types.Transaction {
				tx := e.tx(0, txSpec{})
				return rebuild(e.t, tx, func(bad *types.Transaction) { bad.V.SetUint64(27) })
			},
			want: ErrInvalidSender,
		},
		{
			name: "zero r",
			tx: func(e *env) *types.Transaction {
				tx := e.tx(0, txSpec{})
				return rebuild(e.t, tx, func(bad *types.Transaction) { bad.R.Clear() })
			},
			want: ErrInvalidSender,
		},
		{
			name: "other chain",
			tx:   func(e *env) *types.Transaction { return e.tx(0, txSpec{chainID: 999}) },
			want: ErrInvalidChainID,
		},
		{
			name: "other chain in v only",
			tx: func(e *env) *types.Transaction {
				tx := e.tx(0, txSpec{chainID: 999})
				// v still says 999
				return rebuild(e.t, tx, func(bad *types.Transaction) { bad.ChainID = testChainID })
			},
			want: ErrInvalidChainID,
		},
		{
			name: "oversized",
			tx: func(e *env) *types.Transaction {
				return e.tx(0, txSpec{data: bigData, gas: 21000 + 4*uint64(len(bigData))})
			},
			want: ErrOversizedData,
		},
		{
			name: "gas above block limit",
			tx:   func(e *env) *types.Transaction { return e.tx(0, txSpec{gas: testGasLimit + 1}) },
			want: ErrGasLimit,
		},
		{
			name: "intrinsic gas",
			tx:   func(e *env) *types.Transaction { return e.tx(0, txSpec{gas: 20999}) },
			want: ErrIntrinsicGas,
		},
		{
			name: "intrinsic gas of data",
			tx:   func(e *env) *types.Transaction { return e.tx(0, txSpec{data: []byte{1}, gas: 21000}) },
			want: ErrIntrinsicGas,
		},
		{
			name: "tip above fee cap",
			tx: func(e *env) *types.Transaction {
				return e.tx(0, txSpec{typ: types.DynamicFeeTxType, fee: 1, tip: 2})
			},
			want: ErrTipAboveFeeCap,
		},
		{
			name:  "below minimum price",
			tweak: func(c *Config) { c.MinGasPrice = uint256.NewInt(2 * gwei) },
			tx:    func(e *env) *types.Transaction { return e.tx(0, txSpec{price: 1}) },
			want:  ErrUnderpriced,
		},
		{
			name: "nonce too low",
			tx:   func(e *env) *types.Transaction { return e.tx(3, txSpec{nonce: 4}) },
			want: ErrNonceTooLow,
		},
		{
			name: "nonce max",
			tx:   func(e *env) *types.Transaction { return e.tx(0, txSpec{nonce: ^uint64(0)}) },
			want: ErrNonceMax,
		},
		{
			name: "insufficient funds",
			tx:   func(e *env) *types.Transaction { return e.tx(0, txSpec{value: ether(1000)}) },
			want: ErrInsufficientFunds,
		},
		{
			name: "unfunded sender",
			tx: func(e *env) *types.Transaction {
				tx, err := signSpec(testKey(1<<20), txSpec{})
				if err != nil {
					e.t.Fatal(err)
				}
				return tx
			},
			want: ErrInsufficientFunds,
		},
		{
			name:  "overdraft",
			setup: func(e *env) { e.mustAdd(e.tx(0, txSpec{value: ether(600)})) },
			tx:    func(e *env) *types.Transaction { return e.tx(0, txSpec{nonce: 1, value: ether(600)}) },
			want:  ErrOverdraft,
		},
		{
			name:  "replacement underpriced",
			setup: func(e *env) { e.mustAdd(e.tx(0, txSpec{price: 100})) },
			tx:    func(e *env) *types.Transaction { return e.tx(0, txSpec{price: 109, value: uint256.NewInt(2)}) },
			want:  ErrReplaceUnderpriced,
		},
		{
			name:  "queued per sender",
			tweak: func(c *Config) { c.MaxQueuedPerSender = 2 },
			setup: func(e *env) { e.mustAdd(e.tx(0, txSpec{nonce: 5}), e.tx(0, txSpec{nonce: 6})) },
			tx:    func(e *env) *types.Transaction { return e.tx(0, txSpec{nonce: 8}) },
			want:  ErrAccountLimit,
		},
		{
			name:  "per sender",
			tweak: func(c *Config) { c.MaxPerSender = 2 },
			setup: func(e *env) { e.mustAdd(e.tx(0, txSpec{nonce: 0}), e.tx(0, txSpec{nonce: 1})) },
			tx:    func(e *env) *types.Transaction { return e.tx(0, txSpec{nonce: 2}) },
			want:  ErrAccountLimit,
		},
		{
			name:  "pool full of pricier executables",
			tweak: func(c *Config) { c.MaxTxs = 2 },
			setup: func(e *env) { e.mustAdd(e.tx(0, txSpec{price: 10}), e.tx(1, txSpec{price: 10})) },
			tx:    func(e *env) *types.Transaction { return e.tx(2, txSpec{price: 9}) },
			want:  ErrPoolFull,
		},
		{
			name:  "queued cannot evict executable",
			tweak: func(c *Config) { c.MaxTxs = 2 },
			setup: func(e *env) { e.mustAdd(e.tx(0, txSpec{price: 10}), e.tx(1, txSpec{price: 10})) },
			tx:    func(e *env) *types.Transaction { return e.tx(2, txSpec{nonce: 1, price: 1000}) },
			want:  ErrPoolFull,
		},
		{
			name:  "queue full of pricier queued",
			tweak: func(c *Config) { c.MaxQueued = 1 },
			setup: func(e *env) { e.mustAdd(e.tx(0, txSpec{nonce: 1, price: 10})) },
			tx:    func(e *env) *types.Transaction { return e.tx(1, txSpec{nonce: 1, price: 10}) },
			want:  ErrPoolFull,
		},
		{
			name:  "bytes full",
			tweak: func(c *Config) { c.MaxBytes = 250 },
			setup: func(e *env) { e.mustAdd(e.tx(0, txSpec{price: 10}), e.tx(1, txSpec{price: 10})) },
			tx:    func(e *env) *types.Transaction { return e.tx(2, txSpec{price: 10}) },
			want:  ErrPoolFull,
		},
		{
			name: "type not supported",
			tx: func(e *env) *types.Transaction {
				return &types.Transaction{Type: 3, ChainID: testChainID, Gas: 21000}
			},
			want: ErrTxTypeNotSupported,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, 4, tt.tweak, func(g *params.Genesis) {
				g.Alloc[3].Nonce = 5 // alloc is not sorted yet: index 3 is key 3
			})
			if tt.setup != nil {
				tt.setup(e)
			}
			tx := tt.tx(e)
			before := takeSnapshot(e.pool)
			err := e.pool.Add(tx, false)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %s", err, tt.want)
			}
			var txErr *TxError
			if !errors.As(err, &txErr) {
				t.Fatalf("%v is not a *TxError", err)
			}
			for _, k := range kinds() {
				if k != tt.want && errors.Is(err, k) {
					t.Errorf("also matches %s", k)
				}
			}
			if after := takeSnapshot(e.pool); after != before {
				t.Errorf("pool changed:\nbefore %+v\nafter  %+v", before, after)
			}
			if tt.want != ErrAlreadyKnown && e.pool.Has(tx.Hash()) {
				t.Error("refused transaction is in the pool")
			}
			checkInvariants(t, e.pool)
		})
	}
}

// rebuild returns a fresh copy of tx (no cached hash or sender) with
// mutate applied. A legacy copy keeps the ChainID mutate gave it even when
// V says otherwise, as a transaction built in Go may.
func rebuild(t testing.TB, tx *types.Transaction, mutate func(*types.Transaction)) *types.Transaction {
	t.Helper()
	fresh := &types.Transaction{
		Type: tx.Type, ChainID: tx.ChainID, Nonce: tx.Nonce, GasPrice: tx.GasPrice,
		GasTipCap: tx.GasTipCap, GasFeeCap: tx.GasFeeCap, Gas: tx.Gas, To: tx.To,
		Value: tx.Value, Data: tx.Data, AccessList: tx.AccessList, V: tx.V, R: tx.R, S: tx.S,
	}
	mutate(fresh)
	return fresh
}

func TestAdmitAndQuery(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 2, nil)
	tx0 := e.tx(0, txSpec{nonce: 0, price: 5})
	tx1 := e.tx(0, txSpec{typ: types.DynamicFeeTxType, nonce: 1, fee: 9, tip: 3})
	tx2 := e.tx(0, txSpec{typ: types.AccessListTxType, nonce: 2, price: 4})
	e.mustAdd(tx0, tx1, tx2)
	if pending, queued := e.pool.Status(); pending != 3 || queued != 0 {
		t.Fatalf("status %d/%d, want 3/0", pending, queued)
	}
	if n, err := e.pool.PendingNonce(e.addrs[0]); err != nil || n != 3 {
		t.Fatalf("pending nonce %d, %v; want 3", n, err)
	}
	if n, err := e.pool.PendingNonce(e.addrs[1]); err != nil || n != 0 {
		t.Fatalf("pending nonce of idle account %d, %v; want 0", n, err)
	}
	if got := e.pool.Get(tx1.Hash()); got != tx1 {
		t.Fatalf("Get(tx1) = %v", got)
	}
	if e.pool.Get(types.Hash{1}) != nil || e.pool.Has(types.Hash{1}) {
		t.Fatal("unknown hash found")
	}
	c := e.pool.ContentFrom(e.addrs[0])
	if len(c.Pending) != 3 || len(c.Queued) != 0 || c.Pending[2] != tx2 {
		t.Fatalf("content %+v", c)
	}
	// The sender is in the shared signature cache for block connect.
	if a, ok := e.pool.sigs.Get(tx0.Hash()); !ok || a != e.addrs[0] {
		t.Fatal("sender not recorded in the signature cache")
	}
	checkInvariants(t, e.pool)
}

// TestDoubleSpend submits two transactions with the same sender and nonce
// paying different recipients: the second is refused unless it is a
// valid replacement, in which case it takes the first one's place.
func TestDoubleSpend(t *testing.T) {
	t.Parallel()
	alice, bob := types.Address{0xa1}, types.Address{0xb0}
	tests := []struct {
		name          string
		first, second uint64 // gas prices in gwei
		want          error
	}{
		{"same price", 10, 10, ErrReplaceUnderpriced},
		{"cheaper", 10, 5, ErrReplaceUnderpriced},
		{"9% more", 100, 109, ErrReplaceUnderpriced},
		{"10% more", 100, 110, nil},
		{"double", 10, 20, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, 1, nil)
			a := e.tx(0, txSpec{to: &alice, value: ether(1), price: tt.first})
			b := e.tx(0, txSpec{to: &bob, value: ether(1), price: tt.second})
			e.mustAdd(a)
			err := e.pool.Add(b, false)
			if !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
				t.Fatalf("second spend: %v, want %v", err, tt.want)
			}
			// Submitting the loser again changes nothing either.
			if again := e.pool.Add(a, false); tt.want == nil && !errors.Is(again, ErrReplaceUnderpriced) ||
				tt.want != nil && !errors.Is(again, ErrAlreadyKnown) {
				t.Fatalf("resubmitting the first: %v", again)
			}
			winner, loser := a, b
			if tt.want == nil {
				winner, loser = b, a
			}
			if !e.pool.Has(winner.Hash()) || e.pool.Has(loser.Hash()) {
				t.Fatal("wrong transaction kept")
			}
			if pending, queued := e.pool.Status(); pending != 1 || queued != 0 {
				t.Fatalf("status %d/%d", pending, queued)
			}
			if got := e.pool.Pending(testGasLimit); len(got) != 1 || got[0] != winner {
				t.Fatalf("template %v", got)
			}
			checkInvariants(t, e.pool)
		})
	}
}

func TestReplacementDynamicFee(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fee, tip uint64
		ok       bool
	}{
		{"both caps +10%", 110, 11, true},
		{"fee cap only", 110, 10, false},
		{"tip cap only", 100, 11, false},
		{"both +9%", 109, 10, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, 1, nil)
			e.mustAdd(e.tx(0, txSpec{typ: types.DynamicFeeTxType, fee: 100, tip: 10}))
			err := e.pool.Add(e.tx(0, txSpec{typ: types.DynamicFeeTxType, fee: tt.fee, tip: tt.tip, value: uint256.NewInt(7)}), false)
			if tt.ok != (err == nil) || !tt.ok && !errors.Is(err, ErrReplaceUnderpriced) {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			checkInvariants(t, e.pool)
		})
	}
	t.Run("legacy replaces dynamic", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, 1, nil)
		e.mustAdd(e.tx(0, txSpec{typ: types.DynamicFeeTxType, fee: 100, tip: 10}))
		// A legacy price is both caps: 110 raises both by >= 10%.
		if err := e.pool.Add(e.tx(0, txSpec{price: 110}), false); err != nil {
			t.Fatal(err)
		}
		// A dynamic-fee transaction must then beat 110 on both caps.
		err := e.pool.Add(e.tx(0, txSpec{typ: types.DynamicFeeTxType, fee: 200, tip: 120}), false)
		if !errors.Is(err, ErrReplaceUnderpriced) {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestQueuedBecomesExecutable fills a nonce gap and expects the queued
// transactions to become executable and be announced, in nonce order.
func TestQueuedBecomesExecutable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 1, nil)
	var announced []*types.Transaction
	unsub := e.pool.SubscribeExecutable(func(txs []*types.Transaction) { announced = append(announced, txs...) })
	defer unsub()
	t2, t1, t0 := e.tx(0, txSpec{nonce: 2}), e.tx(0, txSpec{nonce: 1}), e.tx(0, txSpec{nonce: 0})
	e.mustAdd(t2, t1)
	if pending, queued := e.pool.Status(); pending != 0 || queued != 2 {
		t.Fatalf("status %d/%d, want 0/2", pending, queued)
	}
	if n, _ := e.pool.PendingNonce(e.addrs[0]); n != 0 {
		t.Fatalf("pending nonce %d, want 0", n)
	}
	if len(e.pool.Pending(testGasLimit)) != 0 || len(announced) != 0 {
		t.Fatal("queued transactions offered")
	}
	e.mustAdd(t0)
	if pending, queued := e.pool.Status(); pending != 3 || queued != 0 {
		t.Fatalf("status %d/%d, want 3/0", pending, queued)
	}
	want := []*types.Transaction{t0, t1, t2}
	if len(announced) != 3 || announced[0] != t0 || announced[1] != t1 || announced[2] != t2 {
		t.Fatalf("announced %v, want %v", announced, want)
	}
	if n, _ := e.pool.PendingNonce(e.addrs[0]); n != 3 {
		t.Fatalf("pending nonce %d, want 3", n)
	}
	checkInvariants(t, e.pool)
}

// TestEvictionOrder fills the pool and checks which transaction goes: the
// cheapest tail, queued before executable, never an executable one for a
// cheaper newcomer.
func TestEvictionOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 4, func(c *Config) { c.MaxTxs = 3 })
	cheapQueued := e.tx(0, txSpec{nonce: 1, price: 50})
	exec1 := e.tx(1, txSpec{price: 5})
	exec2 := e.tx(2, txSpec{price: 7})
	e.mustAdd(cheapQueued, exec1, exec2)
	// An executable newcomer evicts the queued one, however pricey it is.
	n1 := e.tx(3, txSpec{price: 6})
	e.mustAdd(n1)
	if e.pool.Has(cheapQueued.Hash()) {
		t.Fatal("queued transaction not evicted first")
	}
	// Now all executable: a newcomer at 6 evicts the 5, not the others.
	n2 := e.tx(0, txSpec{price: 6})
	e.mustAdd(n2)
	if e.pool.Has(exec1.Hash()) || !e.pool.Has(exec2.Hash()) || !e.pool.Has(n1.Hash()) {
		t.Fatal("did not evict the cheapest executable")
	}
	// Equal price: refused (no eviction for an equal newcomer).
	if err := e.pool.Add(e.tx(1, txSpec{price: 6}), false); !errors.Is(err, ErrPoolFull) {
		t.Fatalf("equal-price newcomer: %v", err)
	}
	checkInvariants(t, e.pool)
}

// TestEvictionTakesTails: eviction takes a sender's highest nonce, never
// a middle one, even when the cheapest transaction sits below it.
func TestEvictionTakesTails(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 2, func(c *Config) { c.MaxTxs = 3 })
	// Sender 0: nonce 0 at 1 gwei (the cheapest), nonce 1 at 9.
	cheapest, tail := e.tx(0, txSpec{nonce: 0, price: 1}), e.tx(0, txSpec{nonce: 1, price: 9})
	e.mustAdd(cheapest, tail)
	e.mustAdd(e.tx(1, txSpec{price: 8}))
	// Full. Tails rank 9 (sender 0) and 8 (sender 1, about to grow): the
	// newcomer at 10 pushes out sender 0's tail.
	e.mustAdd(e.tx(1, txSpec{nonce: 1, price: 10}))
	if c := e.pool.ContentFrom(e.addrs[1]); len(c.Pending) != 2 {
		t.Fatalf("sender 1 has %d pending, want 2", len(c.Pending))
	}
	c0 := e.pool.ContentFrom(e.addrs[0])
	if len(c0.Pending) != 1 || c0.Pending[0] != cheapest || e.pool.Has(tail.Hash()) {
		t.Fatalf("sender 0 kept %+v, want only nonce 0", c0)
	}
	checkInvariants(t, e.pool)
}

func TestMinGasPriceDefault(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 1, nil)
	tx := &types.Transaction{Type: types.LegacyTxType, ChainID: testChainID, Gas: 21000, To: &testRecipient}
	signed, err := e.signer.SignTx(tx, e.keys[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := e.pool.Add(signed, false); !errors.Is(err, ErrUnderpriced) {
		t.Fatalf("zero-price transaction: %v", err)
	}
}
