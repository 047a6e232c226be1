package p2p

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/libp2p/go-libp2p/core/crypto"
)

// LoadOrCreateKey returns the Ed25519 identity key kept in dir/KeyFileName,
// creating it (mode 0600, the directory 0700 if missing) on first use. The
// peer id derives from the key, so a node keeps its id across restarts. The
// file holds the key in libp2p's protobuf form; a file that does not decode
// to an Ed25519 key fails with ErrBadKey rather than being overwritten.
func LoadOrCreateKey(dir string) (crypto.PrivKey, error) {
	path := filepath.Join(dir, KeyFileName)
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		key, err := crypto.UnmarshalPrivateKey(data)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrBadKey, path, err)
		}
		if key.Type() != crypto.Ed25519 {
			return nil, fmt.Errorf("%w: %s: key type %v, want Ed25519", ErrBadKey, path, key.Type())
		}
		return key, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("p2p: read identity key: %w", err)
	}
	key, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("p2p: generate identity key: %w", err)
	}
	data, err = crypto.MarshalPrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("p2p: encode identity key: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("p2p: identity key directory: %w", err)
	}
	// Write to a temporary file and rename, so a crash never leaves a
	// truncated key that would fail to load at the next start.
	tmp, err := os.CreateTemp(dir, KeyFileName+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("p2p: write identity key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("p2p: write identity key: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("p2p: write identity key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("p2p: write identity key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("p2p: write identity key: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, fmt.Errorf("p2p: write identity key: %w", err)
	}
	return key, nil
}
