package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

func (a *app) chainCommand() *cli.Command {
	return &cli.Command{
		Name:  "chain",
		Usage: "proof-of-work chain information",
		Subcommands: []*cli.Command{{
			Name:   "tips",
			Usage:  "list the tips of the best chain and of side branches, with their work",
			Action: a.chainTips,
		}},
	}
}

type chainTip struct {
	Hash      types.Hash     `json:"hash"`
	Height    hexutil.Uint64 `json:"height"`
	TotalWork string         `json:"totalWork"`
	BranchLen hexutil.Uint64 `json:"branchLen"`
	Status    string         `json:"status"`
}

func (a *app) chainTips(c *cli.Context) error {
	if _, err := positional(c, 0, 0, ""); err != nil {
		return err
	}
	client, err := a.rpc()
	if err != nil {
		return err
	}
	var tips []chainTip
	if err := client.Call(ctxOf(c), &tips, "quarry_chainTips"); err != nil {
		return err
	}
	if a.json {
		if tips == nil {
			tips = []chainTip{}
		}
		return a.printJSON(tips)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "HEIGHT\tHASH\tBRANCH\tSTATUS\tTOTAL WORK")
	for _, t := range tips {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\n", uint64(t.Height), t.Hash.Hex(), uint64(t.BranchLen), t.Status, hexToDec(t.TotalWork))
	}
	return tw.Flush()
}

func hexToDec(s string) string {
	v, err := hexutil.DecodeU256(s)
	if err != nil {
		return s
	}
	return v.Dec()
}

type peer struct {
	ID      string         `json:"id"`
	Addrs   []string       `json:"addrs"`
	Inbound bool           `json:"inbound"`
	Agent   string         `json:"agent"`
	Height  hexutil.Uint64 `json:"height"`
	Head    types.Hash     `json:"head"`
}

func (a *app) peersCommand() *cli.Command {
	return &cli.Command{
		Name:  "peers",
		Usage: "list the node's peers (admin_peers)",
		Action: func(c *cli.Context) error {
			if _, err := positional(c, 0, 0, ""); err != nil {
				return err
			}
			client, err := a.rpc()
			if err != nil {
				return err
			}
			var peers []peer
			if err := client.Call(ctxOf(c), &peers, "admin_peers"); err != nil {
				return err
			}
			if a.json {
				if peers == nil {
					peers = []peer{}
				}
				return a.printJSON(peers)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tDIRECTION\tHEIGHT\tAGENT\tADDRESS")
			for _, p := range peers {
				dir, addr := "outbound", ""
				if p.Inbound {
					dir = "inbound"
				}
				if len(p.Addrs) > 0 {
					addr = p.Addrs[0]
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", p.ID, dir, uint64(p.Height), p.Agent, addr)
			}
			return tw.Flush()
		},
	}
}

func (a *app) mineCommand() *cli.Command {
	return &cli.Command{
		Name:  "mine",
		Usage: "control the node's miner (miner_ methods)",
		Subcommands: []*cli.Command{
			{
				Name:  "start",
				Usage: "start mining",
				Flags: []cli.Flag{&cli.StringFlag{Name: "threads", Usage: "search threads (default: the node's setting)"}},
				Action: func(c *cli.Context) error {
					if _, err := positional(c, 0, 0, ""); err != nil {
						return err
					}
					var params []any
					if s := c.String("threads"); s != "" {
						n, err := parseUint("--threads", s)
						if err != nil {
							return err
						}
						params = append(params, hexutil.EncodeUint64(n))
					}
					return a.minerCall(c, "miner_start", params...)
				},
			},
			{
				Name:  "stop",
				Usage: "stop mining",
				Action: func(c *cli.Context) error {
					if _, err := positional(c, 0, 0, ""); err != nil {
						return err
					}
					return a.minerCall(c, "miner_stop")
				},
			},
			{
				Name:      "threads",
				Usage:     "set the number of search threads",
				ArgsUsage: "N",
				Action: func(c *cli.Context) error {
					args, err := positional(c, 1, 1, "N")
					if err != nil {
						return err
					}
					n, err := parseUint("N", args[0])
					if err != nil {
						return err
					}
					return a.minerCall(c, "miner_setThreads", hexutil.EncodeUint64(n))
				},
			},
		},
	}
}

func (a *app) minerCall(c *cli.Context, method string, params ...any) error {
	client, err := a.rpc()
	if err != nil {
		return err
	}
	var res json.RawMessage
	if err := client.Call(ctxOf(c), &res, method, params...); err != nil {
		return err
	}
	if a.json {
		if len(res) == 0 {
			res = json.RawMessage("null")
		}
		return a.printJSON(struct {
			Method string          `json:"method"`
			Result json.RawMessage `json:"result"`
		}{method, res})
	}
	_, err = fmt.Fprintln(a.stdout, "ok")
	return err
}
