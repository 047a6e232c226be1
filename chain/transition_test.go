package chain

import (
	"errors"
	"math/big"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/state"
	"github.com/quarry-chain/quarry/chain/types"
)

// Transition test constants.
const (
	oneEther       = 1_000_000_000_000_000_000
	txTestGasLimit = 100_000 // room for four plain transfers, not five
	txTestSubsidy  = 2 * oneEther
)

// txEnv is a committed state with two funded keys and a contract.
type txEnv struct {
	cfg      *params.ChainConfig
	signer   types.Signer
	keys     []*btcec.PrivateKey
	addrs    []types.Address
	contract types.Address
	db       *state.Database
	kv       *kvdb.DB
	alloc    *uint256.Int // total genesis balance
}

func txTestKey(i byte) *btcec.PrivateKey {
	var b [32]byte
	b[0], b[31] = 0x11, i+1
	k, _ := btcec.PrivKeyFromBytes(b[:])
	return k
}

func newTxEnv(t *testing.T) *txEnv {
	t.Helper()
	g := params.DevGenesis(0)
	g.GasLimit = txTestGasLimit
	g.Reward = params.Reward{Initial: new(big.Int).SetUint64(txTestSubsidy)}
	e := &txEnv{signer: types.NewSigner(g.ChainID), contract: types.Address{0xcc}}
	for i := range byte(4) {
		k := txTestKey(i)
		e.keys = append(e.keys, k)
		e.addrs = append(e.addrs, types.PubkeyToAddress(k.PubKey()))
	}
	g.Alloc = []params.GenesisAccount{
		{Address: e.addrs[0], Balance: new(big.Int).SetUint64(10 * oneEther)},
		{Address: e.addrs[1], Balance: big.NewInt(1 * oneEther)},
		{Address: e.contract, Code: []byte{0x00}},
	}
	e.alloc = uint256.NewInt(11 * oneEther)
	e.cfg = g.Config()
	e.kv = kvdb.OpenMemory()
	t.Cleanup(func() { e.kv.Close() })
	var err error
	if e.db, err = state.New(state.Config{DB: e.kv}); err != nil {
		t.Fatal(err)
	}
	var b kvdb.Batch
	p, err := e.db.WriteGenesis(&b, g.Alloc)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.kv.Write(&b); err != nil {
		t.Fatal(err)
	}
	p.Written()
	return e
}

// txSpec describes a transaction to sign.
type txSpec struct {
	key      int
	nonce    uint64
	to       *types.Address
	value    uint64
	gas      uint64
	price    uint64
	data     []byte
	chainID  uint64 // 0: the env's
	feeCap   uint64 // > 0: a dynamic-fee transaction with tip = price
	tamper   bool   // break the signature
	noSender bool
}

func (e *txEnv) sign(t *testing.T, s txSpec) *types.Transaction {
	t.Helper()
	if s.gas == 0 {
		s.gas = types.TxGas
	}
	chainID := s.chainID
	if chainID == 0 {
		chainID = e.cfg.ChainID
	}
	tx := &types.Transaction{ChainID: chainID, Nonce: s.nonce, Gas: s.gas, To: s.to, Data: s.data}
	tx.Value.SetUint64(s.value)
	if s.feeCap > 0 {
		tx.Type = types.DynamicFeeTxType
		tx.GasTipCap.SetUint64(s.price)
		tx.GasFeeCap.SetUint64(s.feeCap)
	} else {
		tx.GasPrice.SetUint64(s.price)
	}
	signed, err := types.NewSigner(chainID).SignTx(tx, e.keys[s.key])
	if err != nil {
		t.Fatal(err)
	}
	if s.tamper {
		// R = 0 is outside [1, n-1]; re-decoding drops the cached sender.
		signed.R.Clear()
		signed, err = types.DecodeTransaction(signed.Encode())
		if err != nil {
			t.Fatal(err)
		}
	}
	return signed
}

func (e *txEnv) header(height uint64) *types.Header {
	return &types.Header{Version: types.HeaderVersion, Height: height, Coinbase: e.addrs[3], GasLimit: txTestGasLimit}
}

// apply recovers senders and applies txs as block height on the committed
// state, committing (and writing) the result only if everything holds.
func (e *txEnv) apply(t *testing.T, height uint64, exec ContractExecutor, txs ...*types.Transaction) (*BlockResult, error) {
	t.Helper()
	senders, err := RecoverSenders(e.signer, txs, NewSigCache(0), 0)
	if err != nil {
		return nil, err
	}
	st, err := e.db.StateDB()
	if err != nil {
		t.Fatal(err)
	}
	res, err := ApplyBlock(e.cfg, st, e.header(height), txs, senders, exec)
	if err != nil {
		return nil, err
	}
	var b kvdb.Batch
	p, err := st.Commit(&b)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.kv.Write(&b); err != nil {
		t.Fatal(err)
	}
	p.Written()
	return res, nil
}

