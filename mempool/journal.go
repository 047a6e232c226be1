package mempool

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/quarry-chain/quarry/chain/types"
)

// Local transactions (those submitted to this node) survive a restart,
// clean or not, in a journal file:
//
//	magic    4 bytes  "QTXJ"
//	version  1 byte   2
//	records  each a 4-byte big-endian length n (1 <= n <= types.MaxTxSize),
//	         n bytes of canonical transaction encoding, and the 4-byte
//	         big-endian CRC-32C of those n bytes
//
// Version 1 (records without the checksum) is still read.
//
// The node appends a record for every transaction its RPC accepts before
// it answers (Journal.Append), and rewrites the file with what is still
// pooled when it starts, when the file has grown well past that, and at a
// clean shutdown. The journal itself appends the local transactions a
// reorganisation returns to the pool: a rewrite while their block was in
// the chain dropped them. Loading admits the records again as local;
// those the chain made invalid meanwhile (mined, replaced, no longer
// affordable) are refused and dropped like any other.
//
// A process killed in the middle of an append leaves at most one record
// cut short at the end: loading discards it (and a record that fails its
// checksum when only zero bytes follow it, what a power loss may leave).
// Anything else malformed is ErrBadJournal.

// journalMagic and the versions open every journal file.
const (
	journalMagic     = "QTXJ"
	journalVersionV1 = 1 // records without a checksum
	journalVersion   = 2
	// journalMaxTxs bounds what one journal may make the node load: far
	// more than any pool limit, so no honest file reaches it.
	journalMaxTxs = 1 << 20
	// DefaultJournalSlack is how many records beyond twice the live count
	// (those kept by the last rewrite) the journal may hold before it is
	// rewritten: about 0.5 MB of plain transfers, so that a busy node
	// rewrites rarely and the file stays a few times the pool's locals.
	DefaultJournalSlack = 4096
)

// journalHeaderSize is the magic and the version byte.
const journalHeaderSize = len(journalMagic) + 1

// crc32c is a record's checksum: CRC-32C (Castagnoli), which CPUs compute
// in hardware. (MakeTable builds that table once and returns it after.)
func crc32c(b []byte) uint32 { return crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)) }

// Journal errors.
var (
	// ErrBadJournal: a journal that is not one, or is corrupt.
	ErrBadJournal = errors.New("mempool: bad journal")
	// ErrJournalClosed: Append or Compact after Close.
	ErrJournalClosed = errors.New("mempool: journal closed")
)

// appendJournalRecord appends the record of one transaction encoding to
// b.
func appendJournalRecord(b, enc []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(enc)))
	b = append(b, enc...)
	return binary.BigEndian.AppendUint32(b, crc32c(enc))
}

// writeJournal writes a whole journal of txs to w.
func writeJournal(w io.Writer, txs []*types.Transaction) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(journalMagic)
	bw.WriteByte(journalVersion)
	var rec []byte
	for _, tx := range txs {
		rec = appendJournalRecord(rec[:0], tx.Encode())
		bw.Write(rec)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("mempool: write journal: %w", err)
	}
	return nil
}

// SaveLocals writes the pool's local transactions to w, as a journal, and
// returns how many it wrote.
func (p *Pool) SaveLocals(w io.Writer) (int, error) {
	locals := p.journaled(nil)
	if err := writeJournal(w, locals); err != nil {
		return 0, err
	}
	return len(locals), nil
}

