package keystore

import (
	"fmt"
	"math/bits"
)

// Scrypt cost parameters for new files. r is fixed at 8 (the block size
// every implementation uses); N sets memory (128*r*N bytes) and time; p runs
// N-sized passes in sequence.
const (
	// StandardScryptN is geth's and the spec's default: 2^18, 256 MiB and
	// roughly a second per derivation, for keys that guard real value.
	StandardScryptN = 1 << 18
	// StandardScryptP is geth's default parallelisation.
	StandardScryptP = 1
	// LightScryptN (2^12, 4 MiB, milliseconds) is for tests and throwaway
	// development keys only.
	LightScryptN = 1 << 12
	// LightScryptP keeps light derivation to a single pass.
	LightScryptP = 1
	// scryptR is the scrypt block-size parameter r.
	scryptR = 8
	// derivedKeyLength is the dklen written: 16 bytes of AES key and 16 of
	// MAC key.
	derivedKeyLength = 32
)

// ScryptParams are the scrypt costs used to encrypt new files.
type ScryptParams struct {
	N int // CPU/memory cost, a power of two
	P int // parallelisation
}

// StandardScrypt returns the parameters geth uses by default.
func StandardScrypt() ScryptParams { return ScryptParams{N: StandardScryptN, P: StandardScryptP} }

// LightScrypt returns cheap parameters for tests and development chains.
func LightScrypt() ScryptParams { return ScryptParams{N: LightScryptN, P: LightScryptP} }

// kdfLimits bound the work a file may ask of Decrypt. They are a parameter
// so that the fuzz target can run with much smaller ones.
type kdfLimits struct {
	maxScryptMemory int64 // bytes: 128 * r * N
	maxScryptP      int
	maxScryptR      int
	maxPBKDF2Rounds int
}

// defaultLimits are far above anything geth, ethers or MetaMask write
// (scrypt N=2^18 r=8 is 256 MiB; ethers' PBKDF2 files use 2^18 rounds) and
// low enough that a hostile file cannot make Decrypt take minutes or
// exhaust memory.
func defaultLimits() kdfLimits {
	return kdfLimits{
		maxScryptMemory: 1 << 30, // 1 GiB: N = 2^20 at r = 8
		maxScryptP:      16,
		maxScryptR:      32,
		maxPBKDF2Rounds: 1 << 24, // about ten seconds of HMAC-SHA256
	}
}

// check validates scrypt parameters against l.
func (l kdfLimits) checkScrypt(n, r, p int) error {
	switch {
	case n < 2 || bits.OnesCount(uint(n)) != 1:
		return fmt.Errorf("%w: scrypt n = %d is not a power of two above 1", ErrUnsupportedKDF, n)
	case r < 1 || r > l.maxScryptR:
		return fmt.Errorf("%w: scrypt r = %d out of range 1..%d", ErrUnsupportedKDF, r, l.maxScryptR)
	case p < 1 || p > l.maxScryptP:
		return fmt.Errorf("%w: scrypt p = %d out of range 1..%d", ErrUnsupportedKDF, p, l.maxScryptP)
	case int64(n) > l.maxScryptMemory/(128*int64(r)):
		return fmt.Errorf("%w: scrypt n = %d, r = %d needs more than %d bytes", ErrUnsupportedKDF, n, r, l.maxScryptMemory)
	}
	return nil
}
