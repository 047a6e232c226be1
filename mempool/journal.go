package mempool

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/quarry-chain/quarry/chain/types"
)

// Local transactions (those submitted to this node) survive a restart in
// a journal file:
//
//	magic    4 bytes  "QTXJ"
//	version  1 byte   1
//	records  each a 4-byte big-endian length n (1 <= n <= types.MaxTxSize)
//	         followed by n bytes of canonical transaction encoding
//
// in sender and nonce order. Loading admits them again as local; those the
// chain made invalid meanwhile (mined, replaced, no longer affordable) are
// refused and dropped like any other.

// journalMagic and journalVersion open every journal file.
const (
	journalMagic   = "QTXJ"
	journalVersion = 1
	// journalMaxTxs bounds what one journal may make the node load: far
	// more than any pool limit, so no honest file reaches it.
	journalMaxTxs = 1 << 20
)

// ErrBadJournal: a journal that is not one, or is corrupt.
var ErrBadJournal = errors.New("mempool: bad journal")

// SaveLocals writes the pool's local transactions to w and returns how
// many it wrote.
func (p *Pool) SaveLocals(w io.Writer) (int, error) {
	p.mu.Lock()
	var locals []*poolTx
	for _, a := range p.senders {
		for _, ptx := range a.txs {
			if ptx.local {
				locals = append(locals, ptx)
			}
		}
	}
	p.mu.Unlock()
	slices.SortFunc(locals, func(a, b *poolTx) int {
		if c := slices.Compare(a.sender[:], b.sender[:]); c != 0 {
			return c
		}
		switch {
		case a.nonce < b.nonce:
			return -1
		case a.nonce > b.nonce:
			return 1
		}
		return 0
	})
	bw := bufio.NewWriter(w)
	bw.WriteString(journalMagic)
	bw.WriteByte(journalVersion)
	var n [4]byte
	for _, ptx := range locals {
		enc := ptx.tx.Encode()
		binary.BigEndian.PutUint32(n[:], uint32(len(enc)))
		bw.Write(n[:])
		bw.Write(enc)
	}
	if err := bw.Flush(); err != nil {
		return 0, fmt.Errorf("mempool: write journal: %w", err)
	}
	return len(locals), nil
}

// SaveLocalsFile writes the journal to path atomically (a temporary file
// renamed over it), so a crash leaves the old journal or the new one.
func (p *Pool) SaveLocalsFile(path string) (int, error) {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return 0, fmt.Errorf("mempool: journal: %w", err)
	}
	n, err := p.SaveLocals(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return 0, fmt.Errorf("mempool: journal: %w", err)
	}
	return n, nil
}

// DecodeJournal reads a journal. A record cut short at the end (a crash
// while writing) ends it without error; anything else malformed is
// ErrBadJournal (wrapping the transaction decoder's error, if any).
func DecodeJournal(r io.Reader) ([]*types.Transaction, error) {
	br := bufio.NewReader(r)
	var head [len(journalMagic) + 1]byte
	if _, err := io.ReadFull(br, head[:]); err != nil {
		return nil, fmt.Errorf("%w: header: %w", ErrBadJournal, err)
	}
	if string(head[:len(journalMagic)]) != journalMagic {
		return nil, fmt.Errorf("%w: magic %q", ErrBadJournal, head[:len(journalMagic)])
	}
	if v := head[len(journalMagic)]; v != journalVersion {
		return nil, fmt.Errorf("%w: version %d", ErrBadJournal, v)
	}
	var txs []*types.Transaction
	buf := make([]byte, 0, 512)
	for {
		var n [4]byte
		if _, err := io.ReadFull(br, n[:]); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return txs, nil
			}
			return nil, fmt.Errorf("mempool: read journal: %w", err)
		}
		size := binary.BigEndian.Uint32(n[:])
		if size == 0 || size > types.MaxTxSize {
			return nil, fmt.Errorf("%w: record %d: length %d", ErrBadJournal, len(txs), size)
		}
		if len(txs) >= journalMaxTxs {
			return nil, fmt.Errorf("%w: more than %d records", ErrBadJournal, journalMaxTxs)
		}
		buf = slices.Grow(buf[:0], int(size))[:size]
		if _, err := io.ReadFull(br, buf); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return txs, nil
			}
			return nil, fmt.Errorf("mempool: read journal: %w", err)
		}
		tx, err := types.DecodeTransaction(buf)
		if err != nil {
			return nil, fmt.Errorf("%w: record %d: %w", ErrBadJournal, len(txs), err)
		}
		txs = append(txs, tx)
	}
}

// LoadLocals reads a journal from r and admits its transactions as local.
// It returns how many were admitted and how many were dropped (refused by
// admission: they became invalid while the node was down).
func (p *Pool) LoadLocals(r io.Reader) (added, dropped int, err error) {
	txs, err := DecodeJournal(r)
	if err != nil {
		return 0, 0, err
	}
	for _, err := range p.AddBatch(txs, true) {
		if err == nil {
			added++
		} else {
			dropped++
		}
	}
	return added, dropped, nil
}

// LoadLocalsFile is LoadLocals from the file at path; a missing file is
// an empty journal.
func (p *Pool) LoadLocalsFile(path string) (added, dropped int, err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("mempool: journal: %w", err)
	}
	defer f.Close()
	return p.LoadLocals(f)
}
