package vm_test

import (
	"errors"
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/vm"
)

var faultKinds = []error{vm.ErrOutOfGas, vm.ErrStackOverflow, vm.ErrStackUnderflow, vm.ErrInvalidJump,
	vm.ErrInvalidOpcode, vm.ErrWriteProtection, vm.ErrDepth, vm.ErrInsufficientBalance,
	vm.ErrCodeSize, vm.ErrMemoryLimit, vm.ErrReturnDataOutOfBounds, vm.ErrAddressCollision}

// FuzzInterpreter runs any bytes as code with any call data: the result
// must be defined (success, revert or a typed fault), never a panic, and
// the gas accounting must hold.
func FuzzInterpreter(f *testing.F) {
	f.Add([]byte{}, []byte{}, uint64(0))
	f.Add(mustAsm(f, arithmeticLoop), uint256.NewInt(10).PaddedBytes(32), uint64(100_000))
	f.Add(mustAsm(f, storageLoop), uint256.NewInt(3).PaddedBytes(32), uint64(200_000))
	f.Add([]byte{byte(vm.PUSH1), 1, byte(vm.PUSH1), 0, byte(vm.MSTORE), byte(vm.PUSH1), 32, byte(vm.PUSH0), byte(vm.REVERT)}, []byte{}, uint64(1000))
	f.Add([]byte{byte(vm.JUMPDEST), byte(vm.PUSH0), byte(vm.JUMP)}, []byte{}, uint64(5000))
	f.Add([]byte{byte(vm.PUSH0), byte(vm.PUSH0), byte(vm.PUSH0), byte(vm.PUSH0), byte(vm.PUSH0), byte(vm.ADDRESS), byte(vm.GAS), byte(vm.CALL)}, []byte{1}, uint64(1_000_000))
	f.Add([]byte{byte(vm.PUSH0), byte(vm.PUSH0), byte(vm.PUSH1), 9, byte(vm.CREATE)}, []byte{}, uint64(100_000))
	f.Add([]byte{0x7f}, []byte{}, uint64(10))
	f.Fuzz(func(t *testing.T, code, input []byte, gas uint64) {
		gas %= 2_000_000 // bounds the time and memory one input may take
		st := vm.NewMemState()
		st.SetBalance(user, uint256.NewInt(1_000_000))
		st.SetBalance(alpha, uint256.NewInt(1_000))
		st.SetCode(alpha, code)
		st.SetCode(beta, code)
		v := vm.New(vm.Config{State: st, Context: vm.Context{Number: 1, Time: 2, ChainID: 3, Origin: user}})
		snap := st.Snapshot()
		ret, left, err := v.Call(user, alpha, input, gas, uint256.NewInt(1))
		if left > gas {
			t.Fatalf("gas grew from %d to %d", gas, left)
		}
		switch {
		case err == nil:
		case errors.Is(err, vm.ErrExecutionReverted):
			if len(v.Logs()) != 0 || st.Snapshot() != snap {
				t.Fatal("a revert kept logs or state")
			}
		default:
			known := false
			for _, k := range faultKinds {
				known = known || errors.Is(err, k)
			}
			if !known {
				t.Fatalf("untyped error %v", err)
			}
			if left != 0 || ret != nil || len(v.Logs()) != 0 || st.Snapshot() != snap {
				t.Fatalf("fault %v left gas %d, output %x or changes", err, left, ret)
			}
		}
		// The same input gives the same result: execution is deterministic.
		st2 := vm.NewMemState()
		st2.SetBalance(user, uint256.NewInt(1_000_000))
		st2.SetBalance(alpha, uint256.NewInt(1_000))
		st2.SetCode(alpha, code)
		st2.SetCode(beta, code)
		v2 := vm.New(vm.Config{State: st2, Context: vm.Context{Number: 1, Time: 2, ChainID: 3, Origin: user}})
		ret2, left2, err2 := v2.Call(user, alpha, input, gas, uint256.NewInt(1))
		if left2 != left || string(ret2) != string(ret) || (err == nil) != (err2 == nil) || len(v2.Logs()) != len(v.Logs()) {
			t.Fatalf("nondeterministic: %d/%d gas, %v/%v", left, left2, err, err2)
		}
	})
}
