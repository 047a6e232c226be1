package vm

import (
	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// Context is what code may learn about the block and the transaction it
// runs in. It is the only source of time and randomness-free environment
// the VM has, which keeps execution deterministic.
type Context struct {
	// Block.
	Number   uint64        // block height (NUMBER)
	Time     uint64        // block time in unix SECONDS (TIMESTAMP); the header stores milliseconds, pass header time / 1000, as ethers.js and Solidity authors expect seconds
	Coinbase types.Address // address credited with the block's reward (COINBASE)
	ChainID  uint64        // EIP-155 chain id (CHAINID)
	GasLimit uint64        // block gas limit (GASLIMIT)

	// Transaction.
	Origin   types.Address // signer of the transaction (ORIGIN)
	GasPrice uint256.Int   // price per unit of gas in wei (GASPRICE)
}