// journaled returns, in sender and nonce order, the pooled transactions
// that are local or whose hash is in also.
func (p *Pool) journaled(also map[types.Hash]struct{}) []*types.Transaction {
	p.mu.Lock()
	var keep []*poolTx
	for _, a := range p.senders {
		for _, ptx := range a.txs {
			if _, ok := also[ptx.hash]; ok || ptx.local {
				keep = append(keep, ptx)
			}
		}
	}
	p.mu.Unlock()
	slices.SortFunc(keep, func(a, b *poolTx) int {
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
	out := make([]*types.Transaction, len(keep))
	for i, ptx := range keep {
		out[i] = ptx.tx
	}
	return out
}

// journalContents is what decodeJournal read.
type journalContents struct {
	txs   []*types.Transaction
	valid int64 // bytes of the header and the whole records
	torn  int64 // bytes after them: a record cut short, or zeros
}

// DecodeJournal reads a journal. A torn last record ends it without error:
// one cut short by the end of the file (a crash while appending), or a
// bad length or checksum followed by nothing but zero bytes (a power loss
// after the file grew but before its data reached the disk). Anything
// else malformed is ErrBadJournal (wrapping the transaction decoder's
// error, if any).
func DecodeJournal(r io.Reader) ([]*types.Transaction, error) {
	c, err := decodeJournal(r)
	return c.txs, err
}

// decodeJournal reads a journal, telling the whole records from a torn
// tail.
func decodeJournal(r io.Reader) (journalContents, error) {
	var c journalContents
	br := bufio.NewReader(r)
	var head [journalHeaderSize]byte
	if _, err := io.ReadFull(br, head[:]); err != nil {
		return c, fmt.Errorf("%w: header: %w", ErrBadJournal, err)
	}
	if string(head[:len(journalMagic)]) != journalMagic {
		return c, fmt.Errorf("%w: magic %q", ErrBadJournal, head[:len(journalMagic)])
	}
	version := head[len(journalMagic)]
	if version != journalVersion && version != journalVersionV1 {
		return c, fmt.Errorf("%w: version %d", ErrBadJournal, version)
	}
	c.valid = int64(journalHeaderSize)
	trailer := 4 // the checksum
	if version == journalVersionV1 {
		trailer = 0
	}
	// tornAt ends the journal at the record that begins at c.valid, of
	// which read bytes were read, if it is an append the disk never fully
	// received: cut short by the end of the file, or followed only by
	// zero bytes (with zero, those of the record that must be zeros too).
	// Anything else is corruption, described by bad.
	tornAt := func(read int, zero []byte, cutShort bool, bad string) (journalContents, error) {
		rest, restZero, err := drain(br)
		if err != nil {
			return c, fmt.Errorf("mempool: read journal: %w", err)
		}
		if !cutShort && (!restZero || !allZero(zero)) {
			return c, fmt.Errorf("%w: record %d: %s", ErrBadJournal, len(c.txs), bad)
		}
		c.torn = int64(read) + rest
		return c, nil
	}
	buf := make([]byte, 0, 512)
	for {
		var n [4]byte
		if k, err := io.ReadFull(br, n[:]); err != nil {
			switch {
			case errors.Is(err, io.EOF):
				return c, nil
			case errors.Is(err, io.ErrUnexpectedEOF):
				return tornAt(k, nil, true, "")
			}
			return c, fmt.Errorf("mempool: read journal: %w", err)
		}
		size := binary.BigEndian.Uint32(n[:])
		if size == 0 || size > types.MaxTxSize {
			return tornAt(len(n), n[:], false, fmt.Sprintf("length %d", size))
		}
		if len(c.txs) >= journalMaxTxs {
			return c, fmt.Errorf("%w: more than %d records", ErrBadJournal, journalMaxTxs)
		}
		buf = slices.Grow(buf[:0], int(size)+trailer)[:int(size)+trailer]
		if k, err := io.ReadFull(br, buf); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return tornAt(len(n)+k, nil, true, "")
			}
			return c, fmt.Errorf("mempool: read journal: %w", err)
		}
		enc := buf[:size]
		if trailer > 0 && binary.BigEndian.Uint32(buf[size:]) != crc32c(enc) {
			// The record itself may be half written (its length reached
			// the disk, not all of its bytes): only what follows must be
			// zeros.
			return tornAt(len(n)+len(buf), nil, false, "checksum mismatch")
		}
		tx, err := types.DecodeTransaction(enc)
		if err != nil {
			return c, fmt.Errorf("%w: record %d: %w", ErrBadJournal, len(c.txs), err)
		}
		c.txs = append(c.txs, tx)
		c.valid += int64(len(n) + len(buf))
	}
}

// allZero reports whether b holds only zero bytes.
func allZero(b []byte) bool {
	return !slices.ContainsFunc(b, func(x byte) bool { return x != 0 })
}

