package hd

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"fmt"

	"github.com/btcsuite/btcd/btcec/v2"
	"golang.org/x/crypto/ripemd160" //nolint:staticcheck // BIP-32 fingerprints are defined with RIPEMD-160.
)

// Seed bounds from BIP-32, in bytes (128 and 512 bits).
const (
	MinSeedLength = 16
	MaxSeedLength = 64
)

// masterHMACKey is the HMAC key BIP-32 fixes for deriving the master key.
const masterHMACKey = "Bitcoin seed"

// ExtendedKey is one node of a BIP-32 tree: a private or public key, its
// chain code, and where it sits (depth, parent fingerprint, child index).
// ExtendedKey values are immutable; derivation returns new ones.
type ExtendedKey struct {
	chainCode [32]byte
	key       btcec.ModNScalar // the private scalar; zero for a public key
	pub       *btcec.PublicKey
	parentFP  [4]byte
	index     uint32
	depth     uint8
	private   bool
}

// NewMaster derives the master key of seed (16 to 64 bytes, normally the
// 64-byte BIP-39 seed).
func NewMaster(seed []byte) (*ExtendedKey, error) {
	if len(seed) < MinSeedLength || len(seed) > MaxSeedLength {
		return nil, fmt.Errorf("%w: have %d bytes", ErrSeedLength, len(seed))
	}
	mac := hmac.New(sha512.New, []byte(masterHMACKey))
	mac.Write(seed)
	sum := mac.Sum(nil)

	var k btcec.ModNScalar
	if overflow := k.SetByteSlice(sum[:32]); overflow || k.IsZero() {
		return nil, ErrUnusableSeed
	}
	ek := &ExtendedKey{key: k, private: true}
	copy(ek.chainCode[:], sum[32:])
	ek.pub = btcec.PrivKeyFromScalar(&k).PubKey()
	return ek, nil
}

// IsPrivate reports whether k holds a private key.
func (k *ExtendedKey) IsPrivate() bool { return k.private }

// Depth is the number of derivations from the master key (0 for the master).
func (k *ExtendedKey) Depth() uint8 { return k.depth }

// Index is the child index k was derived with (0 for the master).
func (k *ExtendedKey) Index() uint32 { return k.index }

// ChainCode returns k's 32-byte chain code.
func (k *ExtendedKey) ChainCode() [32]byte { return k.chainCode }

// ParentFingerprint returns the fingerprint of k's parent (zero for the
// master).
func (k *ExtendedKey) ParentFingerprint() [4]byte { return k.parentFP }

// Fingerprint returns the first four bytes of RIPEMD-160(SHA-256(compressed
// public key)), which children record as their parent fingerprint.
func (k *ExtendedKey) Fingerprint() [4]byte {
	sha := sha256.Sum256(k.pub.SerializeCompressed())
	r := ripemd160.New()
	r.Write(sha[:])
	var fp [4]byte
	copy(fp[:], r.Sum(nil))
	return fp
}

// PublicKey returns k's public key.
func (k *ExtendedKey) PublicKey() *btcec.PublicKey {
	// Return a copy so callers cannot alter the key inside k.
	pub, _ := btcec.ParsePubKey(k.pub.SerializeCompressed())
	return pub
}

// PrivateKey returns k's private key, or ErrNotPrivate for a public key.
func (k *ExtendedKey) PrivateKey() (*btcec.PrivateKey, error) {
	if !k.private {
		return nil, ErrNotPrivate
	}
	scalar := k.key
	return btcec.PrivKeyFromScalar(&scalar), nil
}

// Neuter returns the public extended key of k: the same node without its
// private key, able to derive only normal children.
func (k *ExtendedKey) Neuter() *ExtendedKey {
	n := *k
	n.key.Zero()
	n.private = false
	return &n
}

// Child derives the child at index (hardened if index >= HardenedOffset).
// The child of a private key is private, of a public key public.
func (k *ExtendedKey) Child(index uint32) (*ExtendedKey, error) {
	if k.depth == MaxDepth {
		return nil, ErrDepth
	}
	hardened := index >= HardenedOffset
	if hardened && !k.private {
		return nil, ErrHardenedPublic
	}

	// HMAC-SHA512(chain code, data || ser32(index)) where data is
	// 0x00 || ser256(k) for a hardened child and serP(K) otherwise.
	var data [37]byte
	if hardened {
		k.key.PutBytesUnchecked(data[1:33])
	} else {
		copy(data[:33], k.pub.SerializeCompressed())
	}
	binary.BigEndian.PutUint32(data[33:], index)
	mac := hmac.New(sha512.New, k.chainCode[:])
	mac.Write(data[:])
	sum := mac.Sum(nil)
	clear(data[:]) // held the parent private key for hardened children

	child := &ExtendedKey{
		parentFP: k.Fingerprint(),
		index:    index,
		depth:    k.depth + 1,
		private:  k.private,
	}
	copy(child.chainCode[:], sum[32:])
	var ok bool
	if k.private {
		child.key, ok = childScalar(sum[:32], &k.key)
		if ok {
			child.pub = btcec.PrivKeyFromScalar(&child.key).PubKey()
		}
	} else {
		child.pub, ok = childPoint(sum[:32], k.pub)
	}
	if !ok {
		return nil, fmt.Errorf("%w: index %d", ErrInvalidChild, index)
	}
	return child, nil
}

// childScalar computes k_i = IL + k_par (mod n). It reports false when IL is
// not below n or the sum is zero, the cases BIP-32 declares invalid.
func childScalar(il []byte, parent *btcec.ModNScalar) (btcec.ModNScalar, bool) {
	var s btcec.ModNScalar
	if overflow := s.SetByteSlice(il); overflow {
		return btcec.ModNScalar{}, false
	}
	s.Add(parent)
	if s.IsZero() {
		return btcec.ModNScalar{}, false
	}
	return s, true
}

// childPoint computes K_i = IL*G + K_par. It reports false when IL is not
// below n or the sum is the point at infinity.
func childPoint(il []byte, parent *btcec.PublicKey) (*btcec.PublicKey, bool) {
	var s btcec.ModNScalar
	if overflow := s.SetByteSlice(il); overflow {
		return nil, false
	}
	var ilG, par, sum btcec.JacobianPoint
	btcec.ScalarBaseMultNonConst(&s, &ilG)
	parent.AsJacobian(&par)
	btcec.AddNonConst(&ilG, &par, &sum)
	if (sum.X.IsZero() && sum.Y.IsZero()) || sum.Z.IsZero() {
		return nil, false
	}
	sum.ToAffine()
	return btcec.NewPublicKey(&sum.X, &sum.Y), true
}

// Derive follows path from k, one Child call per level.
func (k *ExtendedKey) Derive(path Path) (*ExtendedKey, error) {
	cur := k
	for i, idx := range path {
		next, err := cur.Child(idx)
		if err != nil {
			return nil, fmt.Errorf("level %d of %s: %w", i+1, path, err)
		}
		cur = next
	}
	return cur, nil
}
