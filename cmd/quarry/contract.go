package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/quarry-chain/quarry/rpc/hexutil"
	"github.com/quarry-chain/quarry/vm/asm"
	"github.com/quarry-chain/quarry/wallet/abi"
	"github.com/quarry-chain/quarry/wallet/rpcclient"
)

func (a *app) contractCommand() *cli.Command {
	return &cli.Command{
		Name:  "contract",
		Usage: "assemble, deploy and call contracts",
		Subcommands: []*cli.Command{
			{
				Name:      "asm",
				Usage:     "assemble a .qasm file and print its creation code as hex",
				ArgsUsage: "FILE",
				Action:    a.contractAsm,
			},
			{
				Name:      "disasm",
				Usage:     "disassemble code given as hex or in a file (hex text or binary)",
				ArgsUsage: "HEX|FILE",
				Action:    a.contractDisasm,
			},
			{
				Name:      "deploy",
				Usage:     "deploy creation code (a .qasm file, a file of hex, or hex) and wait for its address",
				ArgsUsage: "FILE|HEX",
				Flags: append(append([]cli.Flag{
					&cli.StringFlag{Name: "args", Usage: `constructor arguments, "uint256:1000,address:0x.."`},
					&cli.StringFlag{Name: "value", Value: "0", Usage: "value to send to the constructor"},
				}, txFlags()...), waitFlags()[1:]...),
				Action: a.contractDeploy,
			},
			{
				Name:      "call",
				Usage:     `call a function without a transaction (eth_call), e.g. call ADDR "balanceOf(address)" 0x..`,
				ArgsUsage: "ADDR SIG [ARGS...]",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "returns", Usage: `result types to decode, e.g. "uint256" or "(uint256,bool)"`},
					&cli.StringFlag{Name: "from", Usage: "caller `ADDR`ess"},
					&cli.StringFlag{Name: "value", Value: "0", Usage: "value to send with the call"},
					&cli.StringFlag{Name: "block", Value: "latest", Usage: "block `N` or tag"},
				},
				Action: a.contractCall,
			},
			{
				Name:      "send",
				Usage:     "call a function in a signed transaction",
				ArgsUsage: "ADDR SIG [ARGS...]",
				Flags: append(append([]cli.Flag{
					&cli.StringFlag{Name: "value", Value: "0", Usage: "value to send with the call"},
				}, txFlags()...), waitFlags()...),
				Action: a.contractSend,
			},
		},
	}
}

// assembleFile reads and assembles a .qasm file.
func (a *app) assembleFile(path string) ([]byte, error) {
	src, err := a.readArgFile("source", path)
	if err != nil {
		return nil, err
	}
	code, err := asm.Assemble(string(src))
	if err != nil {
		return nil, usagef("%s: %w", path, err)
	}
	return code, nil
}

func (a *app) contractAsm(c *cli.Context) error {
	args, err := positional(c, 1, 1, "FILE")
	if err != nil {
		return err
	}
	code, err := a.assembleFile(args[0])
	if err != nil {
		return err
	}
	if a.json {
		return a.printJSON(struct {
			Code hexutil.Bytes `json:"code"`
			Size int           `json:"size"`
		}{code, len(code)})
	}
	_, err = fmt.Fprintf(a.stdout, "0x%x\n", code)
	return err
}

// loadCode reads code given as hex, a file of hex text, a binary file or
// (with .qasm) a source file to assemble.
func (a *app) loadCode(arg string) ([]byte, error) {
	if strings.EqualFold(filepath.Ext(arg), ".qasm") {
		return a.assembleFile(arg)
	}
	if strings.HasPrefix(arg, "0x") || strings.HasPrefix(arg, "0X") {
		return parseHex("code", arg)
	}
	if _, err := os.Stat(arg); err != nil && arg != "-" {
		if _, hexErr := hex.DecodeString(arg); hexErr == nil {
			return parseHex("code", arg)
		}
		return nil, usagef("code: %q is neither hex nor a readable file: %w", arg, err)
	}
	b, err := a.readArgFile("code", arg)
	if err != nil {
		return nil, err
	}
	text := strings.TrimSpace(string(b))
	if code, err := parseHex("code", text); err == nil {
		return code, nil
	}
	return b, nil // a binary file
}

func (a *app) contractDisasm(c *cli.Context) error {
	args, err := positional(c, 1, 1, "HEX|FILE")
	if err != nil {
		return err
	}
	code, err := a.loadCode(args[0])
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(a.stdout, asm.Disassemble(code))
	return err
}

