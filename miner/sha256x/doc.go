// Package sha256x is the proof-of-work hashing kernel of Quarry's miner: the
// SHA-256 compression function (FIPS 180-4, section 6.2.2) with direct
// access to the chaining state, which crypto/sha256 does not expose, and a
// nonce search loop built on it.
//
// Pipeline: a block header is SHA-256(SHA-256(header)); every field that
// stays fixed during a search fills whole 64-byte blocks at the front, so
// NewJob compresses them once into a midstate. One attempt is then exactly
// two compressions: the padded final block (the tail, which holds the
// nonce) on top of the midstate, and the padded 32-byte digest from the
// initial value. Job.Scan runs that over a range of nonces in one call and
// stops at the first hash at or below the target.
//
// Two implementations compute identical results: Generic, in portable Go,
// the reference; and SHANI, x86-64 assembly on the SHA extensions, which
// keeps the whole search loop in registers. Fastest picks one at run time
// from the CPU's features; tests compare both with crypto/sha256.
//
// Errors: ErrMessageLength when a message does not have the layout a Job
// needs, ErrUnavailable when an implementation is not supported by this CPU,
// ErrWordIndex for a tail word that is not settable.
package sha256x
