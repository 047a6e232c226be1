package vm_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/vm"
	"github.com/quarry-chain/quarry/vm/asm"
)

var (
	user  = types.Address{0x01}
	alpha = types.Address{0xa0}
	beta  = types.Address{0xb0}
)

func mustAsm(t testing.TB, src string) []byte {
	t.Helper()
	code, err := asm.Assemble(src)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// setup returns a state where user has 1e6 wei and each address in code
// has the assembled code.
func setup(t testing.TB, code map[types.Address]string) (*vm.VM, *vm.MemState) {
	t.Helper()
	st := vm.NewMemState()
	st.SetBalance(user, uint256.NewInt(1_000_000))
	for a, src := range code {
		st.SetCode(a, mustAsm(t, src))
	}
	return vm.New(vm.Config{State: st, Context: vm.Context{ChainID: 1, Origin: user}}), st
}

func slot(n uint64) types.Hash { return types.BytesToHash(uint256.NewInt(n).Bytes()) }

func TestMemoryGrowthGas(t *testing.T) {
	t.Parallel()
	for _, words := range []uint64{1, 2, 31, 32, 100, 1024, 4096} {
		// MSTORE at the last word of a memory of words words.
		src := "PUSH 1\nPUSH " + uint256.NewInt(32*(words-1)).Dec() + "\nMSTORE"
		v, _ := setup(t, map[types.Address]string{alpha: src})
		_, left, err := v.Call(user, alpha, nil, 1_000_000, nil)
		if err != nil {
			t.Fatal(err)
		}
		pushes := uint64(3 + 3)
		if words == 1 {
			pushes = 3 + 2 // PUSH 0 is PUSH0
		}
		want := pushes + 3 + 3*words + words*words/512
		if used := 1_000_000 - left; used != want {
			t.Errorf("%d words: used %d, want %d", words, used, want)
		}
	}
}

func TestHugeMemoryOffsets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want error
	}{
		{"MLOAD 2^64-1", "PUSH 0xffffffffffffffff\nMLOAD", vm.ErrMemoryLimit},
		{"MLOAD 2^255", "PUSH 0x8000000000000000000000000000000000000000000000000000000000000000\nMLOAD", vm.ErrMemoryLimit},
		{"MSTORE at the cap", "PUSH 1\nPUSH 0x2000000\nMSTORE", vm.ErrMemoryLimit},
		{"MSTORE below the cap", "PUSH 1\nPUSH 0x1000000\nMSTORE", vm.ErrOutOfGas},
		{"RETURN huge size", "PUSH 0xffffffffffffffffff\nPUSH 0\nRETURN", vm.ErrMemoryLimit},
		{"KECCAK256 wrapping range", "PUSH 0xffffffffffffffff\nPUSH 0xffffffffffffffff\nKECCAK256", vm.ErrMemoryLimit},
		{"CALLDATACOPY 30 MiB", "PUSH 0x1e00000\nPUSH 0\nPUSH 0\nCALLDATACOPY", vm.ErrOutOfGas},
		{"LOG0 huge", "PUSH 0x10000000000\nPUSH 0\nLOG0", vm.ErrMemoryLimit},
		{"CALL output huge", "PUSH 0xffffffffff\nPUSH 0\nPUSH 0\nPUSH 0\nPUSH 0\nPUSH 0\nPUSH 0\nCALL", vm.ErrMemoryLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, _ := setup(t, map[types.Address]string{alpha: tt.src})
			ret, left, err := v.Call(user, alpha, nil, 10_000_000, nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if left != 0 || ret != nil {
				t.Fatalf("a fault left %d gas and %x", left, ret)
			}
		})
	}
}