func (a *app) contractDeploy(c *cli.Context) error {
	args, err := positional(c, 1, 1, "FILE|HEX")
	if err != nil {
		return err
	}
	req, err := parseTxFlags(c)
	if err != nil {
		return err
	}
	if req.value, err = parseValue("--value", c.String("value")); err != nil {
		return err
	}
	code, err := a.loadCode(args[0])
	if err != nil {
		return err
	}
	if len(code) == 0 {
		return usagef("code: empty")
	}
	ctorArgs, err := abi.ParseTypedArgs(c.String("args"))
	if err != nil {
		return usagef("--args: %w", err)
	}
	// Constructor arguments follow the creation code, as ethers'
	// ContractFactory sends them.
	req.data = append(code, abi.Encode(ctorArgs)...)
	out, err := a.submit(c, req, true)
	if err != nil {
		err = explainRevert(err)
	}
	return a.printSent(out, err)
}

// callData parses ADDR SIG ARGS... into the target and the call data.
func callData(args []string) (to string, m abi.Method, data []byte, err error) {
	m, err = abi.ParseSignature(args[1])
	if err != nil {
		return "", abi.Method{}, nil, usagef("SIG: %w", err)
	}
	data, err = m.EncodeCall(args[2:])
	if err != nil {
		return "", abi.Method{}, nil, usagef("%s: %w", m.Signature(), err)
	}
	return args[0], m, data, nil
}

func (a *app) contractCall(c *cli.Context) error {
	args, err := positional(c, 2, -1, "ADDR SIG [ARGS...]")
	if err != nil {
		return err
	}
	toArg, m, data, err := callData(args)
	if err != nil {
		return err
	}
	to, err := parseAddress("ADDR", toArg)
	if err != nil {
		return err
	}
	outTypes := m.Outputs
	if s := c.String("returns"); s != "" {
		if outTypes, err = abi.ParseTypes(s); err != nil {
			return usagef("--returns: %w", err)
		}
	}
	msg := rpcclient.CallMsg{To: &to, Data: data}
	if s := c.String("from"); s != "" {
		from, err := parseAddress("--from", s)
		if err != nil {
			return err
		}
		msg.From = &from
	}
	value, err := parseValue("--value", c.String("value"))
	if err != nil {
		return err
	}
	if !value.IsZero() {
		msg.Value = (*hexutil.U256)(value)
	}
	block, err := a.blockTag(c.String("block"))
	if err != nil {
		return err
	}
	client, err := a.rpc()
	if err != nil {
		return err
	}
	ret, err := client.CallContract(ctxOf(c), msg, block)
	if err != nil {
		return explainRevert(err)
	}
	if len(outTypes) == 0 {
		if a.json {
			return a.printJSON(struct {
				Raw hexutil.Bytes `json:"raw"`
			}{ret})
		}
		_, err = fmt.Fprintf(a.stdout, "0x%x\n", ret)
		return err
	}
	vals, err := abi.Decode(outTypes, ret)
	if err != nil {
		return fmt.Errorf("result 0x%x: %w", ret, err)
	}
	if a.json {
		return a.printJSON(struct {
			Result []abi.Value   `json:"result"`
			Raw    hexutil.Bytes `json:"raw"`
		}{vals, ret})
	}
	for _, v := range vals {
		fmt.Fprintln(a.stdout, v.String())
	}
	return nil
}

func (a *app) contractSend(c *cli.Context) error {
	args, err := positional(c, 2, -1, "ADDR SIG [ARGS...]")
	if err != nil {
		return err
	}
	req, err := parseTxFlags(c)
	if err != nil {
		return err
	}
	toArg, _, data, err := callData(args)
	if err != nil {
		return err
	}
	to, err := parseAddress("ADDR", toArg)
	if err != nil {
		return err
	}
	req.to, req.data = &to, data
	if req.value, err = parseValue("--value", c.String("value")); err != nil {
		return err
	}
	out, err := a.submit(c, req, false)
	if err != nil {
		err = explainRevert(err)
	}
	return a.printSent(out, err)
}

// explainRevert turns a node's revert into a transaction failure (exit 4)
// whose message carries the reason, decoding it from the revert data when
// the node's message does not include it.
func explainRevert(err error) error {
	var rerr *rpcclient.Error
	if !errors.As(err, &rerr) {
		return err
	}
	data, reverted := rerr.RevertData()
	if !reverted {
		return err
	}
	msg := rerr.Message
	if reason, ok := abi.DecodeRevert(data); ok && !strings.Contains(msg, reason) {
		msg += ": " + reason
	} else if !ok && len(data) > 0 {
		msg += fmt.Sprintf(" (data 0x%x)", data)
	}
	return txFailed(errors.New(msg))
}
