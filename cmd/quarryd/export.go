package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/node"
)

// progressInterval is how often export and import log their progress.
const progressInterval = 5 * time.Second

// errInterrupted: a signal stopped an export or import before the end. The
// database is consistent (every block is committed whole), but the job is
// not done, so the exit code is not 0.
var errInterrupted = errors.New("interrupted")

func exportCommand() *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "write the active chain's blocks to a file",
		ArgsUsage: "FILE",
		Description: `Writes blocks 1 to the head of the chain in --datadir to FILE, each as a
4-byte big-endian length and the block's encoding. The node must not be
running on the data directory.`,
		Flags:  storeFlags(defaultDataDir()),
		Before: applyConfigFile,
		Action: func(c *cli.Context) error {
			path, err := fileArg(c)
			if err != nil {
				return err
			}
			return withChain(c, false, func(bc *chain.BlockChain, log *slog.Logger) error {
				return exportChain(c, bc, log, path)
			})
		},
	}
}

func importCommand() *cli.Command {
	return &cli.Command{
		Name:      "import",
		Usage:     "import blocks from a file into the chain",
		ArgsUsage: "FILE",
		Description: `Reads a file written by export and runs every block through the chain's
full validation, as if it came from a peer. Blocks the chain has are
skipped. A fresh data directory needs --genesis. The node must not be
running on the data directory.`,
		Flags:  storeFlags(defaultDataDir()),
		Before: applyConfigFile,
		Action: func(c *cli.Context) error {
			path, err := fileArg(c)
			if err != nil {
				return err
			}
			return withChain(c, true, func(bc *chain.BlockChain, log *slog.Logger) error {
				return importChain(c, bc, log, path)
			})
		},
	}
}

// fileArg is the single FILE argument of export and import.
func fileArg(c *cli.Context) (string, error) {
	if c.NArg() != 1 {
		return "", usagef("%s needs exactly one FILE argument, got %d", c.Command.Name, c.NArg())
	}
	return c.Args().First(), nil
}

// withChain opens the chain of --datadir for fn and closes it after. Only
// import (create) may start from a fresh data directory.
func withChain(c *cli.Context, create bool, fn func(*chain.BlockChain, *slog.Logger) error) error {
	log, err := newLogger(c, c.App.ErrWriter)
	if err != nil {
		return err
	}
	dir, err := dataDir(c)
	if err != nil {
		return err
	}
	if !create {
		if _, err := os.Stat(dir); err != nil {
			return fmt.Errorf("data directory: %w", err)
		}
	}
	g, err := openGenesis(c, dir)
	if err != nil {
		return err
	}
	bc, closeDB, err := node.OpenChain(dir, g, log, c.Bool(flagNoSync))
	if err != nil {
		return explain(err)
	}
	err = fn(bc, log)
	return errors.Join(err, closeDB())
}

// exportChain writes blocks 1..head to path, through a temporary file so
// that path never holds a partial export.
func exportChain(c *cli.Context, bc *chain.BlockChain, log *slog.Logger, path string) (err error) {
	head := bc.Best()
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := newBlockWriter(tmp)
	log.Info("exporting", "blocks", head.Height, "head", head.Hash, "file", path)
	last := time.Now()
	for h := uint64(1); h <= head.Height; h++ {
		if c.Context.Err() != nil {
			return fmt.Errorf("export %w at block %d of %d", errInterrupted, h, head.Height)
		}
		b, err := bc.BlockByHeight(h)
		if err != nil {
			return fmt.Errorf("export: block %d: %w", h, err)
		}
		if err := w.write(b); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if time.Since(last) >= progressInterval {
			log.Info("exporting", "height", h, "of", head.Height)
			last = time.Now()
		}
	}
	if err := w.flush(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	log.Info("export done", "blocks", head.Height, "head", head.Hash, "file", path)
	return nil
}

// importChain runs every block of path through ProcessBlock.
func importChain(c *cli.Context, bc *chain.BlockChain, log *slog.Logger, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	r := newBlockReader(f)
	start := bc.Best()
	log.Info("importing", "file", path, "height", start.Height, "head", start.Hash)
	var imported, known int
	began, last := time.Now(), time.Now()
	for {
		if c.Context.Err() != nil {
			log.Info("import interrupted", "imported", imported, "height", bc.Best().Height)
			return fmt.Errorf("import %w after %d blocks", errInterrupted, imported)
		}
		b, err := r.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("import %s: %w", path, err)
		}
		res, err := bc.ProcessBlock(b)
		switch {
		case errors.Is(err, chain.ErrDuplicateBlock):
			known++
			continue
		case err != nil:
			return fmt.Errorf("import: block %d (height %d, %s): %w", r.n, b.Header.Height, b.Hash(), err)
		case res.Status == chain.StatusOrphan:
			return fmt.Errorf("import: block %d (height %d, %s): parent %s unknown: the file is of another chain, or not in chain order",
				r.n, b.Header.Height, b.Hash(), b.Header.ParentHash)
		}
		imported++
		if time.Since(last) >= progressInterval {
			rate := float64(imported) / time.Since(began).Seconds()
			log.Info("importing", "imported", imported, "height", bc.Best().Height, "blocks_per_s", fmt.Sprintf("%.0f", rate))
			last = time.Now()
		}
	}
	head := bc.Best()
	log.Info("import done", "imported", imported, "known", known, "height", head.Height, "head", head.Hash,
		"elapsed", time.Since(began).Round(time.Millisecond))
	return nil
}
