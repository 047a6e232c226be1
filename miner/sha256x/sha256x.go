package sha256x

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Errors returned by this package.
var (
	// ErrMessageLength: the message is not whole 64-byte blocks followed by
	// a TailSize-byte tail.
	ErrMessageLength = errors.New("sha256x: bad message length")
	// ErrUnavailable: the implementation needs CPU features this machine
	// lacks.
	ErrUnavailable = errors.New("sha256x: implementation not available on this CPU")
	// ErrWordIndex: only the tail words before the nonce can be set.
	ErrWordIndex = errors.New("sha256x: tail word index out of range")
)

// Message layout a Job hashes: whole blocks, then a tail that fits one
// block with SHA-256's padding.
const (
	// BlockSize is SHA-256's block size in bytes.
	BlockSize = 64
	// TailSize is the length of the message after its last whole block: 12
	// bytes that are fixed within a Scan (settable with Job.SetWord) and
	// the 8-byte big-endian nonce.
	TailSize = 20
	// NonceOffset is the nonce's offset within the tail.
	NonceOffset = 12
	// TailWords is how many 32-bit words before the nonce SetWord accepts.
	TailWords = NonceOffset / 4
)

// Words of the padded tail block (FIPS 180-4 section 5.1.1): the tail, the
// 0x80 byte that ends the message, zeros, and the message length in bits in
// the last two words.
const (
	nonceHiWord = NonceOffset / 4 // 3: nonce bits 63..32
	nonceLoWord = nonceHiWord + 1 // 4: nonce bits 31..0, the word Scan steps
	padWord     = TailSize / 4    // 5: 0x80000000 ends the message
	padBit      = 0x80000000
	digestLen   = 32 * 8 // bits in the outer message (a 32-byte digest)
)

// Compile-time checks: the tail plus padding (1 byte + 8 length bytes) fits
// one block, and the nonce is word-aligned at the end of the tail.
var (
	_ [BlockSize - TailSize - 9]struct{}
	_ = [1]struct{}{}[NonceOffset%4]
	_ = [1]struct{}{}[TailSize-NonceOffset-8]
)

// State is SHA-256's chaining value H0..H7.
type State [8]uint32

// initialState is H(0) of FIPS 180-4 section 5.3.3.
func initialState() State {
	return State{
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	}
}

// Bytes returns the big-endian encoding of s: the digest when s is final.
func (s State) Bytes() [32]byte {
	var out [32]byte
	for i, v := range s {
		binary.BigEndian.PutUint32(out[4*i:], v)
	}
	return out
}

// Impl names an implementation of the compression function.
type Impl uint8

const (
	// Generic is portable Go: the reference, and the fallback on CPUs
	// without SHA extensions.
	Generic Impl = iota + 1
	// SHANI is x86-64 assembly on the SHA extensions (SHA256RNDS2 and the
	// message-schedule instructions) with SSE4.1.
	SHANI
)

func (i Impl) String() string {
	switch i {
	case Generic:
		return "generic"
	case SHANI:
		return "sha-ni"
	}
	return fmt.Sprintf("Impl(%d)", uint8(i))
}

// Available reports whether i runs on this CPU.
func (i Impl) Available() bool {
	switch i {
	case Generic:
		return true
	case SHANI:
		return haveSHANI()
	}
	return false
}

// Fastest returns the fastest implementation this CPU supports.
func Fastest() Impl {
	if SHANI.Available() {
		return SHANI
	}
	return Generic
}

// Impls lists the implementations this CPU supports, for tests and
// benchmarks.
func Impls() []Impl {
	var out []Impl
	for _, i := range []Impl{Generic, SHANI} {
		if i.Available() {
			out = append(out, i)
		}
	}
	return out
}

// compress applies the compression function to s for each whole block of p.
func (i Impl) compress(s *State, p []byte) {
	var w [16]uint32
	for len(p) >= BlockSize {
		for t := range w {
			w[t] = binary.BigEndian.Uint32(p[4*t:])
		}
		if i == SHANI {
			blockSHANI(s, &w)
		} else {
			blockGeneric(s, &w)
		}
		p = p[BlockSize:]
	}
}

// Midstate returns the chaining value after compressing prefix, which must
// be whole blocks.
func Midstate(impl Impl, prefix []byte) (State, error) {
	if len(prefix)%BlockSize != 0 {
		return State{}, fmt.Errorf("%w: prefix of %d bytes is not whole %d-byte blocks", ErrMessageLength, len(prefix), BlockSize)
	}
	if !impl.Available() {
		return State{}, fmt.Errorf("%w: %v", ErrUnavailable, impl)
	}
	s := initialState()
	impl.compress(&s, prefix)
	return s, nil
}
