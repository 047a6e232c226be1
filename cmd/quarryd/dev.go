package main

import (
	"encoding/hex"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/node"
	"github.com/quarry-chain/quarry/wallet"
)

// maxDevPeriod bounds --dev.period in seconds, well past the genesis limit
// on block times, so that the conversion to a duration cannot overflow
// and the genesis check gives the error.
const maxDevPeriod = 1 << 32

func devCommand() *cli.Command {
	return &cli.Command{
		Name:  "dev",
		Usage: "run a one-node development chain with funded test accounts",
		Description: `Runs a local chain in --datadir (default: ` + defaultDevDataDir() + `), mining with one
thread at the dev difficulty, JSON-RPC on 127.0.0.1:8545 and no network
unless --p2p.listen, --bootnodes, --mdns or --dht asks for one.

Its genesis funds the 10 accounts of the test mnemonic
"` + node.DevMnemonic + `" (m/44'/60'/0'/0/i, the
accounts of anvil and Hardhat) with 10,000 ether each. The chain persists
across restarts; --reset starts a new one. The keys are public: never use
them on a real network.`,
		Flags:  devFlags(),
		Before: applyConfigFile,
		Action: devAction,
	}
}

func devAction(c *cli.Context) error {
	if c.Args().Present() {
		return usagef("dev takes no arguments, got %q", c.Args().First())
	}
	if c.IsSet(flagGenesis) {
		return usagef("dev makes its own genesis; to run a genesis file use quarryd run --%s", flagGenesis)
	}
	log, err := newLogger(c, c.App.ErrWriter)
	if err != nil {
		return err
	}
	cfg, err := nodeConfig(c, log)
	if err != nil {
		return err
	}
	period := c.Uint64(flagDevPeriod)
	if period > maxDevPeriod {
		return usagef("--%s %d: too long", flagDevPeriod, period)
	}
	// The network is opt-in: a dev chain is private to this machine.
	if !c.IsSet(flagP2PListen) && !c.IsSet(flagBootnodes) && !c.IsSet(flagMDNS) && !c.IsSet(flagDHT) {
		cfg.NoP2P = true
	}
	cfg.Miner.WaitForTxs = period == 0

	if c.Bool(flagReset) {
		if err := node.ResetDataDir(cfg.DataDir); err != nil {
			return explain(err)
		}
		log.Info("dev chain reset", "datadir", cfg.DataDir)
	}
	g, created, err := node.OpenDevGenesis(cfg.DataDir, time.Now(), time.Duration(period)*time.Second)
	if err != nil {
		return err
	}
	if err := checkNetworkID(c, g); err != nil {
		return err
	}
	if !created && period > 0 && g.TargetBlockTimeMs != period*1000 {
		log.Warn("the dev chain keeps the block time it was created with; --reset to change it",
			"block_time", time.Duration(g.TargetBlockTimeMs)*time.Millisecond, "dev.period", period)
	}
	cfg.Genesis = g
	accts, err := node.DevAccounts()
	if err != nil {
		return err
	}
	return runNode(c, cfg, func(n *node.Node) error {
		return printDevBanner(c.App.Writer, n, g, accts, cfg, period)
	})
}

// printDevBanner prints what a developer needs to connect, as anvil does:
// chain id, RPC URL, accounts with keys and balances, the mnemonic.
func printDevBanner(w io.Writer, n *node.Node, g *params.Genesis, accts []wallet.Account, cfg node.Config, period uint64) error {
	balances := make([]*big.Int, len(accts))
	r, err := n.Chain().StateReader()
	if err != nil {
		return err
	}
	defer r.Release()
	for i, a := range accts {
		acct, _, err := r.Account(a.Address)
		if err != nil {
			return err
		}
		balances[i] = acct.Balance.ToBig()
	}

	var b strings.Builder
	rule := strings.Repeat("=", 18)
	fmt.Fprintf(&b, "\nQuarry dev chain %s\n\n", version)
	fmt.Fprintf(&b, "Available Accounts\n%s\n", rule)
	for i, a := range accts {
		fmt.Fprintf(&b, "(%d) %s (%s ETH)\n", i, a.Address.Hex(), formatEther(balances[i]))
	}
	fmt.Fprintf(&b, "\nPrivate Keys\n%s\n", rule)
	for i, a := range accts {
		fmt.Fprintf(&b, "(%d) 0x%s\n", i, hex.EncodeToString(a.PrivateKey.Serialize()))
	}
	fmt.Fprintf(&b, "\nWallet\n%s\n", rule)
	fmt.Fprintf(&b, "Mnemonic:          %s\n", node.DevMnemonic)
	fmt.Fprintf(&b, "Derivation path:   %s\n", strings.TrimSuffix(node.DevPath, "i")+"{i}")
	fmt.Fprintf(&b, "\nWARNING: these keys are public. Anyone can take what is sent to them\non any other network. Use them on this dev chain only.\n")
	fmt.Fprintf(&b, "\nChain\n%s\n", rule)
	fmt.Fprintf(&b, "Chain ID:          %d\n", g.ChainID)
	fmt.Fprintf(&b, "Genesis:           %s\n", n.Chain().GenesisHash())
	best := n.Chain().Best()
	fmt.Fprintf(&b, "Head:              %d (%s)\n", best.Height, best.Hash)
	if period == 0 {
		fmt.Fprintf(&b, "Mining:            when transactions wait (--dev.period 0)\n")
	} else {
		fmt.Fprintf(&b, "Block time:        %v (target)\n", time.Duration(g.TargetBlockTimeMs)*time.Millisecond)
	}
	if cfg.Miner.Coinbase.IsZero() {
		fmt.Fprintf(&b, "Coinbase:          %s (rewards are burnt; set --miner.coinbase)\n", cfg.Miner.Coinbase.Hex())
	} else {
		fmt.Fprintf(&b, "Coinbase:          %s\n", cfg.Miner.Coinbase.Hex())
	}
	fmt.Fprintf(&b, "Data directory:    %s (--reset starts over)\n", cfg.DataDir)
	if addr := n.RPCAddr(); addr != "" {
		fmt.Fprintf(&b, "\nListening on http://%s (WebSocket: ws://%s)\n", addr, addr)
	} else {
		fmt.Fprintf(&b, "\nJSON-RPC is off (--norpc)\n")
	}
	_, err = io.WriteString(w, b.String()+"\n")
	return err
}

// formatEther writes wei as ether without trailing zeros.
func formatEther(wei *big.Int) string {
	coin := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	whole, frac := new(big.Int).QuoRem(wei, coin, new(big.Int))
	if frac.Sign() == 0 {
		return whole.String()
	}
	f := fmt.Sprintf("%018s", frac.String())
	return whole.String() + "." + strings.TrimRight(f, "0")
}
