package main

import (
	"bufio"
	"fmt"
	"os"
	"sync"

	"github.com/quarry-chain/quarry/chain/types"
)

// acceptedLog records each accepted transaction as soon as a node accepts
// it, one line each, so that the file says exactly what a node promised to
// include even if this process dies. A line is
//
//	HASH SENDER NONCE URL
//
// (hex hash and address, decimal nonce, the node that accepted it). The
// first word is the hash, as scripts/testnetkit's -hashes files want.
type acceptedLog struct {
	addrs []types.Address // sender index -> address

	mu  sync.Mutex
	f   *os.File
	w   *bufio.Writer
	err error // the first write error; later writes are skipped
}

// createAcceptedLog creates (or truncates) the file at path.
func createAcceptedLog(path string, accts []account) (*acceptedLog, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--accepted-out: %w", err)
	}
	addrs := make([]types.Address, len(accts))
	for i, a := range accts {
		addrs[i] = a.addr
	}
	return &acceptedLog{addrs: addrs, f: f, w: bufio.NewWriter(f)}, nil
}

// add writes tx's line and hands it to the kernel at once: a line in the
// file is a transaction some node accepted.
func (l *acceptedLog) add(tx *signedTx, url string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return
	}
	fmt.Fprintf(l.w, "%s %s %d %s\n", tx.hash.Hex(), l.addrs[tx.sender].Hex(), tx.nonce, url)
	l.err = l.w.Flush()
}

// close flushes and closes the file and returns the first error.
func (l *acceptedLog) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.f.Close(); l.err == nil {
		l.err = err
	}
	if l.err != nil {
		return fmt.Errorf("--accepted-out: %w", l.err)
	}
	return nil
}
