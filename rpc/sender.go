package rpc

import "github.com/quarry-chain/quarry/chain/types"

// SenderCache remembers the senders of transactions whose signatures were
// verified. The node passes the chain's signature cache, which the pool
// shares: a transaction submitted over RPC is then recovered once, not
// once here and again at admission, and serving a block's transactions or
// receipts costs a lookup per transaction instead of an ECDSA recovery.
type SenderCache interface {
	Get(txHash types.Hash) (types.Address, bool)
	Add(txHash types.Hash, sender types.Address)
}

// sender returns tx's sender, through Config.SenderCache when there is one.
func (s *Server) sender(tx *types.Transaction) (types.Address, error) {
	cache := s.cfg.SenderCache
	if cache == nil {
		return s.signer.Sender(tx)
	}
	h := tx.Hash()
	if a, ok := cache.Get(h); ok {
		return a, nil
	}
	a, err := s.signer.Sender(tx)
	if err == nil {
		cache.Add(h, a)
	}
	return a, err
}
