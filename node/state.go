package node

import (
	"github.com/quarry-chain/quarry/chain/state"
	"github.com/quarry-chain/quarry/chain/types"
)

// stateReader is what the RPC adapters read from the chain's state.
type stateReader interface {
	Root() types.Hash
	Account(types.Address) (state.Account, bool, error)
	Code(types.Address) ([]byte, error)
	Storage(types.Address, types.Hash) (types.Hash, error)
}

var _ stateReader = (*state.Reader)(nil)
