// Package contracts holds example contracts for Quarry's VM, written in
// its assembly language (.qasm files, see package vm/asm), and assembles
// them on request.
//
//	counter.qasm  increment(), get(), an event: the smallest useful contract
//	token.qasm    an ERC-20 token with Transfer and Approval events
//	escrow.qasm   a three-party escrow that holds and pays out value
//
// Each file assembles to creation code: run by a contract-creation
// transaction, it RETURNs the runtime code that the chain stores. ABI
// encoded constructor arguments follow the creation code, as ethers.js's
// ContractFactory sends them. Each has its ABI beside it (.abi.json,
// served by ABI) for clients. The .qasm files are commented as a guide to
// writing contracts; the tests in this package deploy and exercise them on
// vm.MemState.
//
// Errors: CreationCode returns ErrUnknownContract for a name it does not
// know, and the assembler's *asm.Error if a source does not assemble.
package contracts
