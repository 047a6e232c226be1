// Package types holds Quarry's consensus data model: hashes, addresses,
// transactions, block headers, blocks, their encodings (RLP for transactions
// and block bodies, a fixed binary layout for headers), Merkle roots and the
// compact target encoding.
//
// Everything here is pure: no I/O, no clocks, no package state. Decoders are
// strict: they reject non-canonical, oversized and trailing input, so that a
// value has exactly one encoding and decoding then re-encoding round-trips
// byte for byte.
//
// The package imports nothing else of Quarry's; every other package may
// import it.
//
// Errors: decoding failures wrap ErrMalformed (and a more specific error where
// one applies), so callers can match them with errors.Is.
package types
