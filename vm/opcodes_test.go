package vm

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// Fixed environment of the per-opcode tests.
var (
	testAddress  = types.Address{0xaa}
	testCaller   = types.Address{0xcc}
	testOrigin   = types.Address{0x0f}
	testCoinbase = types.Address{0xcb}
	testOther    = types.Address{0x55}
)

const testGas = 100000

// w parses a test word: "0x.." hex, "-n" two's complement, "max", or
// decimal.
func w(s string) uint256.Int {
	var z uint256.Int
	switch {
	case s == "max":
		z.SetAllOne()
	case strings.HasPrefix(s, "0x"):
		b, ok := new(big.Int).SetString(s[2:], 16)
		if !ok {
			panic("bad hex word " + s)
		}
		z.SetFromBig(b)
	case strings.HasPrefix(s, "-"):
		z = w(s[1:])
		z.Neg(&z)
	default:
		b, ok := new(big.Int).SetString(s, 10)
		if !ok {
			panic("bad word " + s)
		}
		z.SetFromBig(b)
	}
	return z
}

func words(ss ...string) []uint256.Int {
	out := make([]uint256.Int, len(ss))
	for i, s := range ss {
		out[i] = w(s)
	}
	return out
}

// opCase runs code with a preloaded stack (bottom first) and checks the
// stack after (bottom first) and the gas used.
type opCase struct {
	name string
	code []byte
	in   []uint256.Int
	out  []uint256.Int
	gas  uint64
	err  error
}

func testVM() (*VM, *MemState) {
	st := NewMemState()
	st.SetBalance(testOther, uint256.NewInt(55))
	st.SetBalance(testAddress, uint256.NewInt(77))
	st.SetCode(testOther, []byte{1, 2, 3})
	st.SetStorage(testAddress, types.BytesToHash([]byte{1}), types.BytesToHash([]byte{42}))
	st.SetStorage(testAddress, types.BytesToHash([]byte{3}), types.BytesToHash([]byte{7}))
	v := New(Config{State: st, Context: Context{
		Number: 100, Time: 1234, Coinbase: testCoinbase, ChainID: 1337, GasLimit: 30_000_000,
		Origin: testOrigin, GasPrice: *uint256.NewInt(7),
	}})
	return v, st
}

func runCase(t *testing.T, tc opCase) *frame {
	t.Helper()
	v, _ := testVM()
	f := v.frame(1, testAddress, testCaller, uint256.NewInt(9), []byte{0xde, 0xad, 0xbe, 0xef}, tc.code, analyse(tc.code), testGas, false)
	f.returnData = []byte{1, 2, 3}
	for _, x := range tc.in {
		f.stack[f.sp] = x
		f.sp++
	}
	err := f.run()
	if !errors.Is(err, tc.err) || (tc.err == nil && err != nil) {
		t.Fatalf("error %v, want %v", err, tc.err)
	}
	if tc.err != nil {
		return f
	}
	got := f.stack[:f.sp]
	if len(got) != len(tc.out) {
		t.Fatalf("stack %v, want %v", got, tc.out)
	}
	for i := range got {
		if got[i] != tc.out[i] {
			t.Fatalf("stack[%d] = %s, want %s", i, got[i].Hex(), tc.out[i].Hex())
		}
	}
	if used := testGas - f.gas; used != tc.gas {
		t.Fatalf("gas used %d, want %d", used, tc.gas)
	}
	return f
}

func op(ops ...Opcode) []byte {
	b := make([]byte, len(ops))
	for i, o := range ops {
		b[i] = byte(o)
	}
	return b
}

func addrWord(a types.Address) string { return "0x" + fmt.Sprintf("%x", a[:]) }