func (e *txEnv) balance(t *testing.T, a types.Address) uint256.Int {
	t.Helper()
	r, err := e.db.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	acct, _, err := r.Account(a)
	if err != nil {
		t.Fatal(err)
	}
	return acct.Balance
}

// txSnapshot is the committed state as the tests compare it.
type txSnapshot struct {
	root     types.Hash
	balances [5]uint256.Int
	nonces   [5]uint64
}

func (e *txEnv) snapshot(t *testing.T) txSnapshot {
	t.Helper()
	r, err := e.db.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	s := txSnapshot{root: r.Root()}
	for i, a := range append(append([]types.Address(nil), e.addrs...), e.contract) {
		acct, _, err := r.Account(a)
		if err != nil {
			t.Fatal(err)
		}
		s.balances[i], s.nonces[i] = acct.Balance, acct.Nonce
	}
	return s
}

func addrPtr(a types.Address) *types.Address { return &a }

func TestApplyBlockTransfers(t *testing.T) {
	t.Parallel()
	e := newTxEnv(t)
	to1, to2 := addrPtr(e.addrs[1]), addrPtr(e.addrs[2])
	txs := []*types.Transaction{
		e.sign(t, txSpec{key: 0, nonce: 0, to: to2, value: 1 * oneEther, price: 7}),
		e.sign(t, txSpec{key: 1, nonce: 0, to: to2, value: 5, price: 3, gas: 30_000}),                     // 9,000 gas refunded
		e.sign(t, txSpec{key: 0, nonce: 1, to: to1, value: 2, price: 5, feeCap: 9}),                       // dynamic fee: pays the tip, 5
		e.sign(t, txSpec{key: 0, nonce: 2, to: to1, value: 0, price: 1, gas: 25_000, data: []byte{0, 1}}), // 21000 + 4 + 16
	}
	res, err := e.apply(t, 1, nil, txs...)
	if err != nil {
		t.Fatal(err)
	}
	wantGas := []uint64{21000, 21000, 21000, 21020}
	var cum uint64
	for i, r := range res.Receipts {
		cum += wantGas[i]
		if r.Status != types.ReceiptStatusSuccessful || r.GasUsed != wantGas[i] || r.CumulativeGasUsed != cum ||
			r.TxIndex != uint(i) || r.TxHash != txs[i].Hash() || len(r.Logs) != 0 || r.Bloom != (types.Bloom{}) {
			t.Errorf("receipt %d = %+v; want gas %d, cumulative %d", i, r, wantGas[i], cum)
		}
	}
	if res.GasUsed != cum {
		t.Errorf("GasUsed = %d, want %d", res.GasUsed, cum)
	}
	fees := uint64(21000*7 + 21000*3 + 21000*5 + 21020*1)
	if res.Fees.Uint64() != fees {
		t.Errorf("Fees = %s, want %d", res.Fees.Dec(), fees)
	}
	want := map[types.Address]uint64{
		e.addrs[0]: 10*oneEther - 1*oneEther - 21000*7 - 2 - 21000*5 - 21020,
		e.addrs[1]: 1*oneEther - 5 - 21000*3 + 2,
		e.addrs[2]: 1*oneEther + 5,
		e.addrs[3]: txTestSubsidy + fees,
	}
	var supply uint256.Int
	for a, w := range want {
		got := e.balance(t, a)
		if got.Uint64() != w || !got.IsUint64() {
			t.Errorf("balance of %s = %s, want %d", a, got.Dec(), w)
		}
		supply.Add(&supply, &got)
	}
	wantSupply := new(uint256.Int).Add(e.alloc, uint256.NewInt(txTestSubsidy))
	if !supply.Eq(wantSupply) {
		t.Errorf("total supply %s, want alloc + subsidy = %s", supply.Dec(), wantSupply.Dec())
	}
	if s := e.snapshot(t); s.nonces[0] != 3 || s.nonces[1] != 1 {
		t.Errorf("nonces = %v, want 3 and 1", s.nonces)
	}

	// An empty block pays the subsidy alone; supply keeps adding up.
	if _, err := e.apply(t, 2, nil); err != nil {
		t.Fatal(err)
	}
	if got := e.balance(t, e.addrs[3]); got.Uint64() != 2*txTestSubsidy+fees {
		t.Errorf("coinbase after empty block %s, want %d", got.Dec(), 2*txTestSubsidy+fees)
	}
}

