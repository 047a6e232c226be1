package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"math/big"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"

	"github.com/quarry-chain/quarry/chain/types"
)

// Blocks the hostile peer gossips. Each is built on the node's head (or, for
// orphans, on a parent nobody has), carries the chain's gas limit so that it
// fails for the reason its phase names, and a corrupted state root so that
// even a block whose proof of work and bits happen to be right can never be
// valid.

// blockOnHead returns an empty block extending head, claiming bits, timed
// after head and not before now, with a state root that cannot be right.
func blockOnHead(head headInfo, bits uint32, now time.Time) *types.Block {
	hdr := &types.Header{
		Version:    types.HeaderVersion,
		Height:     head.Height + 1,
		ParentHash: head.Hash,
		TxRoot:     types.TxRoot(nil),
		StateRoot:  head.StateRoot,
		GasLimit:   head.GasLimit,
		Time:       max(uint64(now.UnixMilli()), head.TimeMs+1),
		Bits:       bits,
	}
	copy(hdr.Extra[:], "faultkit")
	hdr.StateRoot[0] ^= 0xff
	return &types.Block{Header: hdr}
}

// orphanBlock returns a block whose parent is a random hash, claiming bits,
// carrying filler transactions (see fillerTxs).
func orphanBlock(head headInfo, bits uint32, now time.Time, filler []*types.Transaction) *types.Block {
	b := blockOnHead(head, bits, now)
	rand.Read(b.Header.ParentHash[:])
	b.Header.Height += 1 + uint64(b.Header.ParentHash[0]) // ahead of the head: plausibly from a longer branch
	b.Txs = filler
	b.Header.TxRoot = types.TxRoot(filler)
	return b
}

// fillerTxs returns n signed transfers of about size bytes each (calldata),
// from a fresh key, to fill orphan blocks: they decode and hash like any
// transaction, which is all an orphan's checks look at.
func fillerTxs(chainID uint64, n, size int) ([]*types.Transaction, error) {
	key, err := btcec.NewPrivateKey()
	if err != nil {
		return nil, err
	}
	signer := types.NewSigner(chainID)
	to := types.Address{0xfa, 0x17}
	out := make([]*types.Transaction, n)
	for i := range out {
		data := make([]byte, size)
		rand.Read(data)
		tx := &types.Transaction{Nonce: uint64(i), Gas: 2_000_000, To: &to, Data: data}
		tx.GasPrice.SetUint64(1)
		if out[i], err = signer.SignTx(tx, key); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// targetHash returns the 256-bit target bits encodes, as a hash for
// byte-wise comparison.
func targetHash(bits uint32) (types.Hash, error) {
	t, err := types.CompactToTarget(bits)
	if err != nil {
		return types.Hash{}, err
	}
	return types.TargetToHash(t)
}

// meetsTarget reports whether h's hash is at most the target its bits
// encode (the proof-of-work rule; whether the bits are right is another).
func meetsTarget(h *types.Header) bool {
	t, err := targetHash(h.Bits)
	if err != nil {
		return false
	}
	hash := h.Hash()
	return bytes.Compare(hash[:], t[:]) <= 0
}

// expectedHashes is the expected number of attempts to meet bits' target,
// 2^256/(target+1) (zero for invalid bits).
func expectedHashes(bits uint32) *big.Int {
	t, err := types.CompactToTarget(bits)
	if err != nil {
		return new(big.Int)
	}
	denom := t.Add(t, big.NewInt(1))
	return denom.Div(new(big.Int).Lsh(big.NewInt(1), 256), denom)
}

// errPoWBudget: solving a header would take more attempts than allowed.
var errPoWBudget = fmt.Errorf("proof of work over budget")

// solve searches nonces until h meets its target, at most budget attempts
// (so a chain whose target is out of the hostile peer's reach is skipped,
// not waited on). It returns the attempts made.
func solve(ctx context.Context, h *types.Header, budget uint64) (uint64, error) {
	t, err := targetHash(h.Bits)
	if err != nil {
		return 0, err
	}
	var enc [types.HeaderSize]byte
	h.EncodeTo(&enc)
	for tries := uint64(1); tries <= budget; tries++ {
		if tries%4096 == 0 && ctx.Err() != nil {
			return tries, ctx.Err()
		}
		types.SetTail(&enc, h.Time, h.Bits, h.Nonce)
		hash := doubleSHA256(enc[:])
		if bytes.Compare(hash[:], t[:]) <= 0 {
			return tries, nil
		}
		h.Nonce++
	}
	return budget, fmt.Errorf("%w: %d attempts", errPoWBudget, budget)
}

// unsolve moves h's nonce on until h misses its target: a bad proof of
// work (at an easy target about every other nonce meets it).
func unsolve(h *types.Header) {
	for meetsTarget(h) {
		h.Nonce++
	}
}

// doubleSHA256 is the block hash function, SHA-256(SHA-256(b)).
func doubleSHA256(b []byte) types.Hash {
	first := sha256.Sum256(b)
	return sha256.Sum256(first[:])
}
