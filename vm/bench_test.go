package vm_test

import (
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/vm"
)

// benchLoop runs src, a loop of perIter instructions per iteration
// (iterations given by the constant N it reads from call data word 0), and
// reports instructions and gas per second.
func benchLoop(b *testing.B, src string, perIter, iters uint64) {
	v, st := setup(b, map[types.Address]string{alpha: src})
	_ = v
	input := uint256.NewInt(iters).PaddedBytes(32)
	const gas = 1 << 40
	var used uint64
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		v := vm.New(vm.Config{State: st})
		_, left, err := v.Call(user, alpha, input, gas, nil)
		if err != nil {
			b.Fatal(err)
		}
		used += gas - left
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(perIter*iters)*float64(b.N)/secs, "instr/s")
	b.ReportMetric(float64(used)/secs, "gas/s")
}

// A counted loop of arithmetic: 14 instructions per iteration.
const arithmeticLoop = `
		PUSH 0
		CALLDATALOAD    ; [n]
		PUSH 1          ; [n acc]
	loop:
		JUMPDEST
		PUSH 3
		MUL
		PUSH 7
		ADD             ; acc = acc*3 + 7
		SWAP1           ; [acc n]
		PUSH 1
		SWAP1
		SUB             ; n-1
		DUP1
		SWAP2           ; [n-1 n-1 acc]
		SWAP1           ; [n-1 acc n-1]
		PUSH @loop
		JUMPI           ; while n-1 != 0
`

func BenchmarkArithmeticLoop(b *testing.B) {
	benchLoop(b, arithmeticLoop, 14, 100_000)
}

// A loop writing and reading storage: 16 instructions per iteration.
const storageLoop = `
		PUSH 0
		CALLDATALOAD    ; [n]
	loop:
		JUMPDEST
		DUP1
		DUP1
		SSTORE          ; slot n = n
		DUP1
		SLOAD
		POP
		PUSH 1
		SWAP1
		SUB             ; [n-1]
		DUP1
		ISZERO
		ISZERO
		PUSH @loop
		JUMPI
		POP
		STOP
`

func BenchmarkStorageLoop(b *testing.B) {
	benchLoop(b, storageLoop, 15, 1_000)
}

// benchOp measures one instruction in a straight line of 1000 copies,
// each preceded by the PUSHes it needs and followed by POPs.
func benchOp(b *testing.B, body string) {
	src := ""
	for range 200 {
		src += body + "\n"
	}
	v, st := setup(b, map[types.Address]string{alpha: src})
	_ = v
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		v := vm.New(vm.Config{State: st})
		if _, _, err := v.Call(user, alpha, nil, 1<<40, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/200, "ns/op-instance")
}

func BenchmarkOpExp(b *testing.B) {
	benchOp(b, "PUSH 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\nPUSH 3\nEXP\nPOP")
}
func BenchmarkOpMulmod(b *testing.B) {
	benchOp(b, "PUSH 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff1\nDUP1\nDUP1\nMULMOD\nPOP")
}
func BenchmarkOpSdiv(b *testing.B) {
	benchOp(b, "PUSH 3\nPUSH 0x8000000000000000000000000000000000000000000000000000000000000001\nSDIV\nPOP")
}
func BenchmarkOpKeccak256(b *testing.B) {
	benchOp(b, "PUSH 64\nPUSH 0\nKECCAK256\nPOP")
}
func BenchmarkOpSload(b *testing.B) { benchOp(b, "PUSH 1\nSLOAD\nPOP") }
func BenchmarkOpSstore(b *testing.B) {
	benchOp(b, "PUSH 1\nPUSH 1\nSSTORE")
}
func BenchmarkOpLog2(b *testing.B) {
	benchOp(b, "PUSH 2\nPUSH 1\nPUSH 32\nPUSH 0\nLOG2")
}
func BenchmarkOpCall(b *testing.B) {
	benchOp(b, "PUSH 0\nPUSH 0\nPUSH 0\nPUSH 0\nPUSH 0\nPUSH 0xb0\nGAS\nCALL\nPOP")
}
