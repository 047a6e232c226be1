package sha256x

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"testing"
)

// pad returns msg with FIPS 180-4 padding (0x80, zeros, 64-bit bit length).
func pad(msg []byte) []byte {
	out := append([]byte(nil), msg...)
	out = append(out, 0x80)
	for len(out)%BlockSize != BlockSize-8 {
		out = append(out, 0)
	}
	return binary.BigEndian.AppendUint64(out, uint64(len(msg))*8)
}

// sum computes SHA-256 of msg with impl's compression function alone.
func sum(impl Impl, msg []byte) [32]byte {
	s := initialState()
	impl.compress(&s, pad(msg))
	return s.Bytes()
}

func doubleSHA(msg []byte) [32]byte {
	first := sha256.Sum256(msg)
	return sha256.Sum256(first[:])
}

func TestCompressMatchesStdlib(t *testing.T) {
	t.Parallel()
	for _, impl := range Impls() {
		t.Run(impl.String(), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(1, uint64(impl)))
			// Every length around the block boundaries, then random ones.
			lengths := []int{0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 212}
			for range 3000 {
				lengths = append(lengths, rng.IntN(400))
			}
			for _, n := range lengths {
				msg := make([]byte, n)
				for i := range msg {
					msg[i] = byte(rng.Uint32())
				}
				if got, want := sum(impl, msg), sha256.Sum256(msg); got != want {
					t.Fatalf("%d-byte message %x: got %x, want %x", n, msg, got, want)
				}
			}
		})
	}
}

func TestKnownVector(t *testing.T) {
	t.Parallel()
	// FIPS 180-4 example "abc" (NIST CSRC examples, SHA256.pdf).
	want := [32]byte{
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
		0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	}
	for _, impl := range Impls() {
		if got := sum(impl, []byte("abc")); got != want {
			t.Errorf("%v: SHA-256(abc) = %x, want %x", impl, got, want)
		}
	}
}

// randomMsg returns a message of blocks whole blocks plus a tail.
func randomMsg(rng *rand.Rand, blocks int) []byte {
	msg := make([]byte, blocks*BlockSize+TailSize)
	for i := range msg {
		msg[i] = byte(rng.Uint32())
	}
	return msg
}

func withNonce(msg []byte, nonce uint64) []byte {
	out := append([]byte(nil), msg...)
	binary.BigEndian.PutUint64(out[len(out)-TailSize+NonceOffset:], nonce)
	return out
}

func TestJobHash(t *testing.T) {
	t.Parallel()
	for _, impl := range Impls() {
		t.Run(impl.String(), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(2, uint64(impl)))
			for i := range 500 {
				msg := randomMsg(rng, i%4)
				j, err := NewJob(impl, msg)
				if err != nil {
					t.Fatal(err)
				}
				nonce := rng.Uint64()
				if got, want := j.Hash(nonce), doubleSHA(withNonce(msg, nonce)); got != want {
					t.Fatalf("message %x nonce %d: got %x, want %x", msg, nonce, got, want)
				}
			}
		})
	}
}

// bruteForce is Scan computed with crypto/sha256.
func bruteForce(msg []byte, start uint64, n uint32, target *[32]byte) (uint64, [32]byte, bool) {
	nonce := start
	for range n {
		h := doubleSHA(withNonce(msg, nonce))
		if bytes.Compare(h[:], target[:]) <= 0 {
			return nonce, h, true
		}
		nonce++
	}
	return nonce, [32]byte{}, false
}

func TestScan(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 3))
	msg := randomMsg(rng, 3) // Quarry's header: 192 + 20 bytes
	// A target equal to some hash except in its last byte makes that nonce
	// a candidate (same first word) that the full compare must reject.
	near := doubleSHA(withNonce(msg, 1<<32+5))
	near[31]--
	if near[31] == 0xff {
		t.Fatal("pick another nonce: last byte of the hash is zero")
	}
	tight := [32]byte{0x00, 0x00, 0x7f}
	easy := [32]byte{0x0f}
	var all [32]byte
	for i := range all {
		all[i] = 0xff
	}
	tests := []struct {
		name   string
		start  uint64
		n      uint32
		target [32]byte
	}{
		{"easy", 0, 1000, easy},
		{"every nonce qualifies", 77, 10, all},
		{"none qualifies", 0, 2000, [32]byte{}},
		{"crosses low-word boundary", 1<<32 - 700, 1500, tight},
		{"wraps past 2^64-1", ^uint64(0) - 300, 600, tight},
		{"rejects a first-word candidate", 1<<32 + 5, 40, near},
		{"zero nonces", 5, 0, all},
	}
	for _, impl := range Impls() {
		for _, tc := range tests {
			t.Run(impl.String()+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				j, err := NewJob(impl, msg)
				if err != nil {
					t.Fatal(err)
				}
				gotN, gotH, gotOK := j.Scan(tc.start, tc.n, &tc.target)
				wantN, wantH, wantOK := bruteForce(msg, tc.start, tc.n, &tc.target)
				if gotN != wantN || gotH != wantH || gotOK != wantOK {
					t.Fatalf("Scan = %d %x %v, want %d %x %v", gotN, gotH, gotOK, wantN, wantH, wantOK)
				}
			})
		}
	}
}

