package types

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"github.com/holiman/uint256"
)

func TestIntrinsicGas(t *testing.T) {
	t.Parallel()
	to := &Address{1}
	tests := []struct {
		name string
		tx   *Transaction
		want uint64
	}{
		{"plain transfer", &Transaction{To: to}, 21000},
		{"empty creation", &Transaction{}, 21000 + 32000},
		{"calldata zero and non-zero", &Transaction{To: to, Data: []byte{0, 1, 0, 2, 0}}, 21000 + 3*4 + 2*16},
		// 33 non-zero bytes of init code: 2 words.
		{"creation with init code", &Transaction{Data: bytes.Repeat([]byte{0x60}, 33)}, 53000 + 33*16 + 2*2},
		{"creation with 32 zero bytes", &Transaction{Data: make([]byte, 32)}, 53000 + 32*4 + 1*2},
		{"access list", &Transaction{Type: AccessListTxType, To: to, AccessList: AccessList{
			{Address: Address{1}, StorageKeys: []Hash{{1}, {2}}},
			{Address: Address{2}, StorageKeys: []Hash{{3}}},
		}}, 21000 + 2*2400 + 3*1900},
		{"everything", &Transaction{Type: DynamicFeeTxType, Data: []byte{0, 0xff}, AccessList: AccessList{{}}},
			21000 + 32000 + 4 + 16 + 2 + 2400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := IntrinsicGas(tc.tx)
			if err != nil || got != tc.want {
				t.Errorf("IntrinsicGas = %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

func TestMulAdd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		acc, n, price, want uint64
		ok                  bool
	}{
		{21000, 10, 16, 21160, true},
		{0, math.MaxUint64 / 16, 16, math.MaxUint64 / 16 * 16, true},
		{0, math.MaxUint64/16 + 1, 16, 0, false}, // product overflows
		{math.MaxUint64, 1, 1, 0, false},         // sum overflows
		{math.MaxUint64, 0, 16, math.MaxUint64, true},
	}
	for _, tc := range tests {
		got, ok := mulAdd(tc.acc, tc.n, tc.price)
		if got != tc.want || ok != tc.ok {
			t.Errorf("mulAdd(%d, %d, %d) = %d, %v; want %d, %v", tc.acc, tc.n, tc.price, got, ok, tc.want, tc.ok)
		}
	}
	if !errors.Is(ErrGasUintOverflow, ErrGasUintOverflow) || errors.Is(ErrGasUintOverflow, ErrCostOverflow) {
		t.Error("gas errors not distinct")
	}
}

func TestEffectiveGasPriceAndCost(t *testing.T) {
	t.Parallel()
	u := uint256.NewInt
	max := new(uint256.Int).SetAllOne()
	tests := []struct {
		name      string
		tx        *Transaction
		wantPrice *uint256.Int
		wantCost  *uint256.Int
		wantErr   error
	}{
		{"legacy", &Transaction{Gas: 21000, GasPrice: *u(10), Value: *u(5)}, u(10), u(210005), nil},
		{"access list", &Transaction{Type: AccessListTxType, Gas: 2, GasPrice: *u(7)}, u(7), u(14), nil},
		{"1559 tip below cap", &Transaction{Type: DynamicFeeTxType, Gas: 3, GasTipCap: *u(2), GasFeeCap: *u(9), GasPrice: *u(100)}, u(2), u(6), nil},
		{"1559 tip above cap", &Transaction{Type: DynamicFeeTxType, Gas: 3, GasTipCap: *u(20), GasFeeCap: *u(9)}, u(9), u(27), nil},
		{"1559 tip equals cap", &Transaction{Type: DynamicFeeTxType, Gas: 1, GasTipCap: *u(4), GasFeeCap: *u(4)}, u(4), u(4), nil},
		{"product overflows", &Transaction{Gas: 2, GasPrice: *max}, max, nil, ErrCostOverflow},
		{"sum overflows", &Transaction{Gas: 1, GasPrice: *u(1), Value: *max}, u(1), nil, ErrCostOverflow},
		{"max without overflow", &Transaction{Gas: 1, GasPrice: *u(1), Value: *new(uint256.Int).SubUint64(max, 1)}, u(1), max, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			price := tc.tx.EffectiveGasPrice()
			if !price.Eq(tc.wantPrice) {
				t.Errorf("EffectiveGasPrice = %v, want %v", &price, tc.wantPrice)
			}
			cost, err := tc.tx.Cost()
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && !cost.Eq(tc.wantCost)) {
				t.Errorf("Cost = %v, %v; want %v, %v", &cost, err, tc.wantCost, tc.wantErr)
			}
		})
	}
}
