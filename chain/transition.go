package chain

import (
	"fmt"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/state"
	"github.com/quarry-chain/quarry/chain/types"
)

// ErrContractsUnsupported is the rule a block breaks when it creates a
// contract or calls an address that has code on a chain configured
// without a ContractExecutor: no node may silently treat such a
// transaction as a plain transfer.
const ErrContractsUnsupported = ErrorKind("ErrContractsUnsupported")

// ContractCall is the contract part of a transaction, handed to the
// ContractExecutor after the transition has checked the transaction,
// bought its gas, charged its intrinsic gas and bumped the sender's nonce.
type ContractCall struct {
	Header   *types.Header
	ChainID  uint64
	Tx       *types.Transaction
	From     types.Address
	GasPrice uint256.Int // effective price per gas
	// Gas is what is left for execution: the transaction's gas limit less
	// its intrinsic gas.
	Gas uint64
	// Nonce is the sender's nonce before this transaction, from which a
	// creation derives the contract address (types.ContractAddress).
	Nonce uint64
}

// ExecutionResult is what the executor reports back.
type ExecutionResult struct {
	// GasLeft is the unused part of ContractCall.Gas, refunded to the
	// sender at the transaction's price.
	GasLeft uint64
	// Failed reports a reverted or faulted execution: the executor has
	// undone its state changes (the value transfer included) and logs, and
	// the fee is still charged.
	Failed bool
	// ContractAddress is the created contract, for a creation.
	ContractAddress *types.Address
}

// ContractExecutor runs contract creations and calls: it moves the
// transaction's value and executes code on st, recording logs with
// st.AddLog. An error is not a rule violation but a failure to execute at
// all (a store failure): the block is abandoned with it.
type ContractExecutor interface {
	Execute(st *state.StateDB, call *ContractCall) (ExecutionResult, error)
}

// BlockResult is the outcome of applying a block's transactions.
type BlockResult struct {
	Receipts []*types.Receipt
	GasUsed  uint64
	Fees     uint256.Int // sum of gas used x effective price, paid to the coinbase
}

