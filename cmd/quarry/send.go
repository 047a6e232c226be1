package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/holiman/uint256"
	"github.com/urfave/cli/v2"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
	"github.com/quarry-chain/quarry/wallet/rpcclient"
	"github.com/quarry-chain/quarry/wallet/units"
)

// defaultOfflineGasPrice is the price per gas `sign` uses when it does not
// ask a node and none is given: 1 gwei, the usual floor of Ethereum
// tooling, far above a dev node's minimum.
const defaultOfflineGasPrice = 1_000_000_000

// gasMarginPercent is added to a gas estimate for transactions that run
// code, since the state (balances, storage) may change between the
// estimate and the block. Unused gas is not charged.
const gasMarginPercent = 20

// txFlags are the flags of every command that builds a transaction.
func txFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "from", Usage: "sending `ADDR`ess (a keystore account)"},
		&cli.StringFlag{Name: "gas-price", Usage: "price per gas (bare number: gwei; default: the node's suggestion)"},
		&cli.StringFlag{Name: "gas", Usage: "gas limit (default: 21000 for a transfer, else the node's estimate + 20%)"},
		&cli.StringFlag{Name: "nonce", Usage: "nonce (default: the account's pending nonce)"},
		&cli.StringFlag{Name: "chain-id", Usage: "chain id (default: the node's eth_chainId)"},
	}
}

func waitFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "wait", Usage: "wait for the receipt, showing progress on stderr"},
		&cli.UintFlag{Name: "confirmations", Value: 1, Usage: "blocks to wait for, counting the one holding the transaction"},
		&cli.DurationFlag{Name: "timeout", Value: 5 * time.Minute, Usage: "how long to wait"},
	}
}

// txRequest is a transaction to build: what the command line fixed, and
// what is left to the node (nil / zero).
type txRequest struct {
	from     types.Address
	to       *types.Address
	value    *uint256.Int
	data     []byte
	gas      uint64 // 0: estimate
	gasPrice *uint256.Int
	nonce    *uint64
	chainID  *uint64
}

// parseTxFlags reads the txFlags; value and data are the caller's.
func parseTxFlags(c *cli.Context) (txRequest, error) {
	var req txRequest
	if c.String("from") == "" {
		return req, usagef("--from is required")
	}
	from, err := parseAddress("--from", c.String("from"))
	if err != nil {
		return req, err
	}
	req.from = from
	req.value = new(uint256.Int)
	if s := c.String("gas-price"); s != "" {
		if req.gasPrice, err = parseGasPrice(s); err != nil {
			return req, err
		}
	}
	if s := c.String("gas"); s != "" {
		if req.gas, err = parseUint("--gas", s); err != nil {
			return req, err
		}
		if req.gas == 0 {
			return req, usagef("--gas must be positive")
		}
	}
	if s := c.String("nonce"); s != "" {
		n, err := parseUint("--nonce", s)
		if err != nil {
			return req, err
		}
		req.nonce = &n
	}
	if s := c.String("chain-id"); s != "" {
		n, err := parseUint("--chain-id", s)
		if err != nil {
			return req, err
		}
		if n == 0 {
			return req, usagef("--chain-id must be positive (EIP-155)")
		}
		req.chainID = &n
	}
	return req, nil
}

// fill completes req from the node: chain id, pending nonce, gas price and
// gas limit.
func (a *app) fill(ctx context.Context, req *txRequest) error {
	client, err := a.rpc()
	if err != nil {
		return err
	}
	if req.chainID == nil {
		id, err := client.ChainID(ctx)
		if err != nil {
			return err
		}
		req.chainID = &id
	}
	if req.nonce == nil {
		// The pending nonce counts this account's transactions already in
		// the pool, so several sends in a row each get the next one.
		n, err := client.Nonce(ctx, req.from, "pending")
		if err != nil {
			return err
		}
		req.nonce = &n
	}
	if req.gasPrice == nil {
		p, err := client.GasPrice(ctx)
		if err != nil {
			return err
		}
		req.gasPrice = p
	}
	if req.gas == 0 {
		msg := rpcclient.CallMsg{From: &req.from, To: req.to, Value: (*hexutil.U256)(req.value), Data: req.data}
		est, err := client.EstimateGas(ctx, msg)
		if err != nil {
			return err
		}
		if est > types.TxGas {
			est += est * gasMarginPercent / 100
		}
		req.gas = est
	}
	return nil
}

