package types

import (
	"errors"
	"fmt"
	"math/bits"

	"github.com/holiman/uint256"
)

// Intrinsic gas schedule: Ethereum's as of Shanghai, so that wallets'
// gas estimates and "a transfer costs exactly 21000" hold on Quarry.
const (
	// TxGas is the base cost of every transaction, in gas (Yellow Paper
	// G_transaction): signature check, nonce and balance update.
	TxGas uint64 = 21000
	// TxCreateGas is charged on top of TxGas by a transaction without a
	// recipient, in gas (G_txcreate, Homestead): creating an account.
	TxCreateGas uint64 = 32000
	// TxDataZeroGas is the cost of one zero byte of data, in gas
	// (G_txdatazero).
	TxDataZeroGas uint64 = 4
	// TxDataNonZeroGas is the cost of one non-zero byte of data, in gas
	// (G_txdatanonzero, lowered from 68 by EIP-2028).
	TxDataNonZeroGas uint64 = 16
	// InitCodeWordGas is the cost of each 32-byte word, rounded up, of a
	// creation transaction's data, in gas (EIP-3860): the code is analysed
	// for jump destinations before it runs.
	InitCodeWordGas uint64 = 2
	// TxAccessListAddressGas is the cost of each address in an access list,
	// in gas (EIP-2930).
	TxAccessListAddressGas uint64 = 2400
	// TxAccessListStorageKeyGas is the cost of each storage key in an access
	// list, in gas (EIP-2930).
	TxAccessListStorageKeyGas uint64 = 1900
)

// Gas and fee errors.
var (
	// ErrGasUintOverflow: intrinsic gas does not fit in 64 bits.
	ErrGasUintOverflow = errors.New("gas uint64 overflow")
	// ErrCostOverflow: gas * price + value does not fit in 256 bits.
	ErrCostOverflow = errors.New("transaction cost overflows 256 bits")
)

// IntrinsicGas returns the gas tx consumes before any code runs: TxGas, plus
// TxCreateGas and InitCodeWordGas per word of data for a creation, plus its
// data bytes and access list. A transaction whose gas limit is below this is
// invalid.
func IntrinsicGas(tx *Transaction) (uint64, error) {
	gas := TxGas
	if tx.IsCreate() {
		gas += TxCreateGas
	}
	var zeros uint64
	for _, b := range tx.Data {
		if b == 0 {
			zeros++
		}
	}
	nonZeros := uint64(len(tx.Data)) - zeros
	var ok bool
	if gas, ok = mulAdd(gas, zeros, TxDataZeroGas); !ok {
		return 0, fmt.Errorf("%w: data", ErrGasUintOverflow)
	}
	if gas, ok = mulAdd(gas, nonZeros, TxDataNonZeroGas); !ok {
		return 0, fmt.Errorf("%w: data", ErrGasUintOverflow)
	}
	if tx.IsCreate() {
		words := (uint64(len(tx.Data)) + 31) / 32
		if gas, ok = mulAdd(gas, words, InitCodeWordGas); !ok {
			return 0, fmt.Errorf("%w: init code", ErrGasUintOverflow)
		}
	}
	if gas, ok = mulAdd(gas, uint64(len(tx.AccessList)), TxAccessListAddressGas); !ok {
		return 0, fmt.Errorf("%w: access list", ErrGasUintOverflow)
	}
	if gas, ok = mulAdd(gas, uint64(tx.AccessList.StorageKeys()), TxAccessListStorageKeyGas); !ok {
		return 0, fmt.Errorf("%w: access list", ErrGasUintOverflow)
	}
	return gas, nil
}

// mulAdd returns acc + n*price and whether it fits in 64 bits.
func mulAdd(acc, n, price uint64) (uint64, bool) {
	hi, lo := bits.Mul64(n, price)
	if hi != 0 {
		return 0, false
	}
	sum, carry := bits.Add64(acc, lo, 0)
	return sum, carry == 0
}

// EffectiveGasPrice returns the price per gas tx pays: GasPrice for types 0
// and 1. For type 2 it is min(GasFeeCap, GasTipCap): Quarry has no base fee
// (no EIP-1559 burn; every fee goes to the miner), so the base fee is zero
// and EIP-1559's min(feeCap, baseFee + tipCap) reduces to this.
func (tx *Transaction) EffectiveGasPrice() uint256.Int {
	if tx.Type != DynamicFeeTxType {
		return tx.GasPrice
	}
	if tx.GasTipCap.Lt(&tx.GasFeeCap) {
		return tx.GasTipCap
	}
	return tx.GasFeeCap
}

// Cost returns the most tx can take from its sender's balance:
// Gas * EffectiveGasPrice + Value, or ErrCostOverflow if that exceeds 256
// bits (such a transaction can never be paid for).
func (tx *Transaction) Cost() (uint256.Int, error) {
	price := tx.EffectiveGasPrice()
	var cost uint256.Int
	cost.SetUint64(tx.Gas)
	if _, overflow := cost.MulOverflow(&cost, &price); overflow {
		return uint256.Int{}, ErrCostOverflow
	}
	if _, overflow := cost.AddOverflow(&cost, &tx.Value); overflow {
		return uint256.Int{}, ErrCostOverflow
	}
	return cost, nil
}