func TestJumpIntoPushData(t *testing.T) {
	t.Parallel()
	// 0: PUSH1 4, 2: JUMP, 3: PUSH1 0x49 (JUMPDEST's byte, as data), 5: JUMPDEST
	code := []byte{byte(vm.PUSH1), 4, byte(vm.JUMP), byte(vm.PUSH1), byte(vm.JUMPDEST), byte(vm.JUMPDEST)}
	st := vm.NewMemState()
	st.SetCode(alpha, code)
	_, _, err := vm.New(vm.Config{State: st}).Call(user, alpha, nil, 1000, nil)
	if !errors.Is(err, vm.ErrInvalidJump) {
		t.Fatalf("jump into PUSH data: %v", err)
	}
	var fe *vm.FaultError
	if !errors.As(err, &fe) || fe.PC != 2 || fe.Op != vm.JUMP || fe.Depth != 1 {
		t.Fatalf("fault %#v", err)
	}
	code[1] = 5 // the real JUMPDEST
	st.SetCode(beta, code)
	if _, _, err := vm.New(vm.Config{State: st}).Call(user, beta, nil, 1000, nil); err != nil {
		t.Fatalf("jump to a real JUMPDEST: %v", err)
	}
}

func TestOutOfGasRevertsStateAndLogs(t *testing.T) {
	t.Parallel()
	v, st := setup(t, map[types.Address]string{alpha: `
		PUSH 5
		PUSH 1
		SSTORE          ; slot 1 = 5
		PUSH 0
		PUSH 0
		LOG0
	loop:
		JUMPDEST
		PUSH @loop
		JUMP            ; until the gas runs out
	`})
	ret, left, err := v.Call(user, alpha, nil, 100_000, uint256.NewInt(10))
	if !errors.Is(err, vm.ErrOutOfGas) || left != 0 || ret != nil {
		t.Fatalf("got %x, %d, %v", ret, left, err)
	}
	if got := st.Storage(alpha, slot(1)); !got.IsZero() {
		t.Fatalf("storage kept: %x", got)
	}
	if len(v.Logs()) != 0 {
		t.Fatal("logs kept")
	}
	if b := st.Balance(alpha); !b.IsZero() {
		t.Fatal("value transfer kept")
	}
}

func TestRevertKeepsDataAndGas(t *testing.T) {
	t.Parallel()
	v, st := setup(t, map[types.Address]string{alpha: `
		PUSH 5
		PUSH 1
		SSTORE
		PUSH 0xdead
		PUSH 0
		MSTORE
		PUSH 2
		PUSH 30
		REVERT
	`})
	ret, left, err := v.Call(user, alpha, nil, 100_000, nil)
	if !errors.Is(err, vm.ErrExecutionReverted) || !bytes.Equal(ret, []byte{0xde, 0xad}) {
		t.Fatalf("got %x, %v", ret, err)
	}
	if used := 100_000 - left; used != 3+3+20000+3+2+3+3+3+3 {
		t.Fatalf("used %d", used)
	}
	if got := st.Storage(alpha, slot(1)); !got.IsZero() {
		t.Fatal("storage kept after REVERT")
	}
}

// caller calls the contract at beta with CALL or STATICCALL and stores
// the success flag in slot 0 and the callee's first return word in slot 1.
func caller(callOp string, value uint64) string {
	valueLine := ""
	if callOp == "CALL" {
		valueLine = "PUSH " + uint256.NewInt(value).Dec()
	}
	return `
		PUSH 32         ; outSize
		PUSH 0          ; outOffset
		PUSH 0          ; inSize
		PUSH 0          ; inOffset
		` + valueLine + `
		PUSH 0xb000000000000000000000000000000000000000
		GAS
		` + callOp + `
		PUSH 0
		SSTORE
		PUSH 0
		MLOAD
		PUSH 1
		SSTORE
	`
}

