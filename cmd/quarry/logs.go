package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/wallet/abi"
	"github.com/quarry-chain/quarry/wallet/rpcclient"
)

func (a *app) logsCommand() *cli.Command {
	return &cli.Command{
		Name:  "logs",
		Usage: "list logs (events) matching a filter",
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "address", Usage: "emitting contract `ADDR`ess (repeat for any of several)"},
			&cli.StringSliceFlag{Name: "topic", Usage: "topic at the next position: a hash, an event signature " +
				`such as "Transfer(address,address,uint256)", an address (padded), or "" for any; ` +
				`alternatives separated by |`},
			&cli.StringFlag{Name: "from-block", Value: "earliest", Usage: "first block `N` or tag"},
			&cli.StringFlag{Name: "to-block", Value: "latest", Usage: "last block `N` or tag"},
		},
		Action: a.logs,
	}
}

// parseTopic reads one topic alternative.
func parseTopic(s string) (types.Hash, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.Contains(s, "("):
		m, err := abi.ParseSignature(s)
		if err != nil {
			return types.Hash{}, usagef("--topic: %w", err)
		}
		return m.EventTopic(), nil
	case len(s) == 42 || len(s) == 40:
		addr, err := parseAddress("--topic", s)
		if err != nil {
			return types.Hash{}, err
		}
		return types.BytesToHash(addr[:]), nil
	}
	return parseHash("--topic", s)
}

func (a *app) logs(c *cli.Context) error {
	if _, err := positional(c, 0, 0, ""); err != nil {
		return err
	}
	var q rpcclient.FilterQuery
	for _, s := range c.StringSlice("address") {
		addr, err := parseAddress("--address", s)
		if err != nil {
			return err
		}
		q.Addresses = append(q.Addresses, addr)
	}
	topics := c.StringSlice("topic")
	if len(topics) > types.MaxLogTopics {
		return usagef("--topic given %d times; logs have at most %d topics", len(topics), types.MaxLogTopics)
	}
	for _, t := range topics {
		var alts []types.Hash
		if s := strings.TrimSpace(t); s != "" && s != "*" {
			for _, alt := range strings.Split(s, "|") {
				h, err := parseTopic(alt)
				if err != nil {
					return err
				}
				alts = append(alts, h)
			}
		}
		q.Topics = append(q.Topics, alts)
	}
	var err error
	if q.FromBlock, err = a.blockTag(c.String("from-block")); err != nil {
		return err
	}
	if q.ToBlock, err = a.blockTag(c.String("to-block")); err != nil {
		return err
	}
	client, err := a.rpc()
	if err != nil {
		return err
	}
	logs, err := client.Logs(ctxOf(c), q)
	if err != nil {
		return err
	}
	if a.json {
		if logs == nil {
			logs = []rpcclient.Log{}
		}
		return a.printJSON(logs)
	}
	for _, l := range logs {
		fmt.Fprintf(a.stdout, "block %d  tx %s  log %d  address %s\n",
			uint64(l.BlockNumber), l.TransactionHash.Hex(), uint64(l.LogIndex), l.Address.Hex())
		for i, t := range l.Topics {
			fmt.Fprintf(a.stdout, "  topic%d  %s\n", i, t.Hex())
		}
		fmt.Fprintf(a.stdout, "  data    0x%x\n", []byte(l.Data))
	}
	return nil
}