// drain reads the rest of r and reports how many bytes there were and
// whether all of them are zero.
func drain(r io.Reader) (n int64, zero bool, err error) {
	var chunk [4096]byte
	zero = true
	for {
		k, err := r.Read(chunk[:])
		n += int64(k)
		zero = zero && allZero(chunk[:k])
		if errors.Is(err, io.EOF) {
			return n, zero, nil
		}
		if err != nil {
			return n, zero, err
		}
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
	added, dropped = p.admitLocals(txs)
	return added, dropped, nil
}

// admitLocals admits txs as local and counts the outcome.
func (p *Pool) admitLocals(txs []*types.Transaction) (added, dropped int) {
	for _, err := range p.AddBatch(txs, true) {
		if err == nil {
			added++
		} else {
			dropped++
		}
	}
	return added, dropped
}

// JournalConfig configures Pool.OpenJournal.
type JournalConfig struct {
	// Path is the journal file; it need not exist.
	Path string
	// NoSync skips the fsync of rewrites (tests and benchmarks only).
	// Appends are never synced: see Journal.Append.
	NoSync bool
	// Slack is how many records beyond twice the live count the file may
	// hold before it is rewritten (default DefaultJournalSlack).
	Slack int
}

// JournalLoad is what Pool.OpenJournal found in the file.
type JournalLoad struct {
	Records   int   // whole records read
	Added     int   // admitted to the pool again
	Dropped   int   // refused: mined, replaced or unaffordable meanwhile
	TornBytes int64 // a record cut short (or zeros) at the end, discarded
}

// Journal keeps the pool's local transactions in a file as they arrive,
// so that a node killed at any moment finds again, when it restarts,
// every transaction it had accepted. It is safe for concurrent use.
//
// The file holds every transaction appended since the last rewrite; a
// rewrite keeps those the pool still holds (and every local one), in
// sender and nonce order, so that loading admits them in an order the pool
// takes.
type Journal struct {
	pool  *Pool
	path  string
	sync  bool
	slack int

	mu      sync.Mutex
	f       *os.File // opened for appending (nil if reopening failed)
	size    int64    // bytes of whole records in f
	hashes  map[types.Hash]struct{}
	live    int  // records the last rewrite kept
	rewrite bool // f is nil or may end in a partial record: rewrite before appending
	closed  bool

	unsubscribe func() // from the pool's returned local transactions
}

// OpenJournal reads the journal at cfg.Path (a missing file is an empty
// journal), admits its transactions as local, rewrites the file with what
// the pool took and opens it for appending. A record cut short at the end
// (a crash while appending) is discarded; a corrupt file is ErrBadJournal
// and left as it is, for the caller to move aside.
func (p *Pool) OpenJournal(cfg JournalConfig) (*Journal, JournalLoad, error) {
	var load JournalLoad
	if cfg.Slack <= 0 {
		cfg.Slack = DefaultJournalSlack
	}
	j := &Journal{pool: p, path: cfg.Path, sync: !cfg.NoSync, slack: cfg.Slack, hashes: map[types.Hash]struct{}{}}
	f, err := os.Open(cfg.Path)
	switch {
	case err == nil:
		c, err := decodeJournal(f)
		f.Close()
		if err != nil {
			return nil, load, fmt.Errorf("%s: %w", cfg.Path, err)
		}
		load.Records, load.TornBytes = len(c.txs), c.torn
		// Appends are in acceptance order, where a sender's later nonce
		// may precede the one that filled its gap: admitting in nonce
		// order keeps them out of the queue and its limits. Stable, so a
		// replacement still follows what it replaced.
		slices.SortStableFunc(c.txs, func(a, b *types.Transaction) int { return cmp.Compare(a.Nonce, b.Nonce) })
		load.Added, load.Dropped = p.admitLocals(c.txs)
	case !errors.Is(err, os.ErrNotExist):
		return nil, load, fmt.Errorf("mempool: journal: %w", err)
	}
	// The rewrite also cuts off a torn tail, which an append must not
	// follow: the record after it would be unreadable.
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.rewriteLocked(); err != nil {
		return nil, load, err
	}
	j.unsubscribe = p.returned.subscribe(j.appendReturned)
	return j, load, nil
}

// appendReturned appends the local transactions a reorganisation returned
// to the pool, so that a crash before the next rewrite keeps them. It
// runs in the pool's chain event handling, which an append does not slow
// much: it is one unsynced write, and a rewrite is rare.
func (j *Journal) appendReturned(txs []*types.Transaction) {
	for _, tx := range txs {
		err := j.Append(tx)
		switch {
		case errors.Is(err, ErrJournalClosed):
			return
		case err != nil:
			j.pool.log.Warn("mempool: journal append of a transaction returned by a reorganisation failed",
				"hash", tx.Hash(), "path", j.path, "err", err)
		}
	}
}

// Append records tx, which the pool holds (admitted as local, or already
// known to it), before the node tells the sender it was accepted. A
// transaction already in the file is not written again.
//
// The record is written with one write call and not synced: a process
// killed at any point keeps it (the kernel holds the written page), but a
// power loss or kernel crash may lose the last records, as it may lose
// the last blocks of a node run with NoSync. Syncing every append would
// bound the node's acceptance rate by the disk's flush latency; the
// rewrites are synced unless NoSync.
func (j *Journal) Append(tx *types.Transaction) error {
	h := tx.Hash()
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return ErrJournalClosed
	}
	if _, ok := j.hashes[h]; ok {
		return nil
	}
	if j.rewrite {
		if err := j.rewriteLocked(); err != nil {
			return err
		}
		if _, ok := j.hashes[h]; ok {
			return nil
		}
	}
	rec := appendJournalRecord(make([]byte, 0, tx.Size()+8), tx.Encode())
	if _, err := j.f.Write(rec); err != nil {
		// Cut off what part of the record was written, or failing that
		// rewrite the file before the next append: a record after a
		// partial one would be lost on loading.
		if terr := j.f.Truncate(j.size); terr != nil {
			j.rewrite = true
		}
		return fmt.Errorf("mempool: journal append: %w", err)
	}
	j.size += int64(len(rec))
	j.hashes[h] = struct{}{}
	if len(j.hashes) > 2*j.live+j.slack {
		if err := j.rewriteLocked(); err != nil {
			// The record is written; the rewrite is tried again after as
			// many appends again.
			j.live = len(j.hashes)
			j.pool.log.Warn("mempool: journal rewrite failed", "path", j.path, "err", err)
		}
	}
	return nil
}