func TestStaticCallRefusesWrites(t *testing.T) {
	t.Parallel()
	writers := map[string]string{
		"SSTORE":          "PUSH 1\nPUSH 1\nSSTORE",
		"LOG0":            "PUSH 0\nPUSH 0\nLOG0",
		"CREATE":          "PUSH 0\nPUSH 0\nPUSH 0\nCREATE",
		"CALL with value": "PUSH 0\nPUSH 0\nPUSH 0\nPUSH 0\nPUSH 1\nPUSH 0xa0\nGAS\nCALL",
	}
	for name, src := range writers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			v, st := setup(t, map[types.Address]string{alpha: caller("STATICCALL", 0), beta: src})
			st.SetBalance(beta, uint256.NewInt(100))
			if _, _, err := v.Call(user, alpha, nil, 1_000_000, nil); err != nil {
				t.Fatal(err)
			}
			if ok := st.Storage(alpha, slot(0)); !ok.IsZero() {
				t.Fatal("STATICCALL of a writer succeeded")
			}
			if len(v.Logs()) != 0 || !st.Storage(beta, slot(1)).IsZero() {
				t.Fatal("the write happened")
			}
			// The top-level read-only entry point refuses too.
			_, left, err := v.StaticCall(user, beta, nil, 100_000)
			if !errors.Is(err, vm.ErrWriteProtection) || left != 0 {
				t.Fatalf("StaticCall: %v, %d left", err, left)
			}
		})
	}
	// Reading is fine.
	v, st := setup(t, map[types.Address]string{alpha: caller("STATICCALL", 0), beta: "PUSH 42\nPUSH 0\nMSTORE\nPUSH 32\nPUSH 0\nRETURN"})
	if _, _, err := v.Call(user, alpha, nil, 1_000_000, nil); err != nil {
		t.Fatal(err)
	}
	if st.Storage(alpha, slot(0)) != slot(1) || st.Storage(alpha, slot(1)) != slot(42) {
		t.Fatal("STATICCALL of a reader failed")
	}
}

func TestCallValueTransfer(t *testing.T) {
	t.Parallel()
	v, st := setup(t, map[types.Address]string{alpha: caller("CALL", 300)})
	st.SetBalance(alpha, uint256.NewInt(1000))
	_, left, err := v.Call(user, alpha, nil, 1_000_000, uint256.NewInt(5))
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Balance(beta); got.Uint64() != 300 {
		t.Fatalf("beta has %d", got.Uint64())
	}
	if got := st.Balance(alpha); got.Uint64() != 705 {
		t.Fatalf("alpha has %d", got.Uint64())
	}
	if st.Storage(alpha, slot(0)) != slot(1) {
		t.Fatal("CALL reported failure")
	}
	// beta did not exist: value (9000) and new account (25000) surcharges,
	// minus the unused stipend that came back.
	used := 1_000_000 - left
	if used < 700+9000+25000 || used > 700+9000+25000+2*20000+100 {
		t.Fatalf("used %d", used)
	}

	// More than the contract has: CALL returns 0, nothing moves.
	v, st = setup(t, map[types.Address]string{alpha: caller("CALL", 5000)})
	st.SetBalance(alpha, uint256.NewInt(1000))
	if _, _, err := v.Call(user, alpha, nil, 1_000_000, nil); err != nil {
		t.Fatal(err)
	}
	if !st.Storage(alpha, slot(0)).IsZero() || st.Exists(beta) {
		t.Fatal("CALL beyond balance succeeded")
	}

	// Top level beyond balance.
	if _, left, err := v.Call(user, beta, nil, 50_000, uint256.NewInt(2_000_000)); !errors.Is(err, vm.ErrInsufficientBalance) || left != 50_000 {
		t.Fatalf("top-level overdraft: %v, %d left", err, left)
	}
}

