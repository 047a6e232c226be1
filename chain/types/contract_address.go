package types

import "github.com/quarry-chain/quarry/chain/types/rlp"

// ContractAddress returns the address of the contract that sender creates
// with the transaction of the given nonce: the last 20 bytes of
// Keccak-256(rlp([sender, nonce])), as in Ethereum, so that clients can
// predict it before the transaction is mined.
func ContractAddress(sender Address, nonce uint64) Address {
	payload := 1 + AddressLength + rlp.Uint64Size(nonce)
	var buf [1 + 1 + AddressLength + 9]byte // list header, address, nonce
	b := rlp.AppendListHeader(buf[:0], payload)
	b = rlp.AppendString(b, sender[:])
	b = rlp.AppendUint64(b, nonce)
	h := Keccak256(b)
	var a Address
	copy(a[:], h[HashLength-AddressLength:])
	return a
}