func opCases() []opCase {
	c := func(name string, code []byte, in, out []uint256.Int, gas uint64) opCase {
		return opCase{name: name, code: code, in: in, out: out, gas: gas}
	}
	e := func(name string, code []byte, in []uint256.Int, err error) opCase {
		return opCase{name: name, code: code, in: in, err: err}
	}
	keccakEmpty := "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
	cases := []opCase{
		c("STOP", op(STOP), words("1"), words("1"), 0),
		c("ADD", op(ADD), words("2", "3"), words("5"), 3),
		c("ADD/wrap", op(ADD), words("max", "1"), words("0"), 3),
		c("SUB", op(SUB), words("3", "10"), words("7"), 3),
		c("SUB/negative", op(SUB), words("10", "3"), words("-7"), 3),
		c("MUL", op(MUL), words("3", "4"), words("12"), 5),
		c("MUL/wrap", op(MUL), words("2", "0x8000000000000000000000000000000000000000000000000000000000000000"), words("0"), 5),
		c("DIV", op(DIV), words("3", "10"), words("3"), 5),
		c("DIV/zero", op(DIV), words("0", "10"), words("0"), 5),
		c("SDIV", op(SDIV), words("-2", "10"), words("-5"), 5),
		c("SDIV/zero", op(SDIV), words("0", "-4"), words("0"), 5),
		c("SDIV/min", op(SDIV), words("-1", "0x8000000000000000000000000000000000000000000000000000000000000000"), words("0x8000000000000000000000000000000000000000000000000000000000000000"), 5),
		c("MOD", op(MOD), words("3", "10"), words("1"), 5),
		c("MOD/zero", op(MOD), words("0", "10"), words("0"), 5),
		c("SMOD", op(SMOD), words("3", "-10"), words("-1"), 5),
		c("SMOD/zero", op(SMOD), words("0", "-10"), words("0"), 5),
		c("ADDMOD", op(ADDMOD), words("7", "5", "4"), words("2"), 8),
		c("ADDMOD/wide", op(ADDMOD), words("7", "max", "max"), words("2"), 8),
		c("ADDMOD/zero", op(ADDMOD), words("0", "5", "4"), words("0"), 8),
		c("MULMOD", op(MULMOD), words("7", "5", "4"), words("6"), 8),
		c("MULMOD/wide", op(MULMOD), words("7", "max", "max"), words("1"), 8),
		c("MULMOD/zero", op(MULMOD), words("0", "5", "4"), words("0"), 8),
		c("EXP", op(EXP), words("3", "2"), words("8"), 10+50),
		c("EXP/zero exponent", op(EXP), words("0", "5"), words("1"), 10),
		c("EXP/two-byte exponent", op(EXP), words("256", "2"), words("0"), 10+2*50),
		c("EXP/wide exponent", op(EXP), words("max", "1"), words("1"), 10+32*50),
		c("SIGNEXTEND", op(SIGNEXTEND), words("0xff", "0"), words("max"), 5),
		c("SIGNEXTEND/positive", op(SIGNEXTEND), words("0x7f", "0"), words("0x7f"), 5),
		c("SIGNEXTEND/wide", op(SIGNEXTEND), words("0xff", "31"), words("0xff"), 5),
		c("LT", op(LT), words("5", "3"), words("1"), 3),
		c("GT", op(GT), words("5", "3"), words("0"), 3),
		c("SLT", op(SLT), words("1", "-1"), words("1"), 3),
		c("SGT", op(SGT), words("1", "-1"), words("0"), 3),
		c("EQ", op(EQ), words("4", "4"), words("1"), 3),
		c("EQ/differ", op(EQ), words("4", "5"), words("0"), 3),
		c("ISZERO", op(ISZERO), words("0"), words("1"), 3),
		c("ISZERO/not", op(ISZERO), words("7"), words("0"), 3),
		c("AND", op(AND), words("0xf0", "0x3c"), words("0x30"), 3),
		c("OR", op(OR), words("0xf0", "0x3c"), words("0xfc"), 3),
		c("XOR", op(XOR), words("0xf0", "0x3c"), words("0xcc"), 3),
		c("NOT", op(NOT), words("0"), words("max"), 3),
		c("BYTE", op(BYTE), words("0xabcd", "30"), words("0xab"), 3),
		c("BYTE/out of range", op(BYTE), words("0xabcd", "32"), words("0"), 3),
		c("SHL", op(SHL), words("1", "4"), words("16"), 3),
		c("SHL/all", op(SHL), words("1", "256"), words("0"), 3),
		c("SHR", op(SHR), words("16", "4"), words("1"), 3),
		c("SHR/all", op(SHR), words("max", "0x10000000000000000000"), words("0"), 3),
		c("SAR", op(SAR), words("-16", "2"), words("-4"), 3),
		c("SAR/negative all", op(SAR), words("-1", "300"), words("max"), 3),
		c("SAR/positive all", op(SAR), words("16", "300"), words("0"), 3),
		c("KECCAK256/empty", op(KECCAK256), words("0", "0"), words(keccakEmpty), 30),
		c("KECCAK256/one word", op(KECCAK256), words("32", "0"), words("0x290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e563"), 30+6+3),

		c("ADDRESS", op(ADDRESS), nil, words(addrWord(testAddress)), 2),
		c("BALANCE", op(BALANCE), words(addrWord(testOther)), words("55"), 400),
		c("BALANCE/none", op(BALANCE), words("0x1234"), words("0"), 400),
		c("SELFBALANCE", op(SELFBALANCE), nil, words("77"), 5),
		c("ORIGIN", op(ORIGIN), nil, words(addrWord(testOrigin)), 2),
		c("CALLER", op(CALLER), nil, words(addrWord(testCaller)), 2),
		c("CALLVALUE", op(CALLVALUE), nil, words("9"), 2),
		c("GASPRICE", op(GASPRICE), nil, words("7"), 2),
		c("GAS", op(GAS), nil, words(fmt.Sprint(testGas-2)), 2),
		c("CALLDATALOAD", op(CALLDATALOAD), words("0"), words("0xdeadbeef00000000000000000000000000000000000000000000000000000000"), 3),
		c("CALLDATALOAD/offset", op(CALLDATALOAD), words("3"), words("0xef00000000000000000000000000000000000000000000000000000000000000"), 3),
		c("CALLDATALOAD/beyond", op(CALLDATALOAD), words("0x10000000000000000"), words("0"), 3),
		c("CALLDATASIZE", op(CALLDATASIZE), nil, words("4"), 2),
		c("CALLDATACOPY", op(CALLDATACOPY), words("4", "0", "0"), nil, 3+3+3),
		c("CALLDATACOPY/empty", op(CALLDATACOPY), words("0", "max", "max"), nil, 3),
		c("CODESIZE", op(CODESIZE), nil, words("1"), 2),
		c("CODECOPY", op(CODECOPY), words("33", "0", "0"), nil, 3+(3*2+0)+3*2),
		c("RETURNDATASIZE", op(RETURNDATASIZE), nil, words("3"), 2),
		c("RETURNDATACOPY", op(RETURNDATACOPY), words("3", "0", "0"), nil, 3+3+3),
		e("RETURNDATACOPY/beyond", op(RETURNDATACOPY), words("2", "2", "0"), ErrReturnDataOutOfBounds),
		e("RETURNDATACOPY/huge", op(RETURNDATACOPY), words("1", "max", "0"), ErrReturnDataOutOfBounds),
		c("EXTCODESIZE", op(EXTCODESIZE), words(addrWord(testOther)), words("3"), 700),

		c("NUMBER", op(NUMBER), nil, words("100"), 2),
		c("TIMESTAMP", op(TIMESTAMP), nil, words("1234"), 2),
		c("COINBASE", op(COINBASE), nil, words(addrWord(testCoinbase)), 2),
		c("CHAINID", op(CHAINID), nil, words("1337"), 2),
		c("GASLIMIT", op(GASLIMIT), nil, words("30000000"), 2),

		c("POP", op(POP), words("1", "2"), words("1"), 2),
		c("MLOAD", op(MLOAD), words("0"), words("0"), 3+3),
		c("MLOAD/unaligned", op(MLOAD), words("1"), words("0"), 3+6),
		c("MSTORE", op(MSTORE), words("5", "0"), nil, 3+3),
		c("MSTORE8", op(MSTORE8), words("0x1ff", "31"), nil, 3+3),
		c("MSIZE", op(MSIZE), nil, words("0"), 2),
		c("MSIZE/after", op(MSTORE8, MSIZE), words("1", "32"), words("64"), 3+6+2),
		c("SLOAD", op(SLOAD), words("1"), words("42"), 800),
		c("SLOAD/unset", op(SLOAD), words("2"), words("0"), 800),
		c("SSTORE/set", op(SSTORE), words("9", "2"), nil, 20000),
		c("SSTORE/reset", op(SSTORE), words("9", "1"), nil, 5000),
		c("SSTORE/clear", op(SSTORE), words("0", "1"), nil, 5000),
		c("SSTORE/noop", op(SSTORE), words("42", "1"), nil, 800),
		c("SSTORE/zero noop", op(SSTORE), words("0", "2"), nil, 800),
		c("JUMP", op(JUMP, JUMPDEST), words("1"), nil, 8+1),
		e("JUMP/not a JUMPDEST", op(JUMP, STOP), words("1"), ErrInvalidJump),
		e("JUMP/beyond", op(JUMP), words("max"), ErrInvalidJump),
		c("JUMPI/taken", op(JUMPI, INVALID, JUMPDEST), words("1", "2"), nil, 10+1),
		c("JUMPI/not taken", op(JUMPI, STOP), words("0", "7"), nil, 10),
		e("JUMPI/bad", op(JUMPI), words("1", "0"), ErrInvalidJump),
		c("JUMPDEST", op(JUMPDEST), nil, nil, 1),
		c("PC", op(JUMPDEST, PC), nil, words("1"), 1+2),
		c("PUSH0", op(PUSH0), nil, words("0"), 2),
		c("RETURN", op(RETURN), words("0", "0"), nil, 0),
		e("REVERT", op(REVERT), words("0", "0"), ErrExecutionReverted),
		e("INVALID", op(INVALID), nil, ErrInvalidOpcode),
		e("undefined", []byte{0x0c}, nil, ErrInvalidOpcode),
	}
	for n := 0; n <= 4; n++ {
		in := words("0", "0")
		for i := 0; i < n; i++ {
			in = append([]uint256.Int{w(fmt.Sprint(i + 1))}, in...)
		}
		cases = append(cases, c(fmt.Sprintf("LOG%d", n), op(LOG0+Opcode(n)), in, nil, 375+375*uint64(n)))
	}
	for n := 1; n <= 32; n++ {
		code := []byte{byte(PUSH1) + byte(n-1)}
		var want uint256.Int
		for i := 0; i < n; i++ {
			code = append(code, byte(i+1))
			want.Lsh(&want, 8)
			want.Or(&want, uint256.NewInt(uint64(i+1)))
		}
		cases = append(cases, c(fmt.Sprintf("PUSH%d", n), code, nil, []uint256.Int{want}, 3))
	}
	for n := 1; n <= 16; n++ {
		in := make([]uint256.Int, 17)
		for i := range in {
			in[i].SetUint64(uint64(100 + i))
		}
		dup := append(append([]uint256.Int(nil), in...), in[17-n])
		cases = append(cases, c(fmt.Sprintf("DUP%d", n), op(DUP1+Opcode(n-1)), in, dup, 3))
		swap := append([]uint256.Int(nil), in...)
		swap[16], swap[16-n] = swap[16-n], swap[16]
		cases = append(cases, c(fmt.Sprintf("SWAP%d", n), op(SWAP1+Opcode(n-1)), in, swap, 3))
	}
	return cases
}

