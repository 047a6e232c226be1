package hd

import "errors"

// Error kinds returned by this package, matched with errors.Is; each
// matches itself and no other.
var (
	// ErrSeedLength is returned for a seed shorter than 128 or longer than
	// 512 bits (the bounds BIP-32 sets).
	ErrSeedLength = errors.New("hd: seed must be 16 to 64 bytes")

	// ErrUnusableSeed is returned when a seed's master key would be zero or
	// not below the curve order; BIP-32 says such a seed is invalid.
	ErrUnusableSeed = errors.New("hd: seed gives an invalid master key")

	// ErrInvalidChild is returned for an index whose derived key is invalid
	// (IL >= n, or the key is zero or the point at infinity).
	ErrInvalidChild = errors.New("hd: child key at this index is invalid")

	// ErrHardenedPublic is returned when a hardened child is requested from
	// a public extended key.
	ErrHardenedPublic = errors.New("hd: cannot derive a hardened child from a public key")

	// ErrNotPrivate is returned when a private key is requested from a
	// public extended key.
	ErrNotPrivate = errors.New("hd: extended key is public")

	// ErrDepth is returned when a derivation would go past depth 255, the
	// most the one-byte depth field can record.
	ErrDepth = errors.New("hd: derivation deeper than 255 levels")

	// ErrInvalidPath is returned by ParsePath and EthereumPath.
	ErrInvalidPath = errors.New("hd: invalid derivation path")

	// ErrMalformedKey is returned by ParseExtendedKey for any string that is
	// not a valid serialised extended key.
	ErrMalformedKey = errors.New("hd: malformed extended key")
)
