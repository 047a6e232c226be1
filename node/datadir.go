package node

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/params"
)

// GenesisFileName is the genesis a data directory was initialised with,
// in canonical form (params.Genesis.MarshalJSON). It is what makes a data
// directory belong to one network: later starts read it instead of being
// told the genesis again, and refuse a different one.
const GenesisFileName = "genesis.json"

// Errors of the data directory.
var (
	// ErrNoGenesis: the data directory has no stored genesis and none was
	// given.
	ErrNoGenesis = errors.New("node: no genesis")
	// ErrOtherNetwork: the data directory belongs to another network than
	// the genesis given.
	ErrOtherNetwork = errors.New("node: data directory belongs to another network")
)

// StoredGenesis reads the genesis stored in dataDir. If there is none the
// error matches os.ErrNotExist; a damaged file fails as params.ParseGenesis
// does.
func StoredGenesis(dataDir string) (*params.Genesis, error) {
	g, err := params.LoadGenesis(filepath.Join(dataDir, GenesisFileName))
	if err != nil {
		return nil, fmt.Errorf("node: stored genesis: %w", err)
	}
	return g, nil
}

// InitDataDir creates dataDir if needed and stores g in it. A directory that
// already holds g is left as it is (created false); one that holds another
// genesis fails with ErrOtherNetwork. The file appears atomically and is
// never replaced, so of two processes initialising one directory at once
// the first wins and the other sees its genesis.
func InitDataDir(dataDir string, g *params.Genesis) (stored *params.Genesis, created bool, err error) {
	if err := g.Validate(); err != nil {
		return nil, false, fmt.Errorf("%w: genesis: %w", ErrConfig, err)
	}
	want, err := g.MarshalJSON()
	if err != nil {
		return nil, false, fmt.Errorf("node: genesis: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, false, fmt.Errorf("node: data directory: %w", err)
	}
	path := filepath.Join(dataDir, GenesisFileName)
	switch err := writeNew(path, append(want, '\n')); {
	case err == nil:
		return g, true, nil
	case !errors.Is(err, os.ErrExist):
		return nil, false, fmt.Errorf("node: store genesis: %w", err)
	}
	have, err := StoredGenesis(dataDir)
	if err != nil {
		return nil, false, err
	}
	if err := sameNetwork(dataDir, have, g); err != nil {
		return nil, false, err
	}
	return have, false, nil
}

// OpenGenesis returns the genesis to run dataDir with: the stored one,
// checked against given if given is not nil. A directory without one is
// initialised with given (ErrNoGenesis if given is nil).
func OpenGenesis(dataDir string, given *params.Genesis) (*params.Genesis, error) {
	have, err := StoredGenesis(dataDir)
	switch {
	case err == nil && given == nil:
		return have, nil
	case err == nil:
		if err := sameNetwork(dataDir, have, given); err != nil {
			return nil, err
		}
		return have, nil
	case !errors.Is(err, os.ErrNotExist):
		return nil, err
	case given == nil:
		return nil, fmt.Errorf("%w: %s has none (initialise it with `quarryd init --genesis FILE`, or pass --genesis)",
			ErrNoGenesis, dataDir)
	}
	g, _, err := InitDataDir(dataDir, given)
	return g, err
}

// ResetDataDir deletes what a node keeps in dataDir (chain database,
// stored genesis, pending transactions, p2p identity) so that the next start
// begins a new chain. Other files are left alone, so a mistaken --datadir
// cannot wipe someone's home directory. It fails with ErrDataDirInUse while
// a node runs on the directory.
func ResetDataDir(dataDir string) error {
	db := filepath.Join(dataDir, chainDir)
	if _, err := os.Stat(db); err == nil {
		// Opening the database takes its lock: the one safe test that no
		// node is using it.
		// A database that does not open for another reason (corrupt, other
		// schema) is still ours to delete: that is often why one resets.
		kv, err := kvdb.Open(db, kvdb.Options{})
		if errors.Is(err, kvdb.ErrInUse) {
			return fmt.Errorf("%w: %s", ErrDataDirInUse, dataDir)
		}
		if err == nil {
			kv.Close()
		}
	}
	for _, name := range []string{chainDir, GenesisFileName, pendingTxsFile, p2pDir} {
		if err := os.RemoveAll(filepath.Join(dataDir, name)); err != nil {
			return fmt.Errorf("node: reset data directory: %w", err)
		}
	}
	return nil
}

// sameNetwork checks that the genesis stored in dataDir is the one given.
// It compares the canonical files, not only the genesis hashes: the hash
// commits to the allocation and the first header but not to every
// parameter (chain id, block time, reward), and a node must not quietly run
// another network's rules on a chain.
func sameNetwork(dataDir string, have, given *params.Genesis) error {
	a, errA := have.MarshalJSON()
	b, errB := given.MarshalJSON()
	if err := errors.Join(errA, errB); err != nil {
		return fmt.Errorf("node: genesis: %w", err)
	}
	if bytes.Equal(a, b) {
		return nil
	}
	return fmt.Errorf("%w: %s holds chain id %d, genesis %s; the genesis given is chain id %d, genesis %s (use another --datadir)",
		ErrOtherNetwork, dataDir, have.ChainID, genesisHash(have), given.ChainID, genesisHash(given))
}

// genesisHash names a genesis in messages.
func genesisHash(g *params.Genesis) string {
	b, err := chain.GenesisBlock(g)
	if err != nil {
		return "(invalid)"
	}
	return b.Hash().String()
}

// writeNew writes data to a new file at path, failing with os.ErrExist if
// path exists. The data is written and synced under a temporary name first
// and then linked into place, so path never holds a partial file.
func writeNew(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Link(tmp.Name(), path)
}

// OpenChain opens the chain in dataDir (chain database only: no pool,
// network or miner), for offline work such as export and import. It fails
// with ErrDataDirInUse while a node runs on the directory, and with
// chain.ErrGenesisMismatch if the database holds another network. Close
// the returned function when done; it closes the database.
func OpenChain(dataDir string, g *params.Genesis, logger *slog.Logger, noSync bool) (*chain.BlockChain, func() error, error) {
	if err := g.Validate(); err != nil {
		return nil, nil, fmt.Errorf("%w: genesis: %w", ErrConfig, err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	db, err := kvdb.Open(filepath.Join(dataDir, chainDir), kvdb.Options{NoSync: noSync})
	if errors.Is(err, kvdb.ErrInUse) {
		return nil, nil, fmt.Errorf("%w: %s", ErrDataDirInUse, dataDir)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("node: open database: %w", err)
	}
	bc, err := chain.New(chain.Config{DB: db, Genesis: g, Logger: logger.With("part", "chain")})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return bc, db.Close, nil
}
