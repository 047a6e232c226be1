package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/node"
)

// minedDataDir returns a data directory holding a dev chain of at least
// height blocks.
func minedDataDir(t *testing.T, height uint64) (dir string) {
	t.Helper()
	dir = t.TempDir()
	g, _, err := node.OpenDevGenesis(dir, time.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	cfg := node.Config{DataDir: dir, Genesis: g, NoSync: true, NoP2P: true, NoRPC: true, Mine: true}
	cfg.Miner.Threads = 1
	n, err := node.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the chain to grow", 30*time.Second, func() bool { return n.Chain().Best().Height >= height })
	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// head opens dir's chain and returns its head height and hash.
func head(t *testing.T, dir string) (uint64, types.Hash) {
	t.Helper()
	g, err := node.StoredGenesis(dir)
	if err != nil {
		t.Fatal(err)
	}
	bc, closeDB, err := node.OpenChain(dir, g, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB()
	best := bc.Best()
	return best.Height, best.Hash
}

func TestExportImportReproducesTheHead(t *testing.T) {
	src := minedDataDir(t, 12)
	wantHeight, wantHash := head(t, src)
	file := filepath.Join(t.TempDir(), "chain.blocks")
	ctx := context.Background()
	if _, stderr, err := runApp(t, ctx, "export", "--datadir", src, "--nosync", file); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}

	dst := filepath.Join(t.TempDir(), "copy")
	genesis := filepath.Join(src, node.GenesisFileName)
	if _, stderr, err := runApp(t, ctx, "import", "--datadir", dst, "--genesis", genesis, "--nosync", file); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	if h, hash := head(t, dst); h != wantHeight || hash != wantHash {
		t.Fatalf("imported head %d %s, want %d %s", h, hash, wantHeight, wantHash)
	}
	// Importing again finds every block known and changes nothing.
	if _, stderr, err := runApp(t, ctx, "import", "--datadir", dst, "--nosync", file); err != nil {
		t.Fatalf("second import: %v\n%s", err, stderr)
	}
	if h, hash := head(t, dst); h != wantHeight || hash != wantHash {
		t.Fatalf("after re-import head %d %s, want %d %s", h, hash, wantHeight, wantHash)
	}

	// Another network's chain refuses the file: its first block's parent
	// is unknown there.
	otherDir := minedDataDir(t, 1)
	if _, _, err := runApp(t, ctx, "import", "--datadir", otherDir, "--nosync", file); err == nil {
		t.Fatal("import into another network's chain succeeded")
	}
}

// cancelAfter is a context whose Err reports cancellation from its n-th
// call on: an export or import checks it once per block, so this stops
// one after a known number of blocks, as a signal at that moment would.
type cancelAfter struct {
	context.Context
	n atomic.Int64
}

func (c *cancelAfter) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// TestImportInterruptedLeavesAReopenableChain: a signal during import
// stops it between blocks; the data directory reopens at the last
// imported block, and a second import completes the job.
func TestImportInterruptedLeavesAReopenableChain(t *testing.T) {
	src := minedDataDir(t, 8)
	wantHeight, wantHash := head(t, src)
	file := filepath.Join(t.TempDir(), "chain.blocks")
	if _, _, err := runApp(t, context.Background(), "export", "--datadir", src, "--nosync", file); err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	ctx := &cancelAfter{Context: context.Background()}
	ctx.n.Store(3)
	_, _, err := runApp(t, ctx, "import", "--datadir", dst, "--genesis", filepath.Join(src, node.GenesisFileName), "--nosync", file)
	if !errors.Is(err, errInterrupted) || exitCode(err) != exitError {
		t.Fatalf("interrupted import: err = %v (exit %d), want errInterrupted (exit 1)", err, exitCode(err))
	}
	if h, _ := head(t, dst); h != 3 {
		t.Fatalf("interrupted import reopens at height %d, want 3", h)
	}
	if _, _, err := runApp(t, context.Background(), "import", "--datadir", dst, "--nosync", file); err != nil {
		t.Fatal(err)
	}
	if h, hash := head(t, dst); h != wantHeight || hash != wantHash {
		t.Fatalf("head %d %s, want %d %s", h, hash, wantHeight, wantHash)
	}
}

func TestBlockFileRoundTripAndErrors(t *testing.T) {
	t.Parallel()
	src := minedDataDir(t, 3)
	g, err := node.StoredGenesis(src)
	if err != nil {
		t.Fatal(err)
	}
	bc, closeDB, err := node.OpenChain(src, g, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := newBlockWriter(&buf)
	var hashes []types.Hash
	for h := uint64(1); h <= 3; h++ {
		b, err := bc.BlockByHeight(h)
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, b.Hash())
		if err := w.write(b); err != nil {
			t.Fatal(err)
		}
	}
	closeDB()
	if err := w.flush(); err != nil {
		t.Fatal(err)
	}
	file := buf.Bytes()

	r := newBlockReader(bytes.NewReader(file))
	for i, want := range hashes {
		b, err := r.next()
		if err != nil || b.Hash() != want {
			t.Fatalf("record %d: %v, hash mismatch", i, err)
		}
	}
	if _, err := r.next(); !errors.Is(err, io.EOF) {
		t.Fatalf("after the last record: %v, want io.EOF", err)
	}

	tests := []struct {
		name string
		data []byte
	}{
		{"length cut short", file[:2]},
		{"block cut short", file[:len(file)-1]},
		{"length beyond the limit", []byte{0xff, 0xff, 0xff, 0xff}},
		{"not a block", []byte{0, 0, 0, 3, 1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newBlockReader(bytes.NewReader(tt.data))
			var err error
			for err == nil {
				_, err = r.next()
			}
			if !errors.Is(err, errBlockFile) {
				t.Fatalf("err = %v, want errBlockFile", err)
			}
		})
	}
}

// FuzzBlockReader: any file gives blocks, io.EOF or errBlockFile, never a
// panic, and every block read re-encodes to the bytes it came from.
func FuzzBlockReader(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{0, 0, 0, 3, 1, 2, 3})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := newBlockReader(bytes.NewReader(data))
		var off int
		for {
			b, err := r.next()
			if errors.Is(err, io.EOF) {
				if off != len(data) {
					t.Fatalf("EOF at %d of %d bytes", off, len(data))
				}
				return
			}
			if err != nil {
				if !errors.Is(err, errBlockFile) {
					t.Fatalf("error %v is not errBlockFile", err)
				}
				return
			}
			enc := b.Encode()
			if !bytes.Equal(enc, data[off+blockLenSize:off+blockLenSize+len(enc)]) {
				t.Fatal("block does not re-encode to its record")
			}
			off += blockLenSize + len(enc)
		}
	})
}
