package main

import (
	"fmt"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// Transactions the hostile peer sends. All are plain transfers with a gas
// price far above any pool minimum, so the pool judges their signature or
// chain (or, for the flood, the sender's funds), not their price.

const (
	txGas      = 21_000
	txGasPrice = 2_000_000_000 // 2 gwei
)

// txSink is where the hostile transfers go: nobody's key.
func txSink() types.Address { return types.Address{0xde, 0xad, 0xfa, 0x17} }

// transfer returns an unsigned transfer of 1 wei with nonce.
func transfer(nonce uint64) *types.Transaction {
	to := txSink()
	tx := &types.Transaction{Nonce: nonce, Gas: txGas, To: &to}
	tx.GasPrice.SetUint64(txGasPrice)
	tx.Value.SetUint64(1)
	return tx
}

// signedTransfer returns transfer(nonce) signed by key for chainID.
func signedTransfer(key *btcec.PrivateKey, chainID, nonce uint64) (*types.Transaction, error) {
	return types.NewSigner(chainID).SignTx(transfer(nonce), key)
}

// sigBreak is a way to spoil a valid signature so that no sender can be
// recovered from it (changing the signed fields instead would recover some
// other, unfunded, sender: not an invalid transaction at all).
type sigBreak int

const (
	sigHighS sigBreak = iota // s replaced by n - s: EIP-2 refuses the twin
	sigZeroR                 // r = 0
	sigZeroS                 // s = 0
	numSigBreaks
)

// secp256k1N returns the order n of the secp256k1 group.
func secp256k1N() *uint256.Int {
	return uint256.MustFromHex("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
}

// badSignatureTx returns a transfer for chainID whose signature is broken
// as how says.
func badSignatureTx(key *btcec.PrivateKey, chainID, nonce uint64, how sigBreak) (*types.Transaction, error) {
	good, err := signedTransfer(key, chainID, nonce)
	if err != nil {
		return nil, err
	}
	bad := transfer(nonce)
	bad.ChainID, bad.V, bad.R, bad.S = good.ChainID, good.V, good.R, good.S
	switch how {
	case sigHighS:
		bad.S.Sub(secp256k1N(), &good.S)
	case sigZeroR:
		bad.R.Clear()
	case sigZeroS:
		bad.S.Clear()
	default:
		return nil, fmt.Errorf("unknown signature break %d", how)
	}
	// Round-trip through the wire form, so the transaction is exactly what
	// the node will decode (and its cached hash is of that encoding).
	return types.DecodeTransaction(bad.Encode())
}

// wrongChainTx returns a correctly signed transfer for another chain.
func wrongChainTx(key *btcec.PrivateKey, chainID, nonce uint64) (*types.Transaction, error) {
	return signedTransfer(key, chainID+1, nonce)
}
