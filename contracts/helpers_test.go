package contracts_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/contracts"
	"github.com/quarry-chain/quarry/vm"
)

// gasLimit is generous: these tests check behaviour, not gas.
const gasLimit = 10_000_000

var (
	alice = types.Address{0xa1}
	bob   = types.Address{0xb0}
	carol = types.Address{0xc0}
)

// chain is a tiny stand-in for the real chain: a state, a nonce per
// sender, and one VM per transaction, as the chain will use it.
type chain struct {
	t     *testing.T
	state *vm.MemState
	logs  []types.Log // logs of the last transaction
}

func newChain(t *testing.T) *chain {
	t.Helper()
	c := &chain{t: t, state: vm.NewMemState()}
	for _, a := range []types.Address{alice, bob, carol} {
		c.state.SetBalance(a, uint256.NewInt(1_000_000))
	}
	return c
}

func (c *chain) vm(origin types.Address) *vm.VM {
	return vm.New(vm.Config{State: c.state, Context: vm.Context{
		Number: 7, Time: 1_700_000_000, ChainID: 1337, GasLimit: 30_000_000, Origin: origin,
	}})
}

// deploy creates the named contract from sender with the given
// constructor argument words and value, and returns its address.
func (c *chain) deploy(sender types.Address, name string, value uint64, args ...[]byte) (types.Address, error) {
	c.t.Helper()
	code, err := contracts.CreationCode(name)
	if err != nil {
		c.t.Fatal(err)
	}
	nonce := c.state.Nonce(sender)
	c.state.SetNonce(sender, nonce+1) // the chain bumps the sender's nonce
	addr := types.ContractAddress(sender, nonce)
	v := c.vm(sender)
	_, _, err = v.Create(sender, append(code, bytes.Join(args, nil)...), gasLimit, uint256.NewInt(value), addr)
	c.logs = v.Logs()
	return addr, err
}

func (c *chain) mustDeploy(sender types.Address, name string, value uint64, args ...[]byte) types.Address {
	c.t.Helper()
	addr, err := c.deploy(sender, name, value, args...)
	if err != nil {
		c.t.Fatalf("deploy %s: %v", name, err)
	}
	return addr
}

// call sends a transaction calling sig with args.
func (c *chain) call(from, to types.Address, value uint64, sig string, args ...[]byte) ([]byte, error) {
	c.t.Helper()
	v := c.vm(from)
	ret, _, err := v.Call(from, to, calldata(sig, args...), gasLimit, uint256.NewInt(value))
	c.logs = v.Logs()
	return ret, err
}

func (c *chain) mustCall(from, to types.Address, sig string, args ...[]byte) []byte {
	c.t.Helper()
	ret, err := c.call(from, to, 0, sig, args...)
	if err != nil {
		c.t.Fatalf("%s: %v", sig, err)
	}
	return ret
}

// view runs a read-only call, as eth_call does.
func (c *chain) view(to types.Address, sig string, args ...[]byte) []byte {
	c.t.Helper()
	ret, _, err := c.vm(alice).StaticCall(alice, to, calldata(sig, args...), gasLimit)
	if err != nil {
		c.t.Fatalf("%s: %v", sig, err)
	}
	return ret
}

func (c *chain) balance(a types.Address) uint64 {
	b := c.state.Balance(a)
	return b.Uint64()
}

// calldata is the ABI encoding of a call: selector, then 32-byte words.
func calldata(sig string, args ...[]byte) []byte {
	sel := types.Keccak256([]byte(sig))
	return append(sel[:4:4], bytes.Join(args, nil)...)
}

func word(v uint64) []byte { return uint256.NewInt(v).PaddedBytes(32) }

func addr(a types.Address) []byte { return types.BytesToHash(a[:]).Bytes() }

func topic(sig string) types.Hash { return types.Keccak256([]byte(sig)) }

func addrTopic(a types.Address) types.Hash { return types.BytesToHash(a[:]) }

func wantWord(t *testing.T, got []byte, want uint64) {
	t.Helper()
	if !bytes.Equal(got, word(want)) {
		t.Fatalf("got %x, want the word %d", got, want)
	}
}

func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error %v, want %v", err, want)
	}
}

// abiString decodes an ABI-encoded string return value.
func abiString(t *testing.T, ret []byte) string {
	t.Helper()
	if len(ret) < 64 || !bytes.Equal(ret[:32], word(32)) {
		t.Fatalf("not an ABI string: %x", ret)
	}
	n := new(uint256.Int).SetBytes(ret[32:64]).Uint64()
	if uint64(len(ret)) < 64+n || len(ret)%32 != 0 {
		t.Fatalf("bad ABI string length %d in %d bytes", n, len(ret))
	}
	return string(ret[64 : 64+n])
}

func word256(v uint64) *uint256.Int { return uint256.NewInt(v) }

func isRevert(err error) bool { return errors.Is(err, vm.ErrExecutionReverted) }
