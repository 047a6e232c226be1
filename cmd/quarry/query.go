package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/wallet/units"
)

// errNotFound: the node knows no such transaction, receipt or block.
var errNotFound = errors.New("not found")

func (a *app) balanceCommand() *cli.Command {
	return &cli.Command{
		Name:      "balance",
		Usage:     "show an account's balance",
		ArgsUsage: "ADDR",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "block", Value: "latest", Usage: "block `N`, hash or tag"},
			&cli.BoolFlag{Name: "wei", Usage: "print the balance in wei"},
		},
		Action: func(c *cli.Context) error {
			args, err := positional(c, 1, 1, "ADDR")
			if err != nil {
				return err
			}
			addr, err := parseAddress("ADDR", args[0])
			if err != nil {
				return err
			}
			block, err := a.blockTag(c.String("block"))
			if err != nil {
				return err
			}
			client, err := a.rpc()
			if err != nil {
				return err
			}
			bal, err := client.Balance(ctxOf(c), addr, block)
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(struct {
					Address types.Address `json:"address"`
					Wei     string        `json:"wei"`
					Ether   string        `json:"ether"`
				}{addr, bal.Dec(), units.FormatEther(bal)})
			}
			if c.Bool("wei") {
				_, err = fmt.Fprintln(a.stdout, bal.Dec())
			} else {
				_, err = fmt.Fprintf(a.stdout, "%s ether\n", units.FormatEther(bal))
			}
			return err
		},
	}
}

// blockTag turns a --block value into an eth_ block parameter (numbers
// and tags; the state methods take no hashes here).
func (a *app) blockTag(s string) (string, error) {
	ref, err := parseBlockRef("--block", s)
	if err != nil {
		return "", err
	}
	if ref.hash != nil {
		return "", usagef("--block: give a number or tag, not a hash")
	}
	return ref.tag, nil
}

func (a *app) nonceCommand() *cli.Command {
	return &cli.Command{
		Name:      "nonce",
		Usage:     "show an account's transaction count (the next nonce)",
		ArgsUsage: "ADDR",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "pending", Usage: "count transactions in the node's pool too"},
		},
		Action: func(c *cli.Context) error {
			args, err := positional(c, 1, 1, "ADDR")
			if err != nil {
				return err
			}
			addr, err := parseAddress("ADDR", args[0])
			if err != nil {
				return err
			}
			client, err := a.rpc()
			if err != nil {
				return err
			}
			tag := "latest"
			if c.Bool("pending") {
				tag = "pending"
			}
			n, err := client.Nonce(ctxOf(c), addr, tag)
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(struct {
					Address types.Address `json:"address"`
					Nonce   uint64        `json:"nonce"`
					Block   string        `json:"block"`
				}{addr, n, tag})
			}
			_, err = fmt.Fprintln(a.stdout, n)
			return err
		},
	}
}

func (a *app) txCommand() *cli.Command {
	return &cli.Command{
		Name:      "tx",
		Usage:     "show a transaction by hash, or decode one (tx decode)",
		ArgsUsage: "HASH",
		Subcommands: []*cli.Command{{
			Name:      "decode",
			Usage:     "decode a raw signed transaction offline (- reads stdin)",
			ArgsUsage: "HEX",
			Action:    a.txDecode,
		}},
		Action: func(c *cli.Context) error {
			return a.showByHash(c, "eth_getTransactionByHash", "transaction %s: %w")
		},
	}
}

// showByHash prints the object method returns for the HASH argument;
// notFound formats the error for a null answer from the hash and
// errNotFound.
func (a *app) showByHash(c *cli.Context, method, notFound string) error {
	args, err := positional(c, 1, 1, "HASH")
	if err != nil {
		return err
	}
	h, err := parseHash("HASH", args[0])
	if err != nil {
		return err
	}
	client, err := a.rpc()
	if err != nil {
		return err
	}
	raw, err := client.RawObject(ctxOf(c), method, h)
	if err != nil {
		return err
	}
	if raw == nil {
		return fmt.Errorf(notFound, h, errNotFound)
	}
	return a.printRaw(raw)
}

func (a *app) receiptCommand() *cli.Command {
	return &cli.Command{
		Name:      "receipt",
		Usage:     "show a mined transaction's receipt",
		ArgsUsage: "HASH",
		Action: func(c *cli.Context) error {
			return a.showByHash(c, "eth_getTransactionReceipt", "receipt of %s: %w (unknown or still pending)")
		},
	}
}

func (a *app) blockCommand() *cli.Command {
	return &cli.Command{
		Name:      "block",
		Usage:     "show a block by number, hash or tag",
		ArgsUsage: "N|HASH|latest",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "full", Usage: "include whole transactions, not only their hashes"},
		},
		Action: func(c *cli.Context) error {
			args, err := positional(c, 0, 1, "[N|HASH|latest]")
			if err != nil {
				return err
			}
			arg := "latest"
			if len(args) == 1 {
				arg = args[0]
			}
			ref, err := parseBlockRef("block", arg)
			if err != nil {
				return err
			}
			client, err := a.rpc()
			if err != nil {
				return err
			}
			method, param := "eth_getBlockByNumber", any(ref.tag)
			if ref.hash != nil {
				method, param = "eth_getBlockByHash", *ref.hash
			}
			raw, err := client.RawObject(ctxOf(c), method, param, c.Bool("full"))
			if err != nil {
				return err
			}
			if raw == nil {
				return fmt.Errorf("block %s: %w", strings.TrimSpace(arg), errNotFound)
			}
			return a.printRaw(raw)
		},
	}
}
