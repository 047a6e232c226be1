package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/quarry-chain/quarry/chain/types"
)

// A block file is what export writes and import reads: blocks in chain
// order, each as a 4-byte big-endian length followed by that many bytes of
// the block's encoding (types.Block.Encode). Nothing else: no header, so
// files concatenate (cat a.blocks b.blocks > all.blocks). The genesis block
// is not included; every node derives it from the genesis file.

// blockLenSize is the size of a record's length prefix in bytes.
const blockLenSize = 4

// errBlockFile: a block file is malformed.
var errBlockFile = errors.New("malformed block file")

// blockWriter writes a block file.
type blockWriter struct{ w *bufio.Writer }

func newBlockWriter(w io.Writer) *blockWriter { return &blockWriter{bufio.NewWriter(w)} }

func (bw *blockWriter) write(b *types.Block) error {
	enc := b.Encode()
	var n [blockLenSize]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(enc)))
	if _, err := bw.w.Write(n[:]); err != nil {
		return err
	}
	_, err := bw.w.Write(enc)
	return err
}

func (bw *blockWriter) flush() error { return bw.w.Flush() }

// blockReader reads a block file.
type blockReader struct {
	r   *bufio.Reader
	n   int   // records read
	off int64 // offset of the next record
}

func newBlockReader(r io.Reader) *blockReader { return &blockReader{r: bufio.NewReader(r)} }

// next returns the next block, or io.EOF at the end of the file. A record
// cut short, longer than types.MaxBlockDecodeSize, or not a valid block
// encoding fails with errBlockFile, naming the record and its offset.
func (br *blockReader) next() (*types.Block, error) {
	var n [blockLenSize]byte
	switch _, err := io.ReadFull(br.r, n[:]); {
	case errors.Is(err, io.EOF):
		return nil, io.EOF
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, br.fail("length cut short")
	case err != nil:
		return nil, err
	}
	size := binary.BigEndian.Uint32(n[:])
	if size > types.MaxBlockDecodeSize {
		return nil, br.fail("length %d exceeds the %d-byte block limit", size, types.MaxBlockDecodeSize)
	}
	buf := make([]byte, size)
	if _, err := io.ReadFull(br.r, buf); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, br.fail("block of %d bytes cut short", size)
		}
		return nil, err
	}
	b, err := types.DecodeBlock(buf)
	if err != nil {
		return nil, br.fail("%v", err)
	}
	br.n++
	br.off += blockLenSize + int64(size)
	return b, nil
}

func (br *blockReader) fail(format string, args ...any) error {
	return fmt.Errorf("%w: record %d at byte %d: %s", errBlockFile, br.n+1, br.off, fmt.Sprintf(format, args...))
}
