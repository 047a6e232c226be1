package p2p

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Framing. A stream carries messages as frames: the message length as a
// canonical uvarint, then the message (EncodeMessage). The reader knows the
// largest message the protocol allows at that point and refuses a longer
// declared length before reading it, so a peer cannot make us buffer more
// than that; the buffer grows as bytes arrive, so a peer that declares a
// large frame and sends nothing costs us nothing.

// writeFrame writes m as one frame.
func writeFrame(w io.Writer, m Message) error {
	payload := EncodeMessage(m)
	buf := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+len(payload)), uint64(len(payload)))
	_, err := w.Write(append(buf, payload...))
	return err
}

// readFrame reads one frame of at most max bytes and decodes it.
func readFrame(r *bufio.Reader, max int) (Message, error) {
	n, err := readUvarint(r)
	if err != nil {
		return nil, err
	}
	if n > uint64(max) {
		return nil, fmt.Errorf("%w: frame of %d bytes, limit %d", ErrMessageTooLarge, n, max)
	}
	payload, err := io.ReadAll(io.LimitReader(r, int64(n)))
	if err != nil {
		return nil, err
	}
	if uint64(len(payload)) != n {
		return nil, fmt.Errorf("%w: frame truncated at %d of %d bytes", ErrMalformed, len(payload), n)
	}
	return DecodeMessage(payload)
}

// readUvarint reads a canonical uvarint length prefix. A stream that ends
// before the first byte returns io.EOF; one that ends inside the varint is
// malformed.
func readUvarint(r io.ByteReader) (uint64, error) {
	var v uint64
	for i := 0; i < binary.MaxVarintLen64; i++ {
		c, err := r.ReadByte()
		if err != nil {
			if i > 0 && errors.Is(err, io.EOF) {
				return 0, fmt.Errorf("%w: frame length truncated", ErrMalformed)
			}
			return 0, err
		}
		if i == binary.MaxVarintLen64-1 && c > 1 {
			return 0, fmt.Errorf("%w: frame length overflows 64 bits", ErrMalformed)
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			if i > 0 && c == 0 {
				return 0, fmt.Errorf("%w: frame length has a redundant byte", ErrNonCanonical)
			}
			return v, nil
		}
	}
	return 0, fmt.Errorf("%w: frame length overflows 64 bits", ErrMalformed)
}
