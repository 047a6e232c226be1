package state

import "github.com/quarry-chain/quarry/chain/types"

// Key prefixes of the state's records in the key-value store. The chain's
// block storage uses lower-case letters; the state uses only these
// upper-case ones (see doc.go for the full layout).
const (
	prefixAccount = 'A' // 'A' addr(20)            -> Account encoding
	prefixStorage = 'S' // 'S' addr(20) slot(32)   -> word without leading zeros
	prefixCode    = 'C' // 'C' codeHash(32)        -> code
	prefixTrie    = 'N' // 'N' trie position key   -> trie node
)

// Domain tags of the trie keys: an account key and a storage key are hashes
// of preimages that differ in their first byte, so no address and slot can
// ever produce an account's key.
const (
	trieTagAccount = 0x00
	trieTagStorage = 0x01
)

// slotID names one storage slot.
type slotID struct {
	addr types.Address
	key  types.Hash
}

func accountFlatKey(addr types.Address) []byte {
	k := make([]byte, 1+types.AddressLength)
	k[0] = prefixAccount
	copy(k[1:], addr[:])
	return k
}

func storageFlatKey(addr types.Address, slot types.Hash) []byte {
	k := make([]byte, 1+types.AddressLength+types.HashLength)
	k[0] = prefixStorage
	copy(k[1:], addr[:])
	copy(k[1+types.AddressLength:], slot[:])
	return k
}

func trieNodeKey(k []byte) []byte {
	out := make([]byte, 1+len(k))
	out[0] = prefixTrie
	copy(out[1:], k)
	return out
}

func codeKey(h types.Hash) []byte {
	k := make([]byte, 1+types.HashLength)
	k[0] = prefixCode
	copy(k[1:], h[:])
	return k
}

// AccountTrieKey is the key of addr's account in the state trie:
// Keccak-256(0x00 || addr).
func AccountTrieKey(addr types.Address) types.Hash {
	return types.Keccak256([]byte{trieTagAccount}, addr[:])
}

// StorageTrieKey is the key of addr's storage slot in the state trie:
// Keccak-256(0x01 || addr || slot).
func StorageTrieKey(addr types.Address, slot types.Hash) types.Hash {
	return types.Keccak256([]byte{trieTagStorage}, addr[:], slot[:])
}

// encodeWord returns the stored form of a storage value: its big-endian
// bytes without leading zeros. A zero value is never stored.
func encodeWord(v types.Hash) []byte {
	i := 0
	for i < len(v) && v[i] == 0 {
		i++
	}
	return append([]byte(nil), v[i:]...)
}

// decodeWord reverses encodeWord, rejecting empty, oversized and
// non-minimal input.
func decodeWord(b []byte) (types.Hash, error) {
	switch {
	case len(b) == 0:
		return types.Hash{}, errMalformedf("stored zero word")
	case len(b) > types.HashLength:
		return types.Hash{}, errMalformedf("word of %d bytes", len(b))
	case b[0] == 0:
		return types.Hash{}, errMalformedf("word with a leading zero byte")
	}
	return types.BytesToHash(b), nil
}