func TestOpcodes(t *testing.T) {
	t.Parallel()
	for _, tc := range opCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			runCase(t, tc)
		})
	}
}

// TestOpcodesCovered fails when an instruction is added without a case.
func TestOpcodesCovered(t *testing.T) {
	t.Parallel()
	covered := map[string]bool{
		// Behaviour tests in vm_test.go cover these.
		"CALL": true, "STATICCALL": true, "CREATE": true,
	}
	for _, tc := range opCases() {
		name, _, _ := strings.Cut(tc.name, "/")
		covered[name] = true
	}
	for i := range table {
		if name := table[i].name; name != "" && !covered[name] {
			t.Errorf("no test case for %s", name)
		}
	}
}

// Each opcode's stack requirement is checked before it runs.
func TestStackBounds(t *testing.T) {
	t.Parallel()
	for i := range table {
		in := &table[i]
		if in.name == "" || in.pop == 0 {
			continue
		}
		t.Run(in.name, func(t *testing.T) {
			runCase(t, opCase{code: []byte{byte(i)}, in: make([]uint256.Int, in.pop-1), err: ErrStackUnderflow})
		})
	}
	full := make([]uint256.Int, StackLimit)
	runCase(t, opCase{name: "overflow", code: op(PUSH0), in: full, err: ErrStackOverflow})
	runCase(t, opCase{name: "DUP overflow", code: op(DUP1), in: full, err: ErrStackOverflow})
	runCase(t, opCase{name: "SWAP at the limit", code: op(SWAP1), in: full, out: full, gas: 3})
}

