package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/node"
)

// syncBuffer is a bytes.Buffer safe for the node's goroutines to log into
// while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runApp runs quarryd in this process with args (without the program
// name) and returns what it printed and its error. urfave/cli/v2 writes
// its package-level help and version flags while it parses, so two apps
// must not run at once in one process: tests that call runApp (or
// parseRun) are not parallel.
func runApp(t *testing.T, ctx context.Context, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut syncBuffer
	err = newApp(&out, &errOut).RunContext(ctx, withDefaultCommand(append([]string{"quarryd"}, args...)))
	return out.String(), errOut.String(), err
}

// writeGenesis writes g as a genesis file in a new temporary directory
// and returns its path.
func writeGenesis(t *testing.T, g *params.Genesis) string {
	t.Helper()
	data, err := g.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "genesis.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// devGenesis is a dev genesis starting now, so that it can be mined on.
func devGenesis(t *testing.T) *params.Genesis {
	t.Helper()
	g, err := node.DevGenesis(uint64(time.Now().UnixMilli()), 0)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