// ApplyBlock applies txs, whose senders are given in the same order, on
// st in order, then credits the block subsidy for hdr's height to hdr's
// coinbase. Each transaction must be for cfg's chain, carry at least its
// intrinsic gas, fit in what is left of the header's gas limit, use its
// sender's exact next nonce, and be affordable (balance >= gas x price +
// value). The sender buys all its gas up front, the value moves, unused
// gas is refunded, and the fee (gas used x effective price) goes to the
// coinbase; a plain transfer uses exactly 21,000 gas.
//
// A rule violation returns a *RuleError naming the transaction; st is
// then half-applied and must be discarded (it was never committed, so
// the committed state is untouched). The caller checks gas used, the
// receipts root and the state root against the header.
func ApplyBlock(cfg *params.ChainConfig, st *state.StateDB, hdr *types.Header, txs []*types.Transaction,
	senders []types.Address, exec ContractExecutor) (*BlockResult, error) {
	if len(senders) != len(txs) {
		return nil, ruleError(ErrBadTxSignature, "%d senders for %d transactions", len(senders), len(txs))
	}
	res := &BlockResult{Receipts: make([]*types.Receipt, 0, len(txs))}
	blockHash := hdr.Hash()
	for i, tx := range txs {
		r, err := applyTx(cfg, st, hdr, tx, senders[i], res.GasUsed, exec)
		if err != nil {
			return nil, err
		}
		res.GasUsed += r.GasUsed
		r.CumulativeGasUsed = res.GasUsed
		r.TxHash = tx.Hash()
		r.BlockHash = blockHash
		r.BlockNumber = hdr.Height
		r.TxIndex = uint(i)
		var fee uint256.Int
		fee.SetUint64(r.GasUsed)
		fee.Mul(&fee, &r.EffectiveGasPrice) // cannot overflow: bounded by Cost
		res.Fees.Add(&res.Fees, &fee)       // cannot overflow: total supply < 2^256
		res.Receipts = append(res.Receipts, r)
	}
	if err := creditSubsidy(cfg, st, hdr); err != nil {
		return nil, err
	}
	if err := st.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

// creditSubsidy pays the block subsidy for hdr's height to its coinbase.
func creditSubsidy(cfg *params.ChainConfig, st *state.StateDB, hdr *types.Header) error {
	subsidy, overflow := uint256.FromBig(cfg.Subsidy(hdr.Height))
	if overflow {
		// params validates the schedule; reaching this is a configuration bug.
		return fmt.Errorf("chain: subsidy at height %d exceeds 256 bits", hdr.Height)
	}
	if err := st.AddBalance(hdr.Coinbase, subsidy); err != nil {
		return ruleError(ErrInsufficientFund, "subsidy to %s: %v", hdr.Coinbase, err)
	}
	return nil
}

// applyTx applies one transaction after gasUsed gas of the block, and
// returns its receipt with Status, GasUsed, Logs, Bloom, From, To,
// ContractAddress and EffectiveGasPrice set.
func applyTx(cfg *params.ChainConfig, st *state.StateDB, hdr *types.Header, tx *types.Transaction,
	from types.Address, gasUsed uint64, exec ContractExecutor) (*types.Receipt, error) {
	h := tx.Hash()
	if tx.ChainID != cfg.ChainID {
		return nil, ruleError(ErrWrongChainID, "transaction %s is for chain %d, not %d", h, tx.ChainID, cfg.ChainID)
	}
	intrinsic, err := types.IntrinsicGas(tx)
	if err != nil {
		return nil, ruleError(ErrIntrinsicGas, "transaction %s: %v", h, err)
	}
	if tx.Gas < intrinsic {
		return nil, ruleError(ErrIntrinsicGas, "transaction %s has gas %d, needs at least %d", h, tx.Gas, intrinsic)
	}
	if hdr.GasLimit < gasUsed || tx.Gas > hdr.GasLimit-gasUsed {
		return nil, ruleError(ErrBlockGasExceeded, "transaction %s wants %d gas, block has %d of %d left",
			h, tx.Gas, hdr.GasLimit-min(gasUsed, hdr.GasLimit), hdr.GasLimit)
	}
	nonce := st.Nonce(from)
	if tx.Nonce != nonce {
		return nil, ruleError(ErrBadTxNonce, "transaction %s from %s has nonce %d, account is at %d", h, from, tx.Nonce, nonce)
	}
	if nonce == ^uint64(0) {
		return nil, ruleError(ErrBadTxNonce, "transaction %s: nonce of %s cannot increase past %d", h, from, nonce)
	}
	cost, err := tx.Cost()
	if err != nil {
		return nil, ruleError(ErrInsufficientFund, "transaction %s: %v", h, err)
	}
	if bal := st.Balance(from); bal.Lt(&cost) {
		return nil, ruleError(ErrInsufficientFund, "transaction %s: %s has %s wei, needs %s", h, from, bal.Dec(), cost.Dec())
	}
	contract := tx.To == nil || st.CodeHash(*tx.To) != state.EmptyCodeHash
	if contract && exec == nil {
		return nil, ruleError(ErrContractsUnsupported, "transaction %s creates or calls a contract", h)
	}

	st.BeginTx()
	price := tx.EffectiveGasPrice()
	var buy uint256.Int
	buy.SetUint64(tx.Gas)
	buy.Mul(&buy, &price) // <= cost: no overflow
	if err := st.SubBalance(from, &buy); err != nil {
		return nil, ruleError(ErrInsufficientFund, "transaction %s: %v", h, err)
	}
	st.SetNonce(from, nonce+1)
	r := &types.Receipt{
		Status:            types.ReceiptStatusSuccessful,
		From:              from,
		To:                tx.To,
		EffectiveGasPrice: price,
		Type:              tx.Type,
	}
	gasLeft := tx.Gas - intrinsic
	if contract {
		out, err := exec.Execute(st, &ContractCall{
			Header: hdr, ChainID: cfg.ChainID, Tx: tx, From: from,
			GasPrice: price, Gas: gasLeft, Nonce: nonce,
		})
		if err != nil {
			return nil, err
		}
		if out.GasLeft > gasLeft {
			out.GasLeft = gasLeft // an executor cannot mint gas
		}
		gasLeft = out.GasLeft
		if out.Failed {
			r.Status = types.ReceiptStatusFailed
		}
		r.ContractAddress = out.ContractAddress
	} else if err := st.Transfer(from, *tx.To, &tx.Value); err != nil {
		// Unreachable: the balance covered gas and value.
		return nil, ruleError(ErrInsufficientFund, "transaction %s: %v", h, err)
	}
	r.GasUsed = tx.Gas - gasLeft
	var refund, fee uint256.Int
	refund.SetUint64(gasLeft)
	refund.Mul(&refund, &price)
	fee.SetUint64(r.GasUsed)
	fee.Mul(&fee, &price)
	if err := st.AddBalance(from, &refund); err != nil {
		return nil, ruleError(ErrInsufficientFund, "transaction %s: refund: %v", h, err)
	}
	if err := st.AddBalance(hdr.Coinbase, &fee); err != nil {
		return nil, ruleError(ErrInsufficientFund, "transaction %s: fee: %v", h, err)
	}
	r.Logs = st.Logs()
	r.Bloom = types.BloomFromLogs(r.Logs)
	return r, nil
}
