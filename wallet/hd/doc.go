// Package hd implements BIP-32 hierarchical deterministic keys on secp256k1
// and the BIP-44 paths Ethereum wallets use.
//
// Pipeline:
//
//	seed (BIP-39, 16..64 bytes) --HMAC-SHA512("Bitcoin seed")--> master key
//	master --Child(i) / Derive(path)--> ... --> account key
//
// A hardened child (index >= HardenedOffset, written 44' or 44h) needs the
// parent's private key; a normal child can also be derived from the parent's
// public key (Neuter) alone. ParsePath reads "m/44'/60'/0'/0/7"; EthereumPath
// builds m/44'/60'/0'/0/i, the path MetaMask, ethers, hardhat and anvil use
// for account i.
//
// Extended keys serialise to the BIP-32 Base58Check form ("xprv..."/"xpub...",
// the Bitcoin mainnet version bytes that the BIP-32 test vectors and most
// tools print) and ParseExtendedKey reads it back, checking everything BIP-32
// lists as invalid: bad checksum, unknown version, a private key outside
// 1..n-1, a public key not on the curve, key data that does not match the
// version, and a depth-0 key with a parent fingerprint or index.
//
// Errors: ErrSeedLength and ErrUnusableSeed from NewMaster; ErrInvalidChild
// for the (probability < 2^-127) index whose child is not a valid key;
// BIP-32 says to skip to the next index, and a caller walking a fixed path
// reports it instead. ErrHardenedPublic for a hardened child asked of a
// public key; ErrNotPrivate for a private key asked of a public one;
// ErrDepth past depth 255; ErrInvalidPath from ParsePath; ErrMalformedKey
// from ParseExtendedKey.
package hd