// sign unlocks req.from and signs req, which must be complete.
func (a *app) sign(req txRequest) (*types.Transaction, error) {
	dir, err := a.keystore()
	if err != nil {
		return nil, err
	}
	if _, err := dir.Find(req.from); err != nil {
		return nil, walletError(fmt.Errorf("%s in %s: %w", req.from.Hex(), dir.Path(), err))
	}
	pw, err := a.password("Password for "+req.from.Hex(), false)
	if err != nil {
		return nil, err
	}
	key, err := dir.Unlock(req.from, pw)
	if err != nil {
		return nil, walletError(err)
	}
	tx := &types.Transaction{
		Type:    types.LegacyTxType,
		ChainID: *req.chainID,
		Nonce:   *req.nonce,
		Gas:     req.gas,
		To:      req.to,
		Data:    req.data,
	}
	tx.GasPrice.Set(req.gasPrice)
	tx.Value.Set(req.value)
	signed, err := types.NewSigner(*req.chainID).SignTx(tx, key.PrivateKey)
	if err != nil {
		return nil, walletError(err)
	}
	return signed, nil
}

// sentJSON describes a sent transaction, and its receipt once waited for.
type sentJSON struct {
	Hash            types.Hash         `json:"hash"`
	From            types.Address      `json:"from"`
	To              *types.Address     `json:"to"`
	Nonce           uint64             `json:"nonce"`
	Value           string             `json:"value"`
	Gas             uint64             `json:"gas"`
	GasPrice        string             `json:"gasPrice"`
	ChainID         uint64             `json:"chainId"`
	ContractAddress *types.Address     `json:"contractAddress,omitempty"`
	Receipt         *rpcclient.Receipt `json:"receipt,omitempty"`
}

// submit fills, signs and sends req; with wait (or always, when
// mustWait), it waits for the receipt and fails with exit 4 if the
// transaction failed.
func (a *app) submit(c *cli.Context, req txRequest, mustWait bool) (*sentJSON, error) {
	ctx := ctxOf(c)
	if err := a.fill(ctx, &req); err != nil {
		return nil, err
	}
	tx, err := a.sign(req)
	if err != nil {
		return nil, err
	}
	client, err := a.rpc()
	if err != nil {
		return nil, err
	}
	hash, err := client.SendRawTransaction(ctx, tx.Encode())
	if err != nil {
		return nil, err
	}
	out := &sentJSON{
		Hash: hash, From: req.from, To: tx.To, Nonce: tx.Nonce, Value: tx.Value.Dec(),
		Gas: tx.Gas, GasPrice: tx.GasPrice.Dec(), ChainID: tx.ChainID,
	}
	if tx.To == nil {
		ca := types.ContractAddress(req.from, tx.Nonce)
		out.ContractAddress = &ca
	}
	if !mustWait && !c.Bool("wait") {
		return out, nil
	}
	if !a.json {
		fmt.Fprintf(a.stdout, "%s\n", hash.Hex())
	}
	r, err := a.waitReceipt(ctx, hash, c.Uint("confirmations"), c.Duration("timeout"))
	if err != nil {
		return out, err
	}
	out.Receipt = r
	if r.Status != 1 {
		return out, txFailed(fmt.Errorf("transaction %s failed (status 0) in block %d, gas used %d", hash, uint64(r.BlockNumber), uint64(r.GasUsed)))
	}
	return out, nil
}

// printSent prints the outcome of submit, even when it failed after
// sending (so a script still learns the hash).
func (a *app) printSent(out *sentJSON, err error) error {
	if out == nil {
		return err
	}
	if a.json {
		if perr := a.printJSON(out); perr != nil && err == nil {
			err = perr
		}
		return err
	}
	if out.Receipt == nil {
		fmt.Fprintln(a.stdout, out.Hash.Hex())
		return err
	}
	r := out.Receipt
	status := "success"
	if r.Status != 1 {
		status = "failed"
	}
	fee := new(uint256.Int).Mul(uint256.NewInt(uint64(r.GasUsed)), r.EffectiveGasPrice.Int())
	fmt.Fprintf(a.stdout, "status    %s\nblock     %d\ngas used  %d\nfee       %s ether\n",
		status, uint64(r.BlockNumber), uint64(r.GasUsed), units.FormatEther(fee))
	if r.ContractAddress != nil {
		fmt.Fprintf(a.stdout, "contract  %s\n", r.ContractAddress.Hex())
	}
	return err
}