// A reverting callee hands its data and unused gas back; the caller goes on.
func TestCallReverted(t *testing.T) {
	t.Parallel()
	v, st := setup(t, map[types.Address]string{
		alpha: caller("CALL", 0),
		beta:  "PUSH 1\nPUSH 9\nSSTORE\nPUSH 77\nPUSH 0\nMSTORE\nPUSH 32\nPUSH 0\nREVERT",
	})
	_, left, err := v.Call(user, alpha, nil, 1_000_000, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Storage(alpha, slot(0)).IsZero() || st.Storage(alpha, slot(1)) != slot(77) {
		t.Fatal("revert data not copied out, or success reported")
	}
	if !st.Storage(beta, slot(9)).IsZero() {
		t.Fatal("callee's write survived its revert")
	}
	if 1_000_000-left > 100_000 {
		t.Fatal("the reverted callee's gas was not refunded")
	}
}

// The EIP-150 rule: a callee gets at most all but 1/64 of the gas left.
func TestCallGasForwarding(t *testing.T) {
	t.Parallel()
	v, st := setup(t, map[types.Address]string{
		alpha: caller("CALL", 0),
		beta:  "GAS\nPUSH 0\nMSTORE\nPUSH 32\nPUSH 0\nRETURN",
	})
	if _, _, err := v.Call(user, alpha, nil, 640_000, nil); err != nil {
		t.Fatal(err)
	}
	got := new(uint256.Int).SetBytes(st.Storage(alpha, slot(1)).Bytes()).Uint64()
	// Before the callee starts alpha has spent PUSH1 3, four PUSH0 2 each,
	// PUSH20 3, GAS 2, CALL 700 and 3 to grow memory for the output word.
	g := uint64(640_000 - 3 - 4*2 - 3 - 2 - 700 - 3)
	if want := g - g/64 - 2; got != want {
		t.Fatalf("callee saw %d gas, want %d", got, want)
	}
}

func TestDepthLimit(t *testing.T) {
	t.Parallel()
	// Each frame counts itself in slot 0 and calls itself with all it may.
	v, st := setup(t, map[types.Address]string{alpha: `
		PUSH 0
		SLOAD
		PUSH 1
		ADD
		PUSH 0
		SSTORE
		PUSH 0
		PUSH 0
		PUSH 0
		PUSH 0
		PUSH 0
		ADDRESS
		GAS
		CALL
		POP
	`})
	if _, _, err := v.Call(user, alpha, nil, 1<<50, nil); err != nil {
		t.Fatal(err)
	}
	got := new(uint256.Int).SetBytes(st.Storage(alpha, slot(0)).Bytes())
	if got.Uint64() != vm.MaxCallDepth {
		t.Fatalf("reached depth %d, want %d", got.Uint64(), vm.MaxCallDepth)
	}
}

func TestCreateOpcode(t *testing.T) {
	t.Parallel()
	// The factory deploys, with 7 wei, init code that returns the one-byte
	// code 0x2a.
	initCode := mustAsm(t, "PUSH 0x2a\nPUSH 0\nMSTORE8\nPUSH 1\nPUSH 0\nRETURN")
	factory := `
		PUSH 0x` + hexOf(initCode) + `
		PUSH 0
		MSTORE
		PUSH ` + uint256.NewInt(uint64(len(initCode))).Dec() + `
		PUSH ` + uint256.NewInt(uint64(32-len(initCode))).Dec() + `
		PUSH 7          ; value
		CREATE
		PUSH 0
		SSTORE          ; slot 0 = new address
	`
	v, st := setup(t, map[types.Address]string{alpha: factory})
	st.SetBalance(alpha, uint256.NewInt(10))
	st.SetNonce(alpha, 3)
	if _, _, err := v.Call(user, alpha, nil, 1_000_000, nil); err != nil {
		t.Fatal(err)
	}
	want := types.ContractAddress(alpha, 3)
	if got := st.Storage(alpha, slot(0)); got != types.BytesToHash(want[:]) {
		t.Fatalf("CREATE returned %x, want %s", got, want)
	}
	if !bytes.Equal(st.Code(want), []byte{0x2a}) || st.Nonce(alpha) != 4 || st.Nonce(want) != 1 {
		t.Fatalf("code %x, nonces %d %d", st.Code(want), st.Nonce(alpha), st.Nonce(want))
	}
	if b := st.Balance(want); b.Uint64() != 7 {
		t.Fatal("value not sent")
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

func TestCreateLimits(t *testing.T) {
	t.Parallel()
	st := vm.NewMemState()
	st.SetBalance(user, uint256.NewInt(100))
	v := vm.New(vm.Config{State: st})
	returning := func(n int) []byte {
		return mustAsm(t, "PUSH "+uint256.NewInt(uint64(n)).Dec()+"\nPUSH 0\nRETURN")
	}
	tests := []struct {
		name string
		init []byte
		gas  uint64
		want error
	}{
		{"max code size", returning(vm.MaxCodeSize), 10_000_000, nil},
		{"code too large", returning(vm.MaxCodeSize + 1), 10_000_000, vm.ErrCodeSize},
		{"deposit out of gas", returning(1000), 150_000, vm.ErrOutOfGas},
		{"init code too large", make([]byte, vm.MaxInitCodeSize+1), 10_000_000, vm.ErrCodeSize},
		{"init code reverts", mustAsm(t, "PUSH 0\nPUSH 0\nREVERT"), 100_000, vm.ErrExecutionReverted},
	}
	for i, tt := range tests {
		addr := types.Address{0xc0, byte(i)}
		ret, left, err := v.Create(user, tt.init, tt.gas, nil, addr)
		if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
			continue
		}
		if err == nil {
			if len(st.Code(addr)) != len(ret) || len(ret) != vm.MaxCodeSize {
				t.Errorf("%s: deployed %d bytes", tt.name, len(st.Code(addr)))
			}
			continue
		}
		if len(st.Code(addr)) != 0 || st.Nonce(addr) != 0 {
			t.Errorf("%s: failed creation left an account", tt.name)
		}
		if !errors.Is(err, vm.ErrExecutionReverted) && left != 0 {
			t.Errorf("%s: fault left %d gas", tt.name, left)
		}
	}
	// Collision: an address with code (or a nonce) cannot be created over.
	st.SetCode(beta, []byte{1})
	if _, _, err := v.Create(user, nil, 100_000, nil, beta); !errors.Is(err, vm.ErrAddressCollision) {
		t.Fatalf("collision: %v", err)
	}
}

func TestErrorKindsDistinct(t *testing.T) {
	t.Parallel()
	kinds := []error{vm.ErrOutOfGas, vm.ErrStackOverflow, vm.ErrStackUnderflow, vm.ErrInvalidJump,
		vm.ErrInvalidOpcode, vm.ErrWriteProtection, vm.ErrDepth, vm.ErrInsufficientBalance,
		vm.ErrExecutionReverted, vm.ErrCodeSize, vm.ErrMemoryLimit, vm.ErrReturnDataOutOfBounds,
		vm.ErrAddressCollision}
	for i, a := range kinds {
		wrapped := &vm.FaultError{Err: a}
		for j, b := range kinds {
			if errors.Is(wrapped, b) != (i == j) {
				t.Errorf("errors.Is(%v, %v) = %v", a, b, i != j)
			}
		}
	}
}

func TestMemStateJournal(t *testing.T) {
	t.Parallel()
	st := vm.NewMemState()
	st.SetBalance(alpha, uint256.NewInt(10))
	s1 := st.Snapshot()
	st.SetStorage(alpha, slot(1), slot(5))
	st.SetNonce(beta, 3)
	s2 := st.Snapshot()
	if err := st.Transfer(alpha, beta, uint256.NewInt(4)); err != nil {
		t.Fatal(err)
	}
	st.SetCode(beta, []byte{1})
	if err := st.Transfer(alpha, beta, uint256.NewInt(7)); !errors.Is(err, vm.ErrInsufficientBalance) {
		t.Fatalf("overdraft: %v", err)
	}
	st.RevertToSnapshot(s2)
	if b := st.Balance(beta); !b.IsZero() || st.Nonce(beta) != 3 || st.Code(beta) != nil {
		t.Fatal("revert to s2 incomplete")
	}
	st.RevertToSnapshot(s1)
	if st.Exists(beta) || !st.Storage(alpha, slot(1)).IsZero() || len(st.StorageKeys(alpha)) != 0 {
		t.Fatal("revert to s1 incomplete")
	}
	if b := st.Balance(alpha); b.Uint64() != 10 {
		t.Fatal("balance changed")
	}
}
