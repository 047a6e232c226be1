package mempool

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

// fuzzSeeds returns valid encodings that exercise each transaction type
// and the executable and queued paths, from funded keys of newEnv(…, 2).
func fuzzSeeds(t testing.TB, e *env) [][]byte {
	t.Helper()
	txs := []*types.Transaction{
		e.tx(0, txSpec{nonce: 0}),
		e.tx(0, txSpec{nonce: 1, typ: types.DynamicFeeTxType, fee: 5, tip: 2}),
		e.tx(1, txSpec{nonce: 3, typ: types.AccessListTxType, price: 7}),
		e.tx(1, txSpec{nonce: 0, data: []byte{0, 1, 2}, gas: 30_000}),
		e.tx(0, txSpec{nonce: 0, price: 2}), // a replacement of the first
	}
	out := make([][]byte, len(txs))
	for i, tx := range txs {
		out[i] = tx.Encode()
	}
	return out
}

// FuzzAdd decodes arbitrary bytes as a transaction and admits it into one
// long-lived pool: admission either succeeds or fails with a typed kind,
// and the pool's invariants and limits hold after every input.
func FuzzAdd(f *testing.F) {
	e := newEnv(f, 2, func(c *Config) { c.MaxTxs, c.MaxQueued, c.MaxQueuedPerSender = 64, 16, 8 })
	for _, s := range fuzzSeeds(f, e) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tx, err := types.DecodeTransaction(data)
		if err != nil {
			return
		}
		err = e.pool.Add(tx, len(data)%2 == 0)
		var te *TxError
		switch {
		case err == nil:
			if !e.pool.Has(tx.Hash()) {
				t.Fatal("admitted transaction not in the pool")
			}
		case !errors.As(err, &te):
			t.Fatalf("untyped error %v", err)
		case te.Kind != ErrAlreadyKnown && te.Kind != ErrPoolFull && e.pool.Has(tx.Hash()):
			t.Fatalf("refused (%v) transaction in the pool", err)
		}
		if err := e.pool.invariantError(); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzDecodeJournal feeds arbitrary bytes to the journal decoder: it never
// panics, and what it accepts re-encodes to a prefix of the input (the
// rest being a torn last record).
func FuzzDecodeJournal(f *testing.F) {
	e := newEnv(f, 2, nil)
	var buf bytes.Buffer
	buf.WriteString(journalMagic)
	buf.WriteByte(journalVersion)
	f.Add(bytes.Clone(buf.Bytes()))
	for _, s := range fuzzSeeds(f, e) {
		buf.Write(appendJournalRecord(nil, s))
		f.Add(bytes.Clone(buf.Bytes()))
	}
	f.Add(append(bytes.Clone(buf.Bytes()), 0, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := decodeJournal(bytes.NewReader(data))
		if err != nil {
			return
		}
		if c.valid+c.torn != int64(len(data)) {
			t.Fatalf("valid %d + torn %d != %d bytes", c.valid, c.torn, len(data))
		}
		re := bytes.NewBuffer(bytes.Clone(data[:journalHeaderSize]))
		for _, tx := range c.txs {
			if data[len(journalMagic)] == journalVersionV1 {
				var n [4]byte
				binary.BigEndian.PutUint32(n[:], uint32(tx.Size()))
				re.Write(n[:])
				re.Write(tx.Encode())
			} else {
				re.Write(appendJournalRecord(nil, tx.Encode()))
			}
		}
		if !bytes.Equal(data[:c.valid], re.Bytes()) {
			t.Fatalf("%d transactions do not re-encode to the input's %d whole-record bytes", len(c.txs), c.valid)
		}
	})
}