// Truncated PUSH data reads as zeros, shifted into place.
func TestPushTruncated(t *testing.T) {
	t.Parallel()
	runCase(t, opCase{code: []byte{byte(PUSH1) + 2, 0xab}, out: words("0xab0000"), gas: 3})
	runCase(t, opCase{code: []byte{byte(PUSH1)}, out: words("0"), gas: 3})
	runCase(t, opCase{code: []byte{byte(PUSH32)}, out: words("0"), gas: 3})
}

func TestTable(t *testing.T) {
	t.Parallel()
	for i := range table {
		in, op := &table[i], Opcode(i)
		if in.name == "" {
			if op.Defined() || op.String() != fmt.Sprintf("0x%02x", i) {
				t.Errorf("undefined 0x%02x: Defined %v, String %q", i, op.Defined(), op.String())
			}
			continue
		}
		got, ok := OpcodeByName(in.name)
		if !ok || got != op {
			t.Errorf("OpcodeByName(%s) = %v, %v", in.name, got, ok)
		}
		info, ok := InfoOf(op)
		if !ok || info.Name != in.name || info.Gas != in.gas || info.Immediate != op.ImmediateSize() {
			t.Errorf("InfoOf(%s) = %+v", in.name, info)
		}
		if op.IsPush() && op.ImmediateSize() != int(op-PUSH0) {
			t.Errorf("%s has %d immediate bytes", in.name, op.ImmediateSize())
		}
	}
	if _, ok := OpcodeByName(""); ok {
		t.Error("the empty name is an opcode")
	}
}
