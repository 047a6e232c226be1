package main

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// transferGas is a plain value transfer's gas, the intrinsic 21,000.
const transferGas = 21_000

// signedTx is one pre-signed transaction of the plan.
type signedTx struct {
	raw    []byte
	hash   types.Hash
	sender int // index of the sending account
	nonce  uint64
}

// account is a fresh key made for this run.
type account struct {
	key  *btcec.PrivateKey
	addr types.Address
}

// newAccounts makes k fresh random keys: every run starts from nonce 0 and
// cannot collide with a previous run's transactions.
func newAccounts(k int) ([]account, error) {
	out := make([]account, k)
	for i := range out {
		key, err := btcec.NewPrivateKey()
		if err != nil {
			return nil, fmt.Errorf("new account: %w", err)
		}
		out[i] = account{key: key, addr: types.PubkeyToAddress(key.PubKey())}
	}
	return out, nil
}

// txTemplate is what every load transaction shares.
type txTemplate struct {
	signer   types.Signer
	gasPrice *uint256.Int
	gas      uint64
	// build returns the recipient, value and data of a transaction from
	// account i to account j.
	build func(i, j int) (to types.Address, value *uint256.Int, data []byte)
}

// sign builds and signs one legacy transaction.
func (t *txTemplate) sign(key *btcec.PrivateKey, nonce uint64, to types.Address, value *uint256.Int, data []byte) (*types.Transaction, error) {
	tx := &types.Transaction{Type: types.LegacyTxType, ChainID: t.signer.ChainID(), Nonce: nonce, Gas: t.gas, To: &to, Data: data}
	tx.GasPrice.Set(t.gasPrice)
	if value != nil {
		tx.Value.Set(value)
	}
	return t.signer.SignTx(tx, key)
}

// planLoad pre-signs n transactions: transaction i is sent by account
// i mod k with nonce i / k, to the next account, so that every account's
// nonces are consecutive from 0 and in plan order. Signing runs on all
// cores.
func planLoad(accts []account, n int, t *txTemplate) ([]signedTx, error) {
	k := len(accts)
	plan := make([]signedTx, n)
	workers := runtime.GOMAXPROCS(0)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				from := i % k
				to, value, data := t.build(from, (from+1)%k)
				nonce := uint64(i / k)
				tx, err := t.sign(accts[from].key, nonce, to, value, data)
				if err != nil {
					errs[w] = fmt.Errorf("sign transaction %d: %w", i, err)
					return
				}
				plan[i] = signedTx{raw: tx.Encode(), hash: tx.Hash(), sender: from, nonce: nonce}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return plan, nil
}
