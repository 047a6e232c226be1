package hd

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
)

// bip32Vectors is testdata/bip32_vectors.json.
type bip32Vectors struct {
	Vectors []struct {
		Name   string `json:"name"`
		Seed   string `json:"seed"`
		Chains []struct {
			Path string `json:"path"`
			XPub string `json:"xpub"`
			XPrv string `json:"xprv"`
		} `json:"chains"`
	} `json:"vectors"`
	Invalid []struct {
		Key    string `json:"key"`
		Reason string `json:"reason"`
	} `json:"invalid"`
}

func loadBIP32(t *testing.T) bip32Vectors {
	t.Helper()
	raw, err := os.ReadFile("testdata/bip32_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v bip32Vectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Vectors) != 4 || len(v.Invalid) != 16 {
		t.Fatalf("vector file has %d vectors and %d invalid keys", len(v.Vectors), len(v.Invalid))
	}
	return v
}

func TestBIP32Vectors(t *testing.T) {
	t.Parallel()
	v := loadBIP32(t)
	for _, vec := range v.Vectors {
		seed, err := hex.DecodeString(vec.Seed)
		if err != nil {
			t.Fatal(err)
		}
		master, err := NewMaster(seed)
		if err != nil {
			t.Fatalf("%s: %v", vec.Name, err)
		}
		for _, c := range vec.Chains {
			t.Run(vec.Name+" "+c.Path, func(t *testing.T) {
				t.Parallel()
				path, err := ParsePath(c.Path)
				if err != nil {
					t.Fatal(err)
				}
				k, err := master.Derive(path)
				if err != nil {
					t.Fatal(err)
				}
				if got := k.String(); got != c.XPrv {
					t.Errorf("xprv = %s, want %s", got, c.XPrv)
				}
				if got := k.Neuter().String(); got != c.XPub {
					t.Errorf("xpub = %s, want %s", got, c.XPub)
				}
				if int(k.Depth()) != len(path) {
					t.Errorf("depth = %d, want %d", k.Depth(), len(path))
				}

				// Both serialisations parse back to the same node.
				prv, err := ParseExtendedKey(c.XPrv)
				if err != nil {
					t.Fatalf("ParseExtendedKey(xprv): %v", err)
				}
				if !prv.IsPrivate() || prv.String() != c.XPrv || prv.ChainCode() != k.ChainCode() {
					t.Errorf("xprv does not round-trip")
				}
				pub, err := ParseExtendedKey(c.XPub)
				if err != nil {
					t.Fatalf("ParseExtendedKey(xpub): %v", err)
				}
				if pub.IsPrivate() || pub.String() != c.XPub {
					t.Errorf("xpub does not round-trip")
				}
			})
		}
	}
}

func TestBIP32InvalidKeys(t *testing.T) {
	t.Parallel()
	reasons := map[string]error{
		"pubkey version / prvkey mismatch":            errPublicKeyPrefix,
		"prvkey version / pubkey mismatch":            errPrivateKeyPrefix,
		"invalid pubkey prefix 04":                    errPublicKeyPrefix,
		"invalid prvkey prefix 04":                    errPrivateKeyPrefix,
		"invalid pubkey prefix 01":                    errPublicKeyPrefix,
		"invalid prvkey prefix 01":                    errPrivateKeyPrefix,
		"zero depth with non-zero parent fingerprint": errDepthZero,
		"zero depth with non-zero index":              errDepthZero,
		"unknown extended key version":                errVersion,
		"private key 0 not in 1..n-1":                 errPrivateKeyRange,
		"private key n not in 1..n-1":                 errPrivateKeyRange,
		"invalid pubkey 020000000000000000000000000000000000000000000000000000000000000007": errPublicKeyPoint,
		"invalid checksum": errBase58Checksum,
	}
	for _, bad := range loadBIP32(t).Invalid {
		t.Run(bad.Reason, func(t *testing.T) {
			t.Parallel()
			want, ok := reasons[bad.Reason]
			if !ok {
				t.Fatalf("no expectation for reason %q", bad.Reason)
			}
			_, err := ParseExtendedKey(bad.Key)
			if !errors.Is(err, ErrMalformedKey) || !errors.Is(err, want) {
				t.Fatalf("err = %v, want ErrMalformedKey wrapping %v", err, want)
			}
		})
	}
}

