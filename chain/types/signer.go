package types

import (
	"errors"
	"fmt"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcec/v2/ecdsa"
	"github.com/holiman/uint256"
)

// Signature errors.
var (
	// ErrInvalidChainID: a transaction signed for another chain, or an
	// EIP-155 V that encodes another chain id.
	ErrInvalidChainID = errors.New("invalid chain id for signer")
	// ErrInvalidSig: r or s out of range, a high s (EIP-2), a bad V or
	// y-parity, or a signature no public key can be recovered from.
	ErrInvalidSig = errors.New("invalid transaction signature")
	// ErrUnprotectedTx: a legacy transaction signed without EIP-155 replay
	// protection (V of 27 or 28). Quarry accepts only protected ones.
	ErrUnprotectedTx = errors.New("unprotected transaction: EIP-155 replay protection required")
)

// Signature constants.
const (
	// eip155Offset: a protected legacy V is chainID*2 + 35 + y-parity.
	eip155Offset = 35
	// compactRecoveryBase is btcec's compact-signature header for an
	// uncompressed key: 27 + recovery id.
	compactRecoveryBase = 27
	// compactSigSize: header byte, 32-byte r, 32-byte s.
	compactSigSize = 65
)

// secp256k1N returns the order n of the secp256k1 group.
func secp256k1N() uint256.Int {
	// 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141,
	// least significant 64-bit word first.
	return uint256.Int{0xBFD25E8CD0364141, 0xBAAEDCE6AF48A03B, 0xFFFFFFFFFFFFFFFE, 0xFFFFFFFFFFFFFFFF}
}

// secp256k1HalfN returns n/2 (rounded down), the largest s EIP-2 allows.
func secp256k1HalfN() uint256.Int {
	// 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0.
	return uint256.Int{0xDFE92F46681B20A0, 0x5D576E7357A4501D, 0xFFFFFFFFFFFFFFFF, 0x7FFFFFFFFFFFFFFF}
}

// Signer signs transactions and recovers their senders for one chain id:
// legacy transactions under EIP-155, typed ones under EIP-2930 and EIP-1559.
// It is a small value, safe for concurrent use.
type Signer struct {
	chainID uint64
}

// NewSigner returns the Signer for chainID.
func NewSigner(chainID uint64) Signer { return Signer{chainID: chainID} }

// ChainID returns the chain id s signs for.
func (s Signer) ChainID() uint64 { return s.chainID }

// SigningHash returns the hash a transaction's signature signs, under s's
// chain id: for a legacy transaction Keccak-256 of
// rlp([nonce, gasPrice, gas, to, value, data, chainId, 0, 0]) (EIP-155); for
// a typed one Keccak-256 of its type byte followed by its RLP field list
// without yParity, r and s (EIP-2930, EIP-1559).
func (s Signer) SigningHash(tx *Transaction) Hash {
	var buf [512]byte
	return Keccak256(tx.appendEncoding(buf[:0], false, s.chainID))
}

// SignTx returns a copy of tx signed with key for s's chain. The signature
// is deterministic (RFC 6979) and has a low s (EIP-2). A typed tx must carry
// s's chain id; a legacy one may leave ChainID zero and gets s's. Any
// existing signature on tx is ignored.
func (s Signer) SignTx(tx *Transaction, key *btcec.PrivateKey) (*Transaction, error) {
	switch tx.Type {
	case LegacyTxType:
		if tx.ChainID != 0 && tx.ChainID != s.chainID {
			return nil, fmt.Errorf("%w: transaction has %d, signer %d", ErrInvalidChainID, tx.ChainID, s.chainID)
		}
	case AccessListTxType, DynamicFeeTxType:
		if tx.ChainID != s.chainID {
			return nil, fmt.Errorf("%w: transaction has %d, signer %d", ErrInvalidChainID, tx.ChainID, s.chainID)
		}
	default:
		return nil, fmt.Errorf("%w: type %d", ErrTxTypeNotSupported, uint8(tx.Type))
	}
	h := s.SigningHash(tx)
	sig := ecdsa.SignCompact(key, h[:], false)
	recID := sig[0] - compactRecoveryBase
	if recID > 1 {
		// r overflowed n: probability about 2^-127. Ethereum's V cannot
		// express it, so report rather than emit an unrecoverable tx.
		return nil, fmt.Errorf("%w: recovery id %d", ErrInvalidSig, recID)
	}
	out := tx.unsignedCopy()
	out.ChainID = s.chainID
	out.R.SetBytes(sig[1:33])
	out.S.SetBytes(sig[33:65])
	if out.Type == LegacyTxType {
		out.V.SetUint64(s.chainID)
		out.V.Lsh(&out.V, 1)
		out.V.AddUint64(&out.V, eip155Offset+uint64(recID))
	} else {
		out.V.SetUint64(uint64(recID))
	}
	return out, nil
}

