package chain

import (
	"errors"
	"sync/atomic"
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// testTxs returns n transfers signed by a few keys, freshly decoded so no
// sender is cached inside the transactions.
func testTxs(t testing.TB, signer types.Signer, n int) []*types.Transaction {
	t.Helper()
	return decodeAll(t, encodeTestTxs(t, signer, n))
}

func encodeTestTxs(t testing.TB, signer types.Signer, n int) [][]byte {
	t.Helper()
	to := types.Address{0xee}
	encs := make([][]byte, n)
	for i := range encs {
		tx := &types.Transaction{Nonce: uint64(i), Gas: types.TxGas, To: &to}
		tx.GasPrice = *uint256.NewInt(1)
		signed, err := signer.SignTx(tx, txTestKey(byte(i%4)))
		if err != nil {
			t.Fatal(err)
		}
		encs[i] = signed.Encode()
	}
	return encs
}

func decodeAll(t testing.TB, encs [][]byte) []*types.Transaction {
	t.Helper()
	txs := make([]*types.Transaction, len(encs))
	for i, b := range encs {
		tx, err := types.DecodeTransaction(b)
		if err != nil {
			t.Fatal(err)
		}
		txs[i] = tx
	}
	return txs
}

// counting wraps signer.Sender and counts calls.
func counting(signer types.Signer, n *atomic.Int64) func(*types.Transaction) (types.Address, error) {
	return func(tx *types.Transaction) (types.Address, error) {
		n.Add(1)
		return signer.Sender(tx)
	}
}

func TestRecoverSendersOrderAndCache(t *testing.T) {
	t.Parallel()
	signer := types.NewSigner(1337)
	encs := encodeTestTxs(t, signer, 200)
	want := make([]types.Address, len(encs))
	for i := range want {
		want[i] = types.PubkeyToAddress(txTestKey(byte(i % 4)).PubKey())
	}
	for _, workers := range []int{1, 2, 7, 0} {
		cache := NewSigCache(1000)
		var n atomic.Int64
		got, err := recoverSenders(decodeAll(t, encs), cache, workers, counting(signer, &n))
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("workers %d: sender %d = %s, want %s", workers, i, got[i], want[i])
			}
		}
		if n.Load() != 200 {
			t.Fatalf("workers %d: cold run verified %d, want 200", workers, n.Load())
		}
		// Warm: freshly decoded transactions (nothing cached inside them)
		// are not verified again.
		n.Store(0)
		got, err = recoverSenders(decodeAll(t, encs), cache, workers, counting(signer, &n))
		if err != nil || n.Load() != 0 || got[199] != want[199] {
			t.Fatalf("workers %d: warm run verified %d (err %v), want 0", workers, n.Load(), err)
		}
		// Without a cache everything is verified.
		n.Store(0)
		if _, err := recoverSenders(decodeAll(t, encs), nil, workers, counting(signer, &n)); err != nil || n.Load() != 200 {
			t.Fatalf("workers %d: uncached run verified %d (err %v), want 200", workers, n.Load(), err)
		}
	}
}

func TestRecoverSendersFirstErrorWins(t *testing.T) {
	t.Parallel()
	signer := types.NewSigner(1337)
	txs := testTxs(t, signer, 100)
	// 30: signed for another chain; 60: broken signature. 30 must win
	// whatever order the workers finish in.
	other := testTxs(t, types.NewSigner(5), 31)[30]
	txs[30] = other
	bad := txs[60]
	broken := &types.Transaction{Type: bad.Type, ChainID: bad.ChainID, Nonce: bad.Nonce, Gas: bad.Gas,
		To: bad.To, GasPrice: bad.GasPrice, V: bad.V, S: bad.S}
	txs[60] = broken // R = 0
	for _, workers := range []int{1, 2, 8} {
		cache := NewSigCache(1000)
		_, err := RecoverSenders(signer, txs, cache, workers)
		if !errors.Is(err, ErrWrongChainID) || errors.Is(err, ErrBadTxSignature) {
			t.Fatalf("workers %d: err = %v, want ErrWrongChainID of tx 30", workers, err)
		}
		if _, ok := cache.Get(other.Hash()); ok {
			t.Fatal("a failed transaction was cached")
		}
	}
	txs[30] = testTxs(t, signer, 31)[30]
	if _, err := RecoverSenders(signer, txs, nil, 2); !errors.Is(err, ErrBadTxSignature) {
		t.Fatalf("err = %v, want ErrBadTxSignature", err)
	}
	if got, err := RecoverSenders(signer, nil, nil, 0); err != nil || len(got) != 0 {
		t.Fatalf("empty block: %v, %v", got, err)
	}
}

// BenchmarkRecoverSenders recovers the senders of a 1,000-transfer block:
// cold (nothing cached) on one worker and on all CPUs, and warm (every
// sender in the signature cache).
func BenchmarkRecoverSenders(b *testing.B) {
	signer := types.NewSigner(1337)
	encs := encodeTestTxs(b, signer, 1000)
	for _, bc := range []struct {
		name    string
		workers int
		warm    bool
	}{
		{"cold/1worker", 1, false},
		{"cold/allworkers", 0, false},
		{"warm/allworkers", 0, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cache := NewSigCache(0)
			if bc.warm {
				if _, err := RecoverSenders(signer, decodeAll(b, encs), cache, 0); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				b.StopTimer()
				txs := decodeAll(b, encs) // fresh: no sender cached inside
				for _, tx := range txs {
					tx.Hash() // as block decoding and the tx root have done
				}
				if !bc.warm {
					cache = NopSigCache{}
				}
				b.StartTimer()
				if _, err := RecoverSenders(signer, txs, cache, bc.workers); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
