package trie

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

func TestProofs(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(20, 21))
	for _, n := range []int{0, 1, 2, 5, 64, 500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(uint64(n), 22))
			set := randSet(rng, n)
			tr, s := newTrie(t, 2000)
			root, _ := update(t, tr, s, setChanges(set))
			check := func(k Key, value []byte) {
				t.Helper()
				p, err := tr.Prove(k)
				if err != nil {
					t.Fatalf("Prove(%x): %v", k, err)
				}
				if err := VerifyProof(root, k, value, p); err != nil {
					t.Fatalf("VerifyProof(%x, %x): %v", k, value, err)
				}
				// The claim of the other kind must fail.
				other := []byte("not the value")
				if value != nil {
					other = nil
				}
				if err := VerifyProof(root, k, other, p); !errors.Is(err, ErrProofMismatch) {
					t.Fatalf("VerifyProof(%x, wrong %x): err = %v, want ErrProofMismatch", k, other, err)
				}
				// Encoding round-trips.
				b, err := p.MarshalBinary()
				if err != nil {
					t.Fatal(err)
				}
				var q Proof
				if err := q.UnmarshalBinary(b); err != nil || !reflect.DeepEqual(&q, p) {
					t.Fatalf("round trip: %v, %+v vs %+v", err, q, p)
				}
			}
			for k, v := range set {
				check(k, v)
			}
			for range 50 {
				var k Key
				if rng.IntN(2) == 0 {
					k = randKey(rng)
				} else {
					k = clusteredKey(byte(rng.Uint32()))
				}
				if _, ok := set[k]; !ok {
					check(k, nil)
				}
			}
		})
	}
	_ = rng
}

// TestProofTampering alters every part of valid proofs and expects each
// altered proof to be refused.
func TestProofTampering(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(23, 24))
	set := randSet(rng, 100)
	tr, s := newTrie(t, 0)
	root, _ := update(t, tr, s, setChanges(set))
	var member Key
	for k := range set {
		if p, _ := tr.Prove(k); len(p.Steps) >= 3 {
			member = k
			break
		}
	}
	absent := clusteredKey(0)
	if _, ok := set[absent]; ok {
		t.Fatal("test key unexpectedly present")
	}
	for _, c := range []struct {
		name  string
		key   Key
		value []byte
	}{{"member", member, set[member]}, {"absent", absent, nil}} {
		good, err := tr.Prove(c.key)
		if err != nil {
			t.Fatal(err)
		}
		enc, _ := good.MarshalBinary()
		if err := VerifyProof(root, c.key, c.value, good); err != nil {
			t.Fatalf("%s: untampered proof: %v", c.name, err)
		}
		// Flip every bit of the encoding: each result must fail to decode
		// or fail to verify.
		for i := range len(enc) * 8 {
			bad := bytes.Clone(enc)
			bad[i/8] ^= 0x80 >> (i % 8)
			var p Proof
			if err := p.UnmarshalBinary(bad); err != nil {
				if !errors.Is(err, ErrMalformedProof) {
					t.Fatalf("%s: bit %d: decode error %v is not ErrMalformedProof", c.name, i, err)
				}
				continue
			}
			if err := VerifyProof(root, c.key, c.value, &p); err == nil {
				t.Fatalf("%s: proof with bit %d flipped verifies", c.name, i)
			}
		}
		// Dropping or adding a step fails too.
		short := &Proof{Leaf: good.Leaf, Steps: good.Steps[1:]}
		if err := VerifyProof(root, c.key, c.value, short); !errors.Is(err, ErrProofMismatch) {
			t.Fatalf("%s: shortened proof: %v", c.name, err)
		}
		long := &Proof{Leaf: good.Leaf, Steps: append([]ProofStep{{Split: 0}}, good.Steps...)}
		if err := VerifyProof(root, c.key, c.value, long); err == nil {
			t.Fatalf("%s: lengthened proof verifies", c.name)
		}
		// Another root refuses it.
		if err := VerifyProof(EmptyRoot, c.key, c.value, good); !errors.Is(err, ErrProofMismatch) {
			t.Fatalf("%s: proof against another root: %v", c.name, err)
		}
	}
}

