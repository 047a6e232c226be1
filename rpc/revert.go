package rpc

import (
	"encoding/binary"
	"unicode/utf8"
)

// errorSelector is the first four bytes of Keccak-256("Error(string)"), the
// selector Solidity-style contracts (and ours, by convention) put in front
// of an ABI-encoded revert reason.
var errorSelector = [4]byte{0x08, 0xc3, 0x79, 0xa0}

// revertReason decodes revert data of the form Error(string): selector,
// 32-byte offset, 32-byte length, the UTF-8 bytes. It returns the reason's
// bytes inside data (no copy: reasons can be megabytes), and false for
// anything else, including malformed encodings.
func revertReason(data []byte) ([]byte, bool) {
	const word = 32
	if len(data) < 4+2*word || [4]byte(data[:4]) != errorSelector {
		return nil, false
	}
	body := data[4:]
	off, ok := abiUint(body[:word])
	if !ok || off > uint64(len(body)-word) {
		return nil, false
	}
	n, ok := abiUint(body[off : off+word])
	start := off + word
	if !ok || n > uint64(len(body))-start {
		return nil, false
	}
	s := body[start : start+n]
	if !utf8.Valid(s) {
		return nil, false
	}
	return s, true
}

// abiUint reads a 32-byte big-endian word that must fit in 32 bits, the
// most any offset or length inside an RPC-sized payload can be.
func abiUint(w []byte) (uint64, bool) {
	for _, b := range w[:28] {
		if b != 0 {
			return 0, false
		}
	}
	return uint64(binary.BigEndian.Uint32(w[28:])), true
}
