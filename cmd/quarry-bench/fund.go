package main

import (
	"context"
	"fmt"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/contracts"
	"github.com/quarry-chain/quarry/wallet/abi"
	"github.com/quarry-chain/quarry/wallet/rpcclient"
)

// fundChunk is how many funding transactions are sent before waiting for
// their receipts: one sender may hold at most 1,024 in a node's pool.
const fundChunk = 512

// receiptPoll is how often a funding wait asks for its receipt.
const receiptPoll = 100 * time.Millisecond

// funder sends transactions from the funded key, in nonce order, through
// one node, and waits for them.
type funder struct {
	c      *rpcclient.Client
	key    *btcec.PrivateKey
	addr   types.Address
	signer types.Signer
	price  *uint256.Int
	nonce  uint64
}

func newFunder(ctx context.Context, c *rpcclient.Client, key *btcec.PrivateKey, signer types.Signer, price *uint256.Int) (*funder, error) {
	addr := types.PubkeyToAddress(key.PubKey())
	nonce, err := c.Nonce(ctx, addr, "pending")
	if err != nil {
		return nil, fmt.Errorf("nonce of funded account %s: %w", addr, err)
	}
	return &funder{c: c, key: key, addr: addr, signer: signer, price: price, nonce: nonce}, nil
}

// call is one funding transaction: to (nil creates a contract), value,
// data and gas.
type call struct {
	to    *types.Address
	value *uint256.Int
	data  []byte
	gas   uint64
}