func (a *app) sendCommand() *cli.Command {
	flags := append([]cli.Flag{
		&cli.StringFlag{Name: "to", Usage: "recipient `ADDR`ess"},
		&cli.StringFlag{Name: "value", Usage: `amount: "1.5ether", "20gwei", "1000wei"; a bare number is ether`},
		&cli.StringFlag{Name: "data", Usage: "call data as 0x `HEX`"},
	}, txFlags()...)
	return &cli.Command{
		Name:  "send",
		Usage: "send value (and optional data) from a keystore account",
		Flags: append(flags, waitFlags()...),
		Action: func(c *cli.Context) error {
			if _, err := positional(c, 0, 0, ""); err != nil {
				return err
			}
			req, err := parseTxFlags(c)
			if err != nil {
				return err
			}
			if c.String("to") == "" {
				return usagef("--to is required (deploy contracts with quarry contract deploy)")
			}
			to, err := parseAddress("--to", c.String("to"))
			if err != nil {
				return err
			}
			req.to = &to
			if c.String("value") == "" {
				return usagef("--value is required")
			}
			if req.value, err = parseValue("--value", c.String("value")); err != nil {
				return err
			}
			if s := c.String("data"); s != "" {
				if req.data, err = parseHex("--data", s); err != nil {
					return err
				}
			}
			if req.gas == 0 && len(req.data) == 0 {
				// A plain transfer costs exactly this; an account with code
				// would need --gas, as in other wallets that skip estimates.
				req.gas = types.TxGas
			}
			return a.printSent(a.submit(c, req, false))
		},
	}
}

func (a *app) signCommand() *cli.Command {
	flags := append([]cli.Flag{
		&cli.StringFlag{Name: "to", Usage: "recipient `ADDR`ess (omit to create a contract with --data)"},
		&cli.StringFlag{Name: "value", Value: "0", Usage: `amount: "1.5ether", "20gwei", "1000wei"; a bare number is ether`},
		&cli.StringFlag{Name: "data", Usage: "call data or creation code as 0x `HEX`"},
	}, txFlags()...)
	return &cli.Command{
		Name: "sign",
		Usage: "sign a transaction and print it as raw hex without sending it " +
			"(offline when --chain-id and --nonce are given)",
		Flags: flags,
		Action: func(c *cli.Context) error {
			if _, err := positional(c, 0, 0, ""); err != nil {
				return err
			}
			req, err := parseTxFlags(c)
			if err != nil {
				return err
			}
			if s := c.String("to"); s != "" {
				to, err := parseAddress("--to", s)
				if err != nil {
					return err
				}
				req.to = &to
			}
			if req.value, err = parseValue("--value", c.String("value")); err != nil {
				return err
			}
			if s := c.String("data"); s != "" {
				if req.data, err = parseHex("--data", s); err != nil {
					return err
				}
			}
			if req.to == nil && len(req.data) == 0 {
				return usagef("give --to, or --data with creation code")
			}
			if req.gas == 0 && req.to != nil && len(req.data) == 0 {
				req.gas = types.TxGas
			}
			if req.chainID != nil && req.nonce != nil {
				// Offline: nothing more may come from a node.
				if req.gasPrice == nil {
					req.gasPrice = uint256.NewInt(defaultOfflineGasPrice)
				}
				if req.gas == 0 {
					return usagef("--gas is required to sign a transaction with data offline")
				}
			} else if err := a.fill(ctxOf(c), &req); err != nil {
				return err
			}
			tx, err := a.sign(req)
			if err != nil {
				return err
			}
			raw := "0x" + hex.EncodeToString(tx.Encode())
			if a.json {
				return a.printJSON(struct {
					Raw string `json:"raw"`
					decodedTx
				}{raw, describeTx(tx)})
			}
			_, err = fmt.Fprintln(a.stdout, raw)
			return err
		},
	}
}
