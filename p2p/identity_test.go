package p2p

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestIdentityKeyPersists(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	c := newFakeChain(0)
	newSvc := func() *Service {
		t.Helper()
		cfg := testConfig(t, c, newFakePool())
		cfg.DataDir = dir
		s, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	first := newSvc().Self().ID
	fi, err := os.Stat(filepath.Join(dir, KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Fatalf("key file mode %v, want 0600", mode)
	}
	if again := newSvc().Self().ID; again != first {
		t.Fatalf("peer id changed across restarts: %s then %s", first, again)
	}
	// A fresh directory gives a fresh identity.
	other, err := LoadOrCreateKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := peerIDOf(other); id == first {
		t.Fatal("two data directories share a peer id")
	}
}

func TestIdentityKeyCorrupt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, KeyFileName), []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(dir); !errors.Is(err, ErrBadKey) {
		t.Fatalf("LoadOrCreateKey on garbage: %v, want ErrBadKey", err)
	}
	// The bad file is left for the operator, not overwritten.
	if b, _ := os.ReadFile(filepath.Join(dir, KeyFileName)); string(b) != "not a key" {
		t.Fatal("corrupt key file was overwritten")
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	c := newFakeChain(0)
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"bootnode without peer id", func(cfg *Config) { cfg.Bootnodes = []string{"/ip4/127.0.0.1/tcp/1"} }},
		{"bootnode garbage", func(cfg *Config) { cfg.Bootnodes = []string{"not-a-multiaddr"} }},
		{"listen garbage", func(cfg *Config) { cfg.ListenAddrs = []string{"/ip4/999.0.0.1/tcp/1"} }},
		{"no chain", func(cfg *Config) { cfg.Chain = nil }},
		{"no pool", func(cfg *Config) { cfg.TxPool = nil }},
		{"zero genesis", func(cfg *Config) { cfg.Genesis = [32]byte{} }},
		{"marks inverted", func(cfg *Config) { cfg.LowWater, cfg.HighWater = 10, 5 }},
		{"too many blocks per request", func(cfg *Config) { cfg.BlocksPerRequest = MaxBlocksPerMsg + 1 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t, c, newFakePool())
			tc.edit(&cfg)
			if _, err := New(cfg); !errors.Is(err, ErrBadConfig) {
				t.Fatalf("New: %v, want ErrBadConfig", err)
			}
		})
	}
}