// Sender returns the address that signed tx, checking that it was signed
// for s's chain with a valid low-s signature. The result is cached in tx.
func (s Signer) Sender(tx *Transaction) (Address, error) {
	if c := tx.cache.sender.Load(); c != nil && c.chainID == s.chainID {
		return c.addr, nil
	}
	recID, err := s.recoveryID(tx)
	if err != nil {
		return Address{}, err
	}
	if err := checkSignatureValues(&tx.R, &tx.S); err != nil {
		return Address{}, err
	}
	h := s.SigningHash(tx)
	var sig [compactSigSize]byte
	sig[0] = compactRecoveryBase + recID
	tx.R.PutUint256(sig[1:33])
	tx.S.PutUint256(sig[33:65])
	pub, _, err := ecdsa.RecoverCompact(sig[:], h[:])
	if err != nil {
		return Address{}, fmt.Errorf("%w: %v", ErrInvalidSig, err)
	}
	addr := PubkeyToAddress(pub)
	tx.cache.sender.Store(&cachedSender{chainID: s.chainID, addr: addr})
	return addr, nil
}

// recoveryID checks tx's type, chain id and V and returns the y-parity of
// its signature's R point.
func (s Signer) recoveryID(tx *Transaction) (byte, error) {
	switch tx.Type {
	case LegacyTxType:
		v := &tx.V
		if v.IsUint64() && (v.Uint64() == 27 || v.Uint64() == 28) {
			return 0, ErrUnprotectedTx
		}
		if v.LtUint64(eip155Offset) {
			return 0, fmt.Errorf("%w: legacy v %v", ErrInvalidSig, v)
		}
		// v = chainID*2 + 35 + parity, computed in 256 bits so that no
		// chain id in v can wrap around to ours.
		var want uint256.Int
		want.SetUint64(s.chainID)
		want.Lsh(&want, 1)
		want.AddUint64(&want, eip155Offset)
		var parity uint256.Int
		if _, under := parity.SubOverflow(v, &want); under || parity.GtUint64(1) {
			return 0, fmt.Errorf("%w: v %v encodes chain id %v, signer has %d",
				ErrInvalidChainID, v, legacyChainIDString(v), s.chainID)
		}
		return byte(parity.Uint64()), nil
	case AccessListTxType, DynamicFeeTxType:
		if tx.ChainID != s.chainID {
			return 0, fmt.Errorf("%w: transaction has %d, signer %d", ErrInvalidChainID, tx.ChainID, s.chainID)
		}
		if tx.V.GtUint64(1) {
			return 0, fmt.Errorf("%w: y-parity %v", ErrInvalidSig, &tx.V)
		}
		return byte(tx.V.Uint64()), nil
	}
	return 0, fmt.Errorf("%w: type %d", ErrTxTypeNotSupported, uint8(tx.Type))
}

// legacyChainIDString formats the chain id a legacy v (>= 35) encodes, for
// error messages.
func legacyChainIDString(v *uint256.Int) string {
	var id uint256.Int
	id.SubUint64(v, eip155Offset)
	id.Rsh(&id, 1)
	return id.Dec()
}

// checkSignatureValues enforces 1 <= r < n and 1 <= s <= n/2 (EIP-2: the
// high-s twin of every signature is refused, so a signature cannot be
// altered into a second valid one that changes the transaction hash).
func checkSignatureValues(r, s *uint256.Int) error {
	n, halfN := secp256k1N(), secp256k1HalfN()
	switch {
	case r.IsZero() || !r.Lt(&n):
		return fmt.Errorf("%w: r out of range", ErrInvalidSig)
	case s.IsZero() || s.Gt(&halfN):
		return fmt.Errorf("%w: s is zero or above n/2 (EIP-2)", ErrInvalidSig)
	}
	return nil
}

// PubkeyToAddress returns the address of pub: the last 20 bytes of the
// Keccak-256 of its 64-byte uncompressed form (X || Y, without the 0x04
// prefix).
func PubkeyToAddress(pub *btcec.PublicKey) Address {
	uncompressed := pub.SerializeUncompressed() // 0x04 || X || Y
	h := Keccak256(uncompressed[1:])
	var a Address
	copy(a[:], h[HashLength-AddressLength:])
	return a
}
