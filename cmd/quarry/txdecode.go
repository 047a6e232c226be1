package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// decodedTx is what tx decode prints: every field of the transaction,
// plus what follows from them (hash, sender).
type decodedTx struct {
	Hash                 types.Hash     `json:"hash"`
	Type                 uint8          `json:"type"`
	ChainID              uint64         `json:"chainId"`
	Sender               *types.Address `json:"sender"`
	SenderError          string         `json:"senderError,omitempty"`
	Nonce                uint64         `json:"nonce"`
	GasPrice             *string        `json:"gasPrice,omitempty"`
	MaxPriorityFeePerGas *string        `json:"maxPriorityFeePerGas,omitempty"`
	MaxFeePerGas         *string        `json:"maxFeePerGas,omitempty"`
	Gas                  uint64         `json:"gas"`
	To                   *types.Address `json:"to"`
	ContractAddress      *types.Address `json:"contractAddress,omitempty"`
	Value                string         `json:"value"`
	Input                hexutil.Bytes  `json:"input"`
	AccessList           *[]accessTuple `json:"accessList,omitempty"`
	V                    string         `json:"v"`
	R                    hexutil.U256   `json:"r"`
	S                    hexutil.U256   `json:"s"`
	Size                 int            `json:"size"`
}

type accessTuple struct {
	Address     types.Address `json:"address"`
	StorageKeys []types.Hash  `json:"storageKeys"`
}

// txDecode decodes a raw transaction without a node. Amounts are decimal
// strings (wei), so scripts need no hex arithmetic.
func (a *app) txDecode(c *cli.Context) error {
	args, err := positional(c, 1, 1, "HEX")
	if err != nil {
		return err
	}
	in := args[0]
	if in == "-" {
		b, err := a.readArgFile("transaction", "-")
		if err != nil {
			return err
		}
		in = strings.TrimSpace(string(b))
	}
	raw, err := parseHex("transaction", in)
	if err != nil {
		return err
	}
	tx, err := types.DecodeTransaction(raw)
	if err != nil {
		return usagef("transaction: %w", err)
	}
	return a.printJSON(describeTx(tx))
}

func describeTx(tx *types.Transaction) decodedTx {
	out := decodedTx{
		Hash:    tx.Hash(),
		Type:    uint8(tx.Type),
		ChainID: tx.ChainID,
		Nonce:   tx.Nonce,
		Gas:     tx.Gas,
		To:      tx.To,
		Value:   tx.Value.Dec(),
		Input:   hexutil.Bytes(tx.Data),
		V:       tx.V.Dec(),
		R:       hexutil.U256(tx.R),
		S:       hexutil.U256(tx.S),
		Size:    tx.Size(),
	}
	if out.Input == nil {
		out.Input = hexutil.Bytes{}
	}
	if tx.Type == types.DynamicFeeTxType {
		tip, feeCap := tx.GasTipCap.Dec(), tx.GasFeeCap.Dec()
		out.MaxPriorityFeePerGas, out.MaxFeePerGas = &tip, &feeCap
	} else {
		p := tx.GasPrice.Dec()
		out.GasPrice = &p
	}
	if tx.Type != types.LegacyTxType {
		al := make([]accessTuple, len(tx.AccessList))
		for i, t := range tx.AccessList {
			al[i] = accessTuple{t.Address, append([]types.Hash{}, t.StorageKeys...)}
		}
		out.AccessList = &al
	}
	from, err := types.NewSigner(tx.ChainID).Sender(tx)
	if err != nil {
		out.SenderError = err.Error()
	} else {
		out.Sender = &from
		if tx.To == nil {
			ca := types.ContractAddress(from, tx.Nonce)
			out.ContractAddress = &ca
		}
	}
	return out
}