// allKinds lists every rule kind a block's transactions can break.
var allKinds = []ErrorKind{ErrBadTxNonce, ErrInsufficientFund, ErrIntrinsicGas, ErrBlockGasExceeded,
	ErrWrongChainID, ErrBadTxSignature, ErrContractsUnsupported}

func TestApplyBlockRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want ErrorKind
		txs  func(e *txEnv, t *testing.T) []*types.Transaction
	}{
		{"nonce too high", ErrBadTxNonce, func(e *txEnv, t *testing.T) []*types.Transaction {
			return []*types.Transaction{e.sign(t, txSpec{key: 0, nonce: 1, to: &e.addrs[2], price: 1})}
		}},
		{"nonce replayed in the block", ErrBadTxNonce, func(e *txEnv, t *testing.T) []*types.Transaction {
			a := e.sign(t, txSpec{key: 0, nonce: 0, to: &e.addrs[2], value: 1, price: 1})
			b := e.sign(t, txSpec{key: 0, nonce: 0, to: &e.addrs[1], value: 1, price: 1})
			return []*types.Transaction{a, b}
		}},
		{"balance one wei short", ErrInsufficientFund, func(e *txEnv, t *testing.T) []*types.Transaction {
			return []*types.Transaction{e.sign(t, txSpec{key: 1, to: &e.addrs[2], value: 1*oneEther - 21000*10 + 1, price: 10})}
		}},
		{"unfunded sender", ErrInsufficientFund, func(e *txEnv, t *testing.T) []*types.Transaction {
			return []*types.Transaction{e.sign(t, txSpec{key: 2, to: &e.addrs[0], price: 1})}
		}},
		{"gas cost counts the full gas limit", ErrInsufficientFund, func(e *txEnv, t *testing.T) []*types.Transaction {
			return []*types.Transaction{e.sign(t, txSpec{key: 1, to: &e.addrs[2], value: 1*oneEther - 21000*10, price: 10, gas: 21001})}
		}},
		{"intrinsic gas", ErrIntrinsicGas, func(e *txEnv, t *testing.T) []*types.Transaction {
			return []*types.Transaction{e.sign(t, txSpec{key: 0, to: &e.addrs[2], price: 1, gas: 20999})}
		}},
		{"intrinsic gas of data", ErrIntrinsicGas, func(e *txEnv, t *testing.T) []*types.Transaction {
			return []*types.Transaction{e.sign(t, txSpec{key: 0, to: &e.addrs[2], price: 1, gas: 21015, data: []byte{1}})}
		}},
		{"block gas limit", ErrBlockGasExceeded, func(e *txEnv, t *testing.T) []*types.Transaction {
			var txs []*types.Transaction
			for n := range uint64(5) { // 5 x 21000 > 100,000
				txs = append(txs, e.sign(t, txSpec{key: 0, nonce: n, to: &e.addrs[2], price: 1}))
			}
			return txs
		}},
		{"one tx above the block gas limit", ErrBlockGasExceeded, func(e *txEnv, t *testing.T) []*types.Transaction {
			return []*types.Transaction{e.sign(t, txSpec{key: 0, to: &e.addrs[2], price: 1, gas: txTestGasLimit + 1})}
		}},
		{"other chain", ErrWrongChainID, func(e *txEnv, t *testing.T) []*types.Transaction {
			return []*types.Transaction{e.sign(t, txSpec{key: 0, to: &e.addrs[2], price: 1, chainID: 999})}
		}},
		{"bad signature", ErrBadTxSignature, func(e *txEnv, t *testing.T) []*types.Transaction {
			return []*types.Transaction{e.sign(t, txSpec{key: 0, to: &e.addrs[2], price: 1, tamper: true})}
		}},
		{"contract creation", ErrContractsUnsupported, func(e *txEnv, t *testing.T) []*types.Transaction {
			return []*types.Transaction{e.sign(t, txSpec{key: 0, price: 1, gas: 100_000 - 1, data: []byte{0x00}})}
		}},
		{"call to code", ErrContractsUnsupported, func(e *txEnv, t *testing.T) []*types.Transaction {
			return []*types.Transaction{e.sign(t, txSpec{key: 0, to: &e.contract, price: 1})}
		}},
		{"valid then invalid", ErrBadTxNonce, func(e *txEnv, t *testing.T) []*types.Transaction {
			return []*types.Transaction{
				e.sign(t, txSpec{key: 0, nonce: 0, to: &e.addrs[2], value: 5, price: 1}),
				e.sign(t, txSpec{key: 1, nonce: 3, to: &e.addrs[2], value: 5, price: 1}),
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newTxEnv(t)
			before := e.snapshot(t)
			_, err := e.apply(t, 1, nil, tt.txs(e, t)...)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %s", err, tt.want)
			}
			var re *RuleError
			if !errors.As(err, &re) {
				t.Fatalf("err = %T, want *RuleError", err)
			}
			for _, k := range allKinds {
				if k != tt.want && errors.Is(err, k) {
					t.Errorf("err also matches %s", k)
				}
			}
			if after := e.snapshot(t); after != before {
				t.Fatalf("failed block changed the state:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}

func TestApplyBlockWrongChainIDWithGivenSender(t *testing.T) {
	t.Parallel()
	// A sender recovered elsewhere (say, under another signer) does not
	// let a foreign transaction through.
	e := newTxEnv(t)
	tx := e.sign(t, txSpec{key: 0, to: &e.addrs[2], price: 1, chainID: 999})
	st, err := e.db.StateDB()
	if err != nil {
		t.Fatal(err)
	}
	_, err = ApplyBlock(e.cfg, st, e.header(1), []*types.Transaction{tx}, []types.Address{e.addrs[0]}, nil)
	if !errors.Is(err, ErrWrongChainID) {
		t.Fatalf("err = %v, want ErrWrongChainID", err)
	}
}

// fakeExecutor moves the value, logs one event and uses half the gas; a
// creation "deploys" its data as code.
type fakeExecutor struct{ fail bool }

func (f fakeExecutor) Execute(st *state.StateDB, c *ContractCall) (ExecutionResult, error) {
	snap := st.Snapshot()
	to := types.ContractAddress(c.From, c.Nonce)
	var created *types.Address
	if c.Tx.To != nil {
		to = *c.Tx.To
	} else {
		st.SetCode(to, c.Tx.Data)
		created = &to
	}
	if err := st.Transfer(c.From, to, &c.Tx.Value); err != nil {
		return ExecutionResult{}, err
	}
	st.AddLog(&types.Log{Address: to, Topics: []types.Hash{{1}}})
	if f.fail {
		st.RevertToSnapshot(snap)
		return ExecutionResult{GasLeft: 0, Failed: true}, nil
	}
	return ExecutionResult{GasLeft: c.Gas / 2, ContractAddress: created}, nil
}

func TestApplyBlockContractSeam(t *testing.T) {
	t.Parallel()
	t.Run("call", func(t *testing.T) {
		t.Parallel()
		e := newTxEnv(t)
		tx := e.sign(t, txSpec{key: 0, to: &e.contract, value: 100, price: 2, gas: 41000})
		res, err := e.apply(t, 1, fakeExecutor{}, tx)
		if err != nil {
			t.Fatal(err)
		}
		r := res.Receipts[0]
		if r.Status != types.ReceiptStatusSuccessful || r.GasUsed != 31000 || len(r.Logs) != 1 || !r.Bloom.Test(e.contract[:]) {
			t.Fatalf("receipt %+v", r)
		}
		if got := e.balance(t, e.contract); got.Uint64() != 100 {
			t.Errorf("contract balance %s, want 100", got.Dec())
		}
		if got := e.balance(t, e.addrs[0]); got.Uint64() != 10*oneEther-100-31000*2 {
			t.Errorf("sender balance %s", got.Dec())
		}
	})
	t.Run("failed create keeps the fee", func(t *testing.T) {
		t.Parallel()
		e := newTxEnv(t)
		tx := e.sign(t, txSpec{key: 0, value: 100, price: 2, gas: 60000, data: []byte{0xfe}})
		res, err := e.apply(t, 1, fakeExecutor{fail: true}, tx)
		if err != nil {
			t.Fatal(err)
		}
		r := res.Receipts[0]
		if r.Status != types.ReceiptStatusFailed || r.GasUsed != 60000 || len(r.Logs) != 0 || r.ContractAddress != nil {
			t.Fatalf("receipt %+v", r)
		}
		if got := e.balance(t, e.addrs[0]); got.Uint64() != 10*oneEther-60000*2 {
			t.Errorf("sender balance %s, want only the fee gone", got.Dec())
		}
		if s := e.snapshot(t); s.nonces[0] != 1 {
			t.Errorf("nonce %d after a failed creation, want 1", s.nonces[0])
		}
	})
}