// send signs and sends calls in chunks, waits for every receipt and checks
// that each succeeded. It returns the receipts in order.
func (f *funder) send(ctx context.Context, calls []call) ([]*rpcclient.Receipt, error) {
	out := make([]*rpcclient.Receipt, 0, len(calls))
	for start := 0; start < len(calls); start += fundChunk {
		end := min(start+fundChunk, len(calls))
		hashes := make([]types.Hash, 0, end-start)
		for _, cl := range calls[start:end] {
			tx := &types.Transaction{Type: types.LegacyTxType, ChainID: f.signer.ChainID(), Nonce: f.nonce, Gas: cl.gas, To: cl.to, Data: cl.data}
			tx.GasPrice.Set(f.price)
			if cl.value != nil {
				tx.Value.Set(cl.value)
			}
			signed, err := f.signer.SignTx(tx, f.key)
			if err != nil {
				return nil, fmt.Errorf("%w: sign: %w", ErrFunding, err)
			}
			if _, err := f.c.SendRawTransaction(ctx, signed.Encode()); err != nil {
				return nil, fmt.Errorf("%w: send nonce %d from %s: %w", ErrFunding, f.nonce, f.addr, err)
			}
			f.nonce++
			hashes = append(hashes, signed.Hash())
		}
		// One sender's transactions are included in nonce order: once the
		// last has a receipt, all have.
		if _, err := waitReceipt(ctx, f.c, hashes[len(hashes)-1]); err != nil {
			return nil, err
		}
		for _, h := range hashes {
			r, err := f.c.Receipt(ctx, h)
			if err != nil {
				return nil, fmt.Errorf("%w: receipt %s: %w", ErrFunding, h, err)
			}
			if r == nil {
				return nil, fmt.Errorf("%w: %s has no receipt though a later nonce has", ErrFunding, h)
			}
			if r.Status != 1 {
				return nil, fmt.Errorf("%w: transaction %s failed (status 0)", ErrFunding, h)
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// waitReceipt polls for hash's receipt until ctx ends.
func waitReceipt(ctx context.Context, c *rpcclient.Client, hash types.Hash) (*rpcclient.Receipt, error) {
	t := time.NewTicker(receiptPoll)
	defer t.Stop()
	for {
		r, err := c.Receipt(ctx, hash)
		if err != nil && ctx.Err() == nil {
			return nil, fmt.Errorf("%w: receipt %s: %w", ErrFunding, hash, err)
		}
		if r != nil {
			return r, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: waiting for receipt %s: %w", ErrTimeout, hash, ctx.Err())
		case <-t.C:
		}
	}
}

// fundTransfers gives every account enough for its share of the load:
// per transaction value plus gas times price.
func fundTransfers(ctx context.Context, f *funder, accts []account, perAccount uint64, value *uint256.Int, gas uint64) error {
	amount := costOf(perAccount, value, gas, f.price)
	calls := make([]call, len(accts))
	for i := range accts {
		calls[i] = call{to: &accts[i].addr, value: amount, gas: transferGas}
	}
	_, err := f.send(ctx, calls)
	return err
}

// costOf returns n * (value + gas*price).
func costOf(n uint64, value *uint256.Int, gas uint64, price *uint256.Int) *uint256.Int {
	per := new(uint256.Int).Mul(uint256.NewInt(gas), price)
	per.Add(per, value)
	return per.Mul(per, uint256.NewInt(n))
}

// Token mode.

// tokenSupplyWords is the initial supply the benchmark mints: 2^255 base
// units, more than any run can hand out, and clear of overflow in sums.
func tokenSupply() *uint256.Int { return new(uint256.Int).Lsh(uint256.NewInt(1), 255) }

// gasMargin pads a gas estimate by a quarter plus a fixed amount: a first
// write to a storage slot costs more than the estimate's rewrite may.
func gasMargin(est uint64) uint64 { return est + est/4 + 10_000 }

// token is the deployed example token.
type token struct {
	addr     types.Address
	transfer abi.Method
	gas      uint64 // gas limit of one transfer
}

// deployToken deploys contracts' "token" with the benchmark's supply, all
// minted to the funded account, and measures a transfer's gas.
func deployToken(ctx context.Context, f *funder) (*token, error) {
	code, err := contracts.CreationCode("token")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFunding, err)
	}
	supply := tokenSupply().Bytes32()
	code = append(code, supply[:]...)
	est, err := f.c.EstimateGas(ctx, rpcclient.CallMsg{From: &f.addr, Data: code})
	if err != nil {
		return nil, fmt.Errorf("%w: estimate token deployment: %w", ErrFunding, err)
	}
	rs, err := f.send(ctx, []call{{data: code, gas: gasMargin(est)}})
	if err != nil {
		return nil, err
	}
	if rs[0].ContractAddress == nil {
		return nil, fmt.Errorf("%w: token deployment receipt has no contract address", ErrFunding)
	}
	m, err := abi.ParseSignature("transfer(address,uint256)")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFunding, err)
	}
	tk := &token{addr: *rs[0].ContractAddress, transfer: m}
	// Estimate a transfer to a fresh address: the dearest kind (a new
	// balance slot).
	probe := types.Address{0x0b, 0xe7, 0xc4}
	est, err = f.c.EstimateGas(ctx, rpcclient.CallMsg{From: &f.addr, To: &tk.addr, Data: tk.transferData(probe, uint256.NewInt(1))})
	if err != nil {
		return nil, fmt.Errorf("%w: estimate token transfer: %w", ErrFunding, err)
	}
	tk.gas = gasMargin(est)
	return tk, nil
}

// transferData is the call data of transfer(to, amount).
func (tk *token) transferData(to types.Address, amount *uint256.Int) []byte {
	sel := tk.transfer.Selector()
	amt := amount.Bytes32()
	data := make([]byte, 0, 4+64)
	data = append(data, sel[:]...)
	data = append(data, make([]byte, 12)...)
	data = append(data, to[:]...)
	return append(data, amt[:]...)
}

// fundTokens gives every account ether for its token transfers' gas and
// perAccount*amount tokens, in one batch.
func fundTokens(ctx context.Context, f *funder, tk *token, accts []account, perAccount uint64, amount *uint256.Int) error {
	gasCost := costOf(perAccount, new(uint256.Int), tk.gas, f.price)
	tokens := new(uint256.Int).Mul(amount, uint256.NewInt(perAccount))
	calls := make([]call, 0, 2*len(accts))
	for i := range accts {
		calls = append(calls,
			call{to: &accts[i].addr, value: gasCost, gas: transferGas},
			call{to: &tk.addr, data: tk.transferData(accts[i].addr, tokens), gas: tk.gas})
	}
	_, err := f.send(ctx, calls)
	return err
}
