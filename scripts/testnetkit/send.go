package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
	"github.com/quarry-chain/quarry/wallet/units"
)

func sendCommand() command {
	return command{
		name: "send",
		args: "URL",
		usage: "sign one value transfer from a test account and send it to one node; prints its hash\n" +
			"With -nonce, a transaction that conflicts with another (a double spend) is made on purpose.",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			from := fs.Int("from", 1, "test `account` (0-9) that signs")
			to := fs.String("to", "", "recipient `address`")
			value := fs.String("value", "1000000000000000", "`amount` in wei, or with a unit (6000ether)")
			nonce := fs.Int64("nonce", -1, "the transaction's nonce (default: the node's pending nonce of the sender)")
			return func(ctx context.Context, args []string) error {
				if err := needArgs(args, 1); err != nil {
					return err
				}
				if len(args) > 1 {
					return fmt.Errorf("%w: one node only", errUsage)
				}
				accounts, err := testAccounts()
				if err != nil {
					return err
				}
				if *from < 0 || *from >= len(accounts) {
					return fmt.Errorf("%w: -from %d: want 0 to %d", errUsage, *from, len(accounts)-1)
				}
				recipient, err := types.ParseAddress(*to)
				if err != nil {
					return fmt.Errorf("%w: -to: %v", errUsage, err)
				}
				amount, err := units.ParseDefault(*value, 0)
				if err != nil {
					return fmt.Errorf("%w: -value: %v", errUsage, err)
				}
				n := newClient(args[0])
				var chainID, price quantity
				if err := n.Call(ctx, &chainID, "eth_chainId"); err != nil {
					return err
				}
				if err := n.Call(ctx, &price, "eth_gasPrice"); err != nil {
					return err
				}
				acct := accounts[*from]
				txNonce := uint64(*nonce)
				if *nonce < 0 {
					var q quantity
					if err := n.Call(ctx, &q, "eth_getTransactionCount", acct.Address, "pending"); err != nil {
						return err
					}
					txNonce = uint64(q)
				}
				tx := &types.Transaction{Type: types.LegacyTxType, ChainID: uint64(chainID), Nonce: txNonce, Gas: transferGas, To: &recipient, Value: *amount}
				tx.GasPrice.SetUint64(uint64(price))
				signed, err := types.NewSigner(uint64(chainID)).SignTx(tx, acct.PrivateKey)
				if err != nil {
					return err
				}
				var hash string
				if err := n.Call(ctx, &hash, "eth_sendRawTransaction", hexutil.Encode(signed.Encode())); err != nil {
					return err
				}
				if want := signed.Hash().Hex(); !strings.EqualFold(hash, want) {
					return fmt.Errorf("node answered hash %s, want %s", hash, want)
				}
				fmt.Fprintf(e.stdout, "%s %s %d\n", hash, acct.Address.Hex(), txNonce)
				return nil
			}
		},
	}
}
