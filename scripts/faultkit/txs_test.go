package main

import (
	"errors"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"

	"github.com/quarry-chain/quarry/chain/types"
)

func TestInvalidTxs(t *testing.T) {
	t.Parallel()
	const chainID = 31337
	key, err := btcec.NewPrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	signer := types.NewSigner(chainID)
	good, err := signedTransfer(key, chainID, 7)
	if err != nil {
		t.Fatal(err)
	}
	if from, err := signer.Sender(good); err != nil || from != types.PubkeyToAddress(key.PubKey()) {
		t.Fatalf("the valid transfer's sender: %v %v", from, err)
	}
	for how := range numSigBreaks {
		tx, err := badSignatureTx(key, chainID, 7, how)
		if err != nil {
			t.Fatal(err)
		}
		if tx.Hash() == good.Hash() {
			t.Fatalf("break %d left the transaction unchanged", how)
		}
		if _, err := signer.Sender(tx); !errors.Is(err, types.ErrInvalidSig) {
			t.Fatalf("break %d: sender error %v, want ErrInvalidSig", how, err)
		}
	}
	wrong, err := wrongChainTx(key, chainID, 7)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := signer.Sender(wrong); !errors.Is(err, types.ErrInvalidChainID) {
		t.Fatalf("wrong chain: sender error %v, want ErrInvalidChainID", err)
	}
}
