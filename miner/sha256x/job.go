package sha256x

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Job is a nonce search over one message: the midstate of its whole blocks
// and its padded final block, whose words 3 and 4 hold the nonce. A Job is
// not safe for concurrent use; give each search goroutine its own (Clone).
type Job struct {
	impl Impl
	mid  State
	tail [16]uint32 // padded final block; nonce words are set per attempt
	ni   niJob
}

// niJob is what the SHA-NI kernel reads and writes, laid out for it: the
// chaining values in the register order SHA256RNDS2 works in (one register
// holds A, B, E, F and the other C, D, G, H; see toNI), and the fixed message
// words of the tail block. The assembly finds the fields through go_asm.h.
type niJob struct {
	mid [8]uint32 // midstate, toNI order
	w   [4]uint32 // tail words 0..3 (3: the nonce's high half)
	pad [4]uint32 // tail words 12..15 (14, 15: message length in bits)
	t0  uint32    // a digest whose first word is <= t0 is a candidate
	out [8]uint32 // the candidate's digest, toNI order
}

// NewJob prepares a search over msg, which must be whole 64-byte blocks
// followed by a TailSize-byte tail whose last 8 bytes are the nonce. It
// compresses the whole blocks once, with impl.
func NewJob(impl Impl, msg []byte) (*Job, error) {
	if len(msg) < TailSize || (len(msg)-TailSize)%BlockSize != 0 {
		return nil, fmt.Errorf("%w: %d bytes is not whole %d-byte blocks and a %d-byte tail", ErrMessageLength, len(msg), BlockSize, TailSize)
	}
	split := len(msg) - TailSize
	mid, err := Midstate(impl, msg[:split])
	if err != nil {
		return nil, err
	}
	j := &Job{impl: impl, mid: mid}
	for i := range TailSize / 4 {
		j.tail[i] = binary.BigEndian.Uint32(msg[split+4*i:])
	}
	j.tail[padWord] = padBit
	bitLen := uint64(len(msg)) * 8
	j.tail[14], j.tail[15] = uint32(bitLen>>32), uint32(bitLen)
	j.ni.mid = toNI(&mid)
	copy(j.ni.w[:], j.tail[:4])
	copy(j.ni.pad[:], j.tail[12:])
	return j, nil
}

// Clone returns an independent copy of j.
func (j *Job) Clone() *Job {
	c := *j
	return &c
}

// Impl returns the implementation j runs on.
func (j *Job) Impl() Impl { return j.impl }

// SetWord sets tail word i (big-endian bytes 4i..4i+3 of the tail), one of
// the TailWords words before the nonce. Quarry's header keeps its time in
// words 0 and 1 and its bits in word 2.
func (j *Job) SetWord(i int, v uint32) error {
	if i < 0 || i >= TailWords {
		return fmt.Errorf("%w: %d, want 0..%d", ErrWordIndex, i, TailWords-1)
	}
	j.tail[i] = v
	j.ni.w[i] = v
	return nil
}

// Hash returns the double SHA-256 of the message with the given nonce,
// computed on its own (not through Scan), to verify a result.
func (j *Job) Hash(nonce uint64) [32]byte {
	s := j.mid
	w := j.tail
	w[nonceHiWord], w[nonceLoWord] = uint32(nonce>>32), uint32(nonce)
	blockGeneric(&s, &w)
	return outerHash(&s).Bytes()
}

// outerHash is SHA-256 of the 32-byte digest inner: one padded block.
func outerHash(inner *State) State {
	var w [16]uint32
	copy(w[:8], inner[:])
	w[8] = padBit
	w[15] = digestLen
	s := initialState()
	blockGeneric(&s, &w)
	return s
}

// Scan tries n nonces from start upward (wrapping from 2^64-1 to 0) and
// stops at the first whose hash, read as a big-endian 256-bit number, is at
// most target. It returns that nonce and hash and true; or, when none of
// the n qualifies, the next untried nonce and false.
func (j *Job) Scan(start uint64, n uint32, target *[32]byte) (nonce uint64, hash [32]byte, found bool) {
	t0 := binary.BigEndian.Uint32(target[:4])
	nonce = start
	for n > 0 {
		hi, lo := uint32(nonce>>32), uint32(nonce)
		run := n
		if room := 1<<32 - uint64(lo); uint64(run) > room {
			run = uint32(room) // stay within one high half: the kernels step only the low word
		}
		idx, s, ok := j.scanRun(hi, lo, run, t0)
		if !ok {
			n -= run
			nonce += uint64(run)
			continue
		}
		// A candidate matches the target's first word; compare the rest.
		tried := idx - lo + 1
		n -= tried
		nonce += uint64(tried)
		if h := s.Bytes(); bytes.Compare(h[:], target[:]) <= 0 {
			return nonce - 1, h, true
		}
	}
	return nonce, hash, false
}

// scanRun tries the low nonce words lo..lo+n-1 under high word hi (lo+n must
// not pass 2^32) and returns the first whose digest's first word is <= t0.
func (j *Job) scanRun(hi, lo, n, t0 uint32) (idx uint32, digest State, found bool) {
	if j.impl == SHANI {
		j.ni.w[nonceHiWord] = hi
		j.ni.t0 = t0
		idx, found = scanNI(&j.ni, lo, n)
		if found {
			digest = fromNI(&j.ni.out)
		}
		return idx, digest, found
	}
	w := j.tail
	w[nonceHiWord] = hi
	for i := range n {
		w[nonceLoWord] = lo + i
		s := j.mid
		blockGeneric(&s, &w)
		if d := outerHash(&s); d[0] <= t0 {
			return lo + i, d, true
		}
	}
	return 0, digest, false
}

// toNI reorders a chaining value for SHA256RNDS2, which keeps A, B, E, F in
// one register and C, D, G, H in the other, each with A (or C) in the top
// lane: lanes 0..3 of the first are F, E, B, A, of the second H, G, D, C.
func toNI(s *State) [8]uint32 {
	return [8]uint32{s[5], s[4], s[1], s[0], s[7], s[6], s[3], s[2]}
}

// fromNI undoes toNI.
func fromNI(x *[8]uint32) State {
	return State{x[3], x[2], x[7], x[6], x[1], x[0], x[5], x[4]}
}

// blockSHANI is one compression on the SHA-NI kernel.
func blockSHANI(s *State, w *[16]uint32) {
	x := toNI(s)
	compressNI(&x, w)
	*s = fromNI(&x)
}
