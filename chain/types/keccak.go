package types

import "golang.org/x/crypto/sha3"

// Keccak256 returns the Keccak-256 digest (Ethereum's, not FIPS SHA3-256) of
// the concatenation of data.
func Keccak256(data ...[]byte) Hash {
	d := sha3.NewLegacyKeccak256()
	for _, b := range data {
		d.Write(b)
	}
	var h Hash
	d.Sum(h[:0])
	return h
}
