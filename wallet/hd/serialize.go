package hd

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/btcsuite/btcd/btcec/v2"
)

// Version bytes of the Base58Check serialisation: Bitcoin mainnet's, which
// give the familiar "xprv"/"xpub" prefixes and are what the BIP-32 and
// BIP-39 test vectors and Ethereum tools print.
const (
	versionPrivate uint32 = 0x0488ade4
	versionPublic  uint32 = 0x0488b21e
)

// Reasons a serialised key is refused, wrapped together with
// ErrMalformedKey so tests can tell them apart without reading messages.
var (
	errLength           = errors.New("wrong length")
	errDepthZero        = errors.New("depth-0 key with a parent fingerprint or index")
	errPrivateKeyPrefix = errors.New("private key data must start with 0x00")
	errPrivateKeyRange  = errors.New("private key not in 1..n-1")
	errPublicKeyPrefix  = errors.New("public key data must start with 0x02 or 0x03")
	errPublicKeyPoint   = errors.New("public key is not a point on the curve")
	errVersion          = errors.New("unknown version bytes")
)

// serializedLength is version(4) depth(1) parent fingerprint(4) index(4)
// chain code(32) key data(33).
const serializedLength = 78

// String returns the Base58Check serialisation of k ("xprv..." or
// "xpub..."). For a private key that string is a secret.
func (k *ExtendedKey) String() string {
	var b [serializedLength]byte
	if k.private {
		binary.BigEndian.PutUint32(b[0:4], versionPrivate)
		// Key data is 0x00 || ser256(k) for a private key.
		k.key.PutBytesUnchecked(b[46:78])
	} else {
		binary.BigEndian.PutUint32(b[0:4], versionPublic)
		copy(b[45:78], k.pub.SerializeCompressed())
	}
	b[4] = k.depth
	copy(b[5:9], k.parentFP[:])
	binary.BigEndian.PutUint32(b[9:13], k.index)
	copy(b[13:45], k.chainCode[:])
	s := base58CheckEncode(b[:])
	clear(b[:])
	return s
}

// maxSerializedText bounds the input ParseExtendedKey decodes; a valid key
// is 111 characters.
const maxSerializedText = 128

// ParseExtendedKey reads the Base58Check form that String writes.
func ParseExtendedKey(s string) (*ExtendedKey, error) {
	if len(s) > maxSerializedText {
		return nil, fmt.Errorf("%w: %w: %d characters", ErrMalformedKey, errLength, len(s))
	}
	b, err := base58CheckDecode(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedKey, err)
	}
	if len(b) != serializedLength {
		return nil, fmt.Errorf("%w: %w: %d bytes, want %d", ErrMalformedKey, errLength, len(b), serializedLength)
	}
	k := &ExtendedKey{depth: b[4], index: binary.BigEndian.Uint32(b[9:13])}
	copy(k.parentFP[:], b[5:9])
	copy(k.chainCode[:], b[13:45])
	if k.depth == 0 && (k.parentFP != [4]byte{} || k.index != 0) {
		return nil, fmt.Errorf("%w: %w", ErrMalformedKey, errDepthZero)
	}

	keyData := b[45:78]
	switch version := binary.BigEndian.Uint32(b[0:4]); version {
	case versionPrivate:
		if keyData[0] != 0 {
			return nil, fmt.Errorf("%w: %w", ErrMalformedKey, errPrivateKeyPrefix)
		}
		if overflow := k.key.SetByteSlice(keyData[1:]); overflow || k.key.IsZero() {
			return nil, fmt.Errorf("%w: %w", ErrMalformedKey, errPrivateKeyRange)
		}
		k.private = true
		k.pub = btcec.PrivKeyFromScalar(&k.key).PubKey()
	case versionPublic:
		if keyData[0] != 0x02 && keyData[0] != 0x03 {
			return nil, fmt.Errorf("%w: %w", ErrMalformedKey, errPublicKeyPrefix)
		}
		pub, err := btcec.ParsePubKey(keyData)
		if err != nil {
			return nil, fmt.Errorf("%w: %w: %v", ErrMalformedKey, errPublicKeyPoint, err)
		}
		k.pub = pub
	default:
		return nil, fmt.Errorf("%w: %w %08x", ErrMalformedKey, errVersion, version)
	}
	return k, nil
}