// TestNonMembershipNeedsTheSearchPath checks that a valid membership proof of
// one key cannot be passed off as the absence of a key whose search path
// goes elsewhere.
func TestNonMembershipNeedsTheSearchPath(t *testing.T) {
	t.Parallel()
	k0, k1 := clusteredKey(0), clusteredKey(1) // differ at bit 0
	tr, s := newTrie(t, 0)
	root, _ := update(t, tr, s, []Change{{Key: k0, Value: []byte("a")}, {Key: k1, Value: []byte("b")}})
	p, err := tr.Prove(k0)
	if err != nil {
		t.Fatal(err)
	}
	// k1 is present; the path to k0 must not prove it absent.
	if err := VerifyProof(root, k1, nil, p); !errors.Is(err, ErrProofMismatch) {
		t.Fatalf("k0's path as k1's absence: err = %v", err)
	}
}

func TestProofErrors(t *testing.T) {
	t.Parallel()
	leaf := &ProofLeaf{Key: clusteredKey(1), ValueHash: ValueHash([]byte("v"))}
	step := func(split uint8) ProofStep { return ProofStep{Split: split} }
	tests := []struct {
		name  string
		root  types.Hash
		value []byte
		p     *Proof
		want  error
	}{
		{"nil proof", EmptyRoot, nil, nil, ErrMalformedProof},
		{"steps without leaf", EmptyRoot, nil, &Proof{Steps: []ProofStep{step(1)}}, ErrMalformedProof},
		{"splits not increasing", EmptyRoot, nil, &Proof{Leaf: leaf, Steps: []ProofStep{step(3), step(3)}}, ErrMalformedProof},
		{"splits decreasing", EmptyRoot, nil, &Proof{Leaf: leaf, Steps: []ProofStep{step(9), step(2)}}, ErrMalformedProof},
		{"empty proof, other root", leafHash(&leaf.Key, &leaf.ValueHash), nil, &Proof{}, ErrProofMismatch},
		{"empty proof, value claimed", EmptyRoot, []byte("v"), &Proof{}, ErrProofMismatch},
		{"value too large", EmptyRoot, make([]byte, MaxValueSize+1), &Proof{}, ErrValueTooLarge},
		{"empty proof, absence", EmptyRoot, nil, &Proof{}, nil},
		{"single leaf, member", leafHash(&leaf.Key, &leaf.ValueHash), []byte("v"), &Proof{Leaf: leaf}, nil},
		{"single leaf, wrong value", leafHash(&leaf.Key, &leaf.ValueHash), []byte("w"), &Proof{Leaf: leaf}, ErrProofMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if err := VerifyProof(tc.root, clusteredKey(1), tc.value, tc.p); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestProofDecodeErrors(t *testing.T) {
	t.Parallel()
	full := make([]byte, proofLeafLen)
	full[0] = 0x01
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty input", nil},
		{"unknown kind", []byte{0x02}},
		{"trailing after empty", []byte{0x00, 0x00}},
		{"short leaf", full[:proofLeafLen-1]},
		{"partial step", append(bytes.Clone(full), 0x05)},
		{"repeated split", append(append(bytes.Clone(full), make([]byte, 33)...), make([]byte, 33)...)},
		{"too many steps", append(bytes.Clone(full), make([]byte, 33*257)...)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var p Proof
			if err := p.UnmarshalBinary(tc.in); !errors.Is(err, ErrMalformedProof) {
				t.Fatalf("err = %v, want ErrMalformedProof", err)
			}
		})
	}
	if _, err := (&Proof{Steps: []ProofStep{{}}}).MarshalBinary(); !errors.Is(err, ErrMalformedProof) {
		t.Fatalf("marshal of a malformed proof: err = %v", err)
	}
}

// FuzzProofDecode checks that decoding never panics, that what decodes
// re-encodes to the same bytes, and that verifying it never panics.
func FuzzProofDecode(f *testing.F) {
	f.Add([]byte{0x00})
	f.Add(append([]byte{0x01}, make([]byte, 64)...))
	f.Add(append(append([]byte{0x01}, make([]byte, 64)...), append([]byte{0x07}, make([]byte, 32)...)...))
	f.Add([]byte{0x01, 0x02})
	f.Fuzz(func(t *testing.T, b []byte) {
		var p Proof
		if err := p.UnmarshalBinary(b); err != nil {
			if !errors.Is(err, ErrMalformedProof) {
				t.Fatalf("decode error %v is not ErrMalformedProof", err)
			}
			return
		}
		enc, err := p.MarshalBinary()
		if err != nil || !bytes.Equal(enc, b) {
			t.Fatalf("re-encode: %x, %v; want %x", enc, err, b)
		}
		var key Key
		if p.Leaf != nil {
			key = p.Leaf.Key
		}
		_ = VerifyProof(EmptyRoot, key, nil, &p)
		_ = VerifyProof(EmptyRoot, key, []byte{1}, &p)
	})
}