func TestSetWordAndClone(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(4, 4))
	msg := randomMsg(rng, 3)
	for _, impl := range Impls() {
		j, err := NewJob(impl, msg)
		if err != nil {
			t.Fatal(err)
		}
		c := j.Clone()
		if err := c.SetWord(1, 0xdeadbeef); err != nil {
			t.Fatal(err)
		}
		changed := append([]byte(nil), msg...)
		binary.BigEndian.PutUint32(changed[len(msg)-TailSize+4:], 0xdeadbeef)
		var all [32]byte
		for i := range all {
			all[i] = 0xff
		}
		if _, h, _ := c.Scan(9, 1, &all); h != doubleSHA(withNonce(changed, 9)) {
			t.Errorf("%v: clone with word 1 set hashes wrongly", impl)
		}
		if _, h, _ := j.Scan(9, 1, &all); h != doubleSHA(withNonce(msg, 9)) {
			t.Errorf("%v: SetWord on a clone changed the original", impl)
		}
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	j, err := NewJob(Generic, make([]byte, 212))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"short message", second(NewJob(Generic, make([]byte, 19))), ErrMessageLength},
		{"not whole blocks", second(NewJob(Generic, make([]byte, 213))), ErrMessageLength},
		{"midstate of a partial block", second(Midstate(Generic, make([]byte, 65))), ErrMessageLength},
		{"unknown impl", second(NewJob(Impl(9), make([]byte, 84))), ErrUnavailable},
		{"word 3 is the nonce", j.SetWord(3, 1), ErrWordIndex},
		{"negative word", j.SetWord(-1, 1), ErrWordIndex},
	}
	kinds := []error{ErrMessageLength, ErrUnavailable, ErrWordIndex}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range kinds {
				if got := errors.Is(tc.err, k); got != (k == tc.want) {
					t.Errorf("errors.Is(%v, %v) = %v", tc.err, k, got)
				}
			}
		})
	}
}

func second[T any](_ T, err error) error { return err }

func TestImplString(t *testing.T) {
	t.Parallel()
	for impl, want := range map[Impl]string{Generic: "generic", SHANI: "sha-ni", 7: "Impl(7)"} {
		if got := impl.String(); got != want {
			t.Errorf("%d: %q, want %q", impl, got, want)
		}
	}
	if !Fastest().Available() || !Generic.Available() || Impl(0).Available() {
		t.Error("availability is inconsistent")
	}
}

// FuzzScan checks every implementation's Scan and Hash against
// crypto/sha256 on arbitrary messages, nonces and targets.
func FuzzScan(f *testing.F) {
	f.Add(make([]byte, 212), uint64(0), []byte{0xff})
	f.Add(bytes.Repeat([]byte{0xa5}, 84), ^uint64(0)-2, []byte{0x7f, 0xff})
	f.Add([]byte("0123456789abcdefghij"), uint64(1<<32-1), []byte{0x20})
	f.Fuzz(func(t *testing.T, msg []byte, start uint64, target []byte) {
		if len(msg) < TailSize || (len(msg)-TailSize)%BlockSize != 0 || len(msg) > 16*BlockSize {
			return
		}
		var tgt [32]byte
		copy(tgt[:], target)
		wantN, wantH, wantOK := bruteForce(msg, start, 8, &tgt)
		for _, impl := range Impls() {
			j, err := NewJob(impl, msg)
			if err != nil {
				t.Fatal(err)
			}
			if n, h, ok := j.Scan(start, 8, &tgt); n != wantN || h != wantH || ok != wantOK {
				t.Fatalf("%v: Scan = %d %x %v, want %d %x %v", impl, n, h, ok, wantN, wantH, wantOK)
			}
			if h := j.Hash(start); h != doubleSHA(withNonce(msg, start)) {
				t.Fatalf("%v: Hash(%d) = %x", impl, start, h)
			}
		}
	})
}