// Len returns how many records the file holds.
func (j *Journal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.hashes)
}

// Compact rewrites the file with the transactions the pool still holds.
func (j *Journal) Compact() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return ErrJournalClosed
	}
	return j.rewriteLocked()
}

// Close rewrites the file with the transactions the pool still holds (a
// clean shutdown leaves the shortest journal) and closes it. Call it
// before closing the pool. Later calls do nothing.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil
	}
	j.closed = true
	j.unsubscribe()
	err := j.rewriteLocked()
	if j.f != nil {
		err = errors.Join(err, j.f.Close())
		j.f = nil
	}
	return err
}

// rewriteLocked replaces the file, atomically, with the pooled
// transactions that are local or in the file, and reopens it for
// appending. On failure the old file and its state stay as they were.
// Call with mu held.
func (j *Journal) rewriteLocked() error {
	keep := j.pool.journaled(j.hashes)
	dir := filepath.Dir(j.path)
	tmp, err := os.CreateTemp(dir, filepath.Base(j.path)+".tmp*")
	if err != nil {
		return fmt.Errorf("mempool: journal: %w", err)
	}
	err = writeJournal(tmp, keep)
	if err == nil && j.sync {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), j.path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("mempool: journal rewrite: %w", err)
	}
	// The file now holds keep: an old handle would append to the replaced
	// file, so until a new one is open every append rewrites first.
	j.hashes = make(map[types.Hash]struct{}, len(keep))
	for _, tx := range keep {
		j.hashes[tx.Hash()] = struct{}{}
	}
	j.live = len(keep)
	j.rewrite = true
	if j.f != nil {
		j.f.Close()
		j.f = nil
	}
	if j.sync {
		// The rename is durable once the directory is.
		if d, err := os.Open(dir); err == nil {
			d.Sync()
			d.Close()
		}
	}
	f, err := os.OpenFile(j.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("mempool: journal: %w", err)
	}
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		f.Close()
		return fmt.Errorf("mempool: journal: %w", err)
	}
	j.f, j.size, j.rewrite = f, size, false
	return nil
}
