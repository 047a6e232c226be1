package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/quarry-chain/quarry/p2p"
)

// Framing as the p2p package speaks it (p2p/frame.go): a message's length
// as a uvarint, then the message (p2p.EncodeMessage). The hostile peer
// writes honest frames to pass the handshake and dishonest ones to attack.

// maxReadFrame bounds what the hostile peer reads of one frame from the
// node: the largest honest answer it asks for is a Headers message of
// 2000 headers (424 KB).
const maxReadFrame = 1 << 20

// errFrameTooLong: the node declared a frame longer than maxReadFrame.
var errFrameTooLong = errors.New("frame longer than the hostile peer reads")

// frame returns payload with its length prefix.
func frame(payload []byte) []byte {
	return append(binary.AppendUvarint(make([]byte, 0, len(payload)+binary.MaxVarintLen64), uint64(len(payload))), payload...)
}

// messageFrame returns m encoded as one frame.
func messageFrame(m p2p.Message) []byte { return frame(p2p.EncodeMessage(m)) }

// writeMessage writes m as one frame.
func writeMessage(w io.Writer, m p2p.Message) error {
	_, err := w.Write(messageFrame(m))
	return err
}

// readMessage reads one frame and decodes it.
func readMessage(r *bufio.Reader) (p2p.Message, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	if n > maxReadFrame {
		return nil, fmt.Errorf("%w: %d bytes", errFrameTooLong, n)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return p2p.DecodeMessage(buf)
}