// TestPublicDerivationMatchesPrivate checks N(CKDpriv(k, i)) == CKDpub(N(k), i)
// for normal indices, the property that makes watch-only wallets work.
func TestPublicDerivationMatchesPrivate(t *testing.T) {
	t.Parallel()
	master, err := NewMaster(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	acct, err := master.Derive(mustPath(t, "m/44'/60'/0'"))
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []uint32{0, 1, 2, 1000, HardenedOffset - 1} {
		viaPriv, err := acct.Child(i)
		if err != nil {
			t.Fatal(err)
		}
		viaPub, err := acct.Neuter().Child(i)
		if err != nil {
			t.Fatal(err)
		}
		if viaPriv.Neuter().String() != viaPub.String() {
			t.Errorf("index %d: public and private derivation disagree", i)
		}
		if _, err := viaPub.PrivateKey(); !errors.Is(err, ErrNotPrivate) {
			t.Errorf("PrivateKey of a public child: err = %v, want ErrNotPrivate", err)
		}
	}
	if _, err := acct.Neuter().Child(HardenedOffset); !errors.Is(err, ErrHardenedPublic) {
		t.Fatalf("hardened child of public key: err = %v, want ErrHardenedPublic", err)
	}
}

func TestPrivateKeyMatchesPublicKey(t *testing.T) {
	t.Parallel()
	master, err := NewMaster(bytes.Repeat([]byte{1}, 64))
	if err != nil {
		t.Fatal(err)
	}
	priv, err := master.PrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	if !priv.PubKey().IsEqual(master.PublicKey()) {
		t.Fatal("PrivateKey and PublicKey disagree")
	}
	// Changing the returned key must not change the node.
	before := master.String()
	priv.Key.SetInt(1)
	if master.String() != before {
		t.Fatal("PrivateKey exposed the node's internal scalar")
	}
}

func TestNewMasterSeedLength(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 15, 65, 128} {
		if _, err := NewMaster(make([]byte, n)); !errors.Is(err, ErrSeedLength) {
			t.Errorf("%d-byte seed: err = %v, want ErrSeedLength", n, err)
		}
	}
	for _, n := range []int{16, 32, 64} {
		if _, err := NewMaster(make([]byte, n)); err != nil {
			t.Errorf("%d-byte seed: %v", n, err)
		}
	}
}

func TestDepthLimit(t *testing.T) {
	t.Parallel()
	master, err := NewMaster(make([]byte, 16))
	if err != nil {
		t.Fatal(err)
	}
	k := master
	for range MaxDepth {
		if k, err = k.Child(0); err != nil {
			t.Fatal(err)
		}
	}
	if k.Depth() != MaxDepth {
		t.Fatalf("depth = %d", k.Depth())
	}
	if _, err := k.Child(0); !errors.Is(err, ErrDepth) {
		t.Fatalf("err = %v, want ErrDepth", err)
	}
}

// TestInvalidChild drives the two guards BIP-32 requires with crafted
// values, since no real index is known to hit them: IL >= n, and a child key
// of zero (or the point at infinity, for public derivation).
func TestInvalidChild(t *testing.T) {
	t.Parallel()
	var parent btcec.ModNScalar
	parent.SetInt(12345)
	parentPub := btcec.PrivKeyFromScalar(&parent).PubKey()

	var minusParent btcec.ModNScalar
	minusParent.NegateVal(&parent)
	var ilZeroSum [32]byte
	minusParent.PutBytes(&ilZeroSum) // IL = n - k, so IL + k = 0 (mod n)

	order := btcec.S256().N.FillBytes(make([]byte, 32)) // IL = n
	allOnes := bytes.Repeat([]byte{0xff}, 32)           // IL > n
	valid := make([]byte, 32)
	valid[31] = 1

	tests := []struct {
		name string
		il   []byte
		ok   bool
	}{
		{"IL = n", order, false},
		{"IL > n", allOnes, false},
		{"IL + k = 0", ilZeroSum[:], false},
		{"IL = 1", valid, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, ok := childScalar(tt.il, &parent); ok != tt.ok {
				t.Errorf("childScalar ok = %v, want %v", ok, tt.ok)
			}
			if _, ok := childPoint(tt.il, parentPub); ok != tt.ok {
				t.Errorf("childPoint ok = %v, want %v", ok, tt.ok)
			}
		})
	}

	// IL = 1 gives k+1 both ways.
	s, _ := childScalar(valid, &parent)
	p, _ := childPoint(valid, parentPub)
	if !btcec.PrivKeyFromScalar(&s).PubKey().IsEqual(p) {
		t.Fatal("private and public child disagree for IL = 1")
	}
}

func mustPath(t *testing.T, s string) Path {
	t.Helper()
	p, err := ParsePath(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestErrorKindsAreDistinct(t *testing.T) {
	t.Parallel()
	kinds := []error{ErrSeedLength, ErrUnusableSeed, ErrInvalidChild, ErrHardenedPublic,
		ErrNotPrivate, ErrDepth, ErrInvalidPath, ErrMalformedKey}
	for i, a := range kinds {
		for j, b := range kinds {
			if got := errors.Is(a, b); got != (i == j) {
				t.Errorf("errors.Is(%v, %v) = %v", a, b, got)
			}
		}
	}
}

func BenchmarkDeriveEthereumAccount(b *testing.B) {
	master, err := NewMaster(bytes.Repeat([]byte{9}, 64))
	if err != nil {
		b.Fatal(err)
	}
	path, err := EthereumPath(0)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := master.Derive(path); err != nil {
			b.Fatal(err)
		}
	}
}
