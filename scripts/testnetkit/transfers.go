package main

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"strings"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
	"github.com/quarry-chain/quarry/wallet"
)

// transferGas is a plain value transfer's gas (the intrinsic 21000).
const transferGas = 21_000

// transfer is one planned transaction: who signs it, where it goes, which
// node it is sent to.
type transfer struct {
	from  int // index into the test accounts
	to    types.Address
	node  int // index into the nodes
	nonce uint64
	typ   types.TxType
}

// planTransfers spreads transfers first to first+count-1 over the nodes.
// Each sender (test accounts 1 to 9; account 0 is left to the user) sends
// only through one node, so that its nonces come from one pool; types
// alternate between legacy and EIP-1559. Recipients are fresh addresses
// (recipient(i)), so their balances say exactly which transfers landed.
func planTransfers(first, count, nodes, accounts int) []transfer {
	senders := accounts - 1
	out := make([]transfer, count)
	for k := range out {
		i := first + k
		from := 1 + i%senders
		typ := types.LegacyTxType
		if i%2 == 1 {
			typ = types.DynamicFeeTxType
		}
		out[k] = transfer{from: from, to: recipient(i), node: (from - 1) % nodes, typ: typ}
	}
	return out
}

// recipient is the address transfer i pays: "testnet" and i, so that it is
// nobody's key.
func recipient(i int) types.Address {
	var a types.Address
	copy(a[:], "quarry-testnet")
	binary.BigEndian.PutUint32(a[16:], uint32(i))
	return a
}

func transfersCommand() command {
	return command{
		name: "transfers",
		args: "[NAME=]URL...",
		usage: "sign and send value transfers from the test accounts through the nodes\n" +
			"Prints each transaction's hash and the node it went to.",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			count := fs.Int("count", 18, "how many transfers")
			first := fs.Int("first", 0, "number of the first transfer (another batch to the same testnet starts where the last ended)")
			value := fs.Uint64("value", 1_000_000_000_000_000, "wei each transfer sends")
			return func(ctx context.Context, args []string) error {
				nodes, err := parseNodes(args)
				if err != nil {
					return err
				}
				if *count < 0 || *first < 0 || *first > math.MaxUint32-*count {
					return fmt.Errorf("%w: -first %d -count %d", errUsage, *first, *count)
				}
				accounts, err := testAccounts()
				if err != nil {
					return err
				}
				return sendTransfers(ctx, e, nodes, accounts, planTransfers(*first, *count, len(nodes), len(accounts)), uint256.NewInt(*value))
			}
		},
	}
}

func sendTransfers(ctx context.Context, e *env, nodes []node, accounts []wallet.Account, plan []transfer, value *uint256.Int) error {
	var chainID, price quantity
	if err := nodes[0].Call(ctx, &chainID, "eth_chainId"); err != nil {
		return err
	}
	if err := nodes[0].Call(ctx, &price, "eth_gasPrice"); err != nil {
		return err
	}
	signer := types.NewSigner(uint64(chainID))
	nonces := make(map[int]uint64)
	for i := range plan {
		t := &plan[i]
		n := nodes[t.node]
		nonce, ok := nonces[t.from]
		if !ok {
			var q quantity
			if err := n.Call(ctx, &q, "eth_getTransactionCount", accounts[t.from].Address, "pending"); err != nil {
				return err
			}
			nonce = uint64(q)
		}
		t.nonce, nonces[t.from] = nonce, nonce+1
		to := t.to
		tx := &types.Transaction{Type: t.typ, Nonce: t.nonce, Gas: transferGas, To: &to, Value: *value}
		if t.typ == types.LegacyTxType {
			tx.GasPrice.SetUint64(uint64(price))
		} else {
			tx.ChainID = uint64(chainID)
			tx.GasTipCap.SetUint64(uint64(price))
			tx.GasFeeCap.SetUint64(2 * uint64(price))
		}
		signed, err := signer.SignTx(tx, accounts[t.from].PrivateKey)
		if err != nil {
			return fmt.Errorf("transfer %d: %w", i, err)
		}
		var hash string
		if err := n.Call(ctx, &hash, "eth_sendRawTransaction", hexutil.Encode(signed.Encode())); err != nil {
			return fmt.Errorf("transfer %d (account %d nonce %d) to node %s: %w", i, t.from, t.nonce, n.name, err)
		}
		if want := signed.Hash().Hex(); !strings.EqualFold(hash, want) {
			return fmt.Errorf("transfer %d: node %s answered hash %s, want %s", i, n.name, hash, want)
		}
		fmt.Fprintf(e.stdout, "%s %s\n", hash, n.name)
	}
	return nil
}
