package main

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/node"
	"github.com/quarry-chain/quarry/p2p"
)

// TestMisconfigurations runs the real commands on bad setups: each fails
// before a node runs, with its own error and exit code.
func TestMisconfigurations(t *testing.T) {
	devFile := writeGenesis(t, devGenesis(t))
	other := params.DevGenesis(1_700_000_000_000)
	other.ChainID = 4242
	otherFile := writeGenesis(t, other)

	// A data directory of the dev network.
	devDir := t.TempDir()
	if _, _, err := node.InitDataDir(devDir, mustLoad(t, devFile)); err != nil {
		t.Fatal(err)
	}
	// A data directory a node holds.
	busyDir := t.TempDir()
	g := mustLoad(t, devFile)
	if _, _, err := node.InitDataDir(busyDir, g); err != nil {
		t.Fatal(err)
	}
	_, closeDB, err := node.OpenChain(busyDir, g, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeDB() })
	// A port something listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	busyPort := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	// Config files with mistakes in them.
	confDir := t.TempDir()
	conf := func(name, text string) string {
		path := filepath.Join(confDir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	unknownKeyConf := conf("unknown-key.toml", "rpc.prot = 8545\n")
	badTOMLConf := conf("bad.toml", "rpc.port = \n")
	badTypeConf := conf("bad-type.toml", "rpc.port = \"many\"\n")
	zeroBumpConf := conf("zero-bump.toml", "[txpool]\npricebump = 0\n")

	quiet := []string{"--nop2p", "--norpc", "--nosync"}
	tests := []struct {
		name     string
		args     []string
		wantErr  error // nil: only the exit code is checked
		wantCode int
		noInit   string            // a data directory that must stay uninitialised
		env      map[string]string // set for the command
	}{
		{name: "unknown command", args: []string{"frobnicate"}, wantCode: exitUsage},
		{name: "unknown flag", args: []string{"run", "--frobnicate"}, wantCode: exitUsage},
		{name: "run with an argument", args: []string{"run", "dev"}, wantCode: exitUsage},
		{name: "unknown genesis file", args: []string{"run", "--datadir", "{fresh}", "--genesis", "/nonexistent/genesis.json"},
			wantErr: os.ErrNotExist, wantCode: exitError},
		{name: "invalid genesis file", args: []string{"run", "--datadir", "{fresh}", "--genesis", "{garbage}"},
			wantErr: params.ErrInvalidGenesis, wantCode: exitError},
		{name: "no genesis at all", args: append([]string{"run", "--datadir", "{fresh}"}, quiet...),
			wantErr: node.ErrNoGenesis, wantCode: exitError},
		{name: "networkid mismatch", args: append([]string{"run", "--datadir", "{fresh}", "--genesis", devFile, "--networkid", "5"}, quiet...),
			wantErr: errNetworkID, wantCode: exitError, noInit: "{fresh}"},
		{name: "networkid mismatch with the stored genesis", args: append([]string{"run", "--datadir", devDir, "--networkid", "5"}, quiet...),
			wantErr: errNetworkID, wantCode: exitError},
		{name: "bad bootnode address", args: []string{"run", "--datadir", "{fresh}", "--genesis", devFile, "--bootnodes", "/ip4/10.0.0.1/tcp/30333"},
			wantErr: p2p.ErrBadConfig, wantCode: exitUsage, noInit: "{fresh}"},
		{name: "bad log level", args: []string{"run", "--datadir", "{fresh}", "--genesis", devFile, "--log.level", "chatty"},
			wantCode: exitUsage, noInit: "{fresh}"},
		{name: "bad log format", args: []string{"dev", "--datadir", "{fresh}", "--log.format", "xml"},
			wantCode: exitUsage, noInit: "{fresh}"},
		{name: "mining without a coinbase", args: []string{"run", "--datadir", "{fresh}", "--genesis", devFile, "--mine"},
			wantCode: exitUsage, noInit: "{fresh}"},
		{name: "data directory of another network", args: append([]string{"run", "--datadir", devDir, "--genesis", otherFile}, quiet...),
			wantErr: node.ErrOtherNetwork, wantCode: exitError},
		{name: "dev on another network's directory", args: append([]string{"dev", "--datadir", "{other}"}, quiet...),
			wantErr: node.ErrNotDevChain, wantCode: exitError},
		{name: "dev with a genesis file", args: []string{"dev", "--genesis", devFile}, wantCode: exitUsage},
		{name: "data directory in use", args: append([]string{"run", "--datadir", busyDir}, quiet...),
			wantErr: node.ErrDataDirInUse, wantCode: exitError},
		{name: "reset of a directory in use", args: append([]string{"dev", "--datadir", busyDir, "--reset"}, quiet...),
			wantErr: node.ErrDataDirInUse, wantCode: exitError},
		{name: "rpc port in use", args: []string{"dev", "--datadir", "{fresh}", "--nosync", "--rpc.port", busyPort},
			wantErr: syscall.EADDRINUSE, wantCode: exitError},
		{name: "init without a genesis", args: []string{"init", "--datadir", "{fresh}"}, wantCode: exitUsage},
		{name: "init twice with different genesis", args: []string{"init", "--datadir", devDir, "--genesis", otherFile},
			wantErr: node.ErrOtherNetwork, wantCode: exitError},
		{name: "export without a file", args: []string{"export", "--datadir", devDir}, wantCode: exitUsage},
		{name: "config file with an unknown key", args: []string{"run", "--datadir", "{fresh}", "--genesis", devFile, "--config", unknownKeyConf},
			wantErr: errConfigFile, wantCode: exitUsage, noInit: "{fresh}"},
		{name: "config file not TOML", args: []string{"dev", "--datadir", "{fresh}", "--config", badTOMLConf},
			wantErr: errConfigFile, wantCode: exitUsage, noInit: "{fresh}"},
		{name: "config file value of the wrong type", args: []string{"run", "--datadir", "{fresh}", "--genesis", devFile, "--config", badTypeConf},
			wantErr: errConfigFile, wantCode: exitUsage, noInit: "{fresh}"},
		{name: "config file with an unknown key, for init", args: []string{"init", "--datadir", "{fresh}", "--genesis", devFile, "--config", unknownKeyConf},
			wantErr: errConfigFile, wantCode: exitUsage, noInit: "{fresh}"},
		{name: "missing config file", args: []string{"run", "--datadir", "{fresh}", "--genesis", devFile, "--config", "{fresh}/none.toml"},
			wantErr: os.ErrNotExist, wantCode: exitError, noInit: "{fresh}"},
		{name: "price bump 0", args: append([]string{"run", "--datadir", "{fresh}", "--genesis", devFile, "--txpool.pricebump", "0"}, quiet...),
			wantCode: exitUsage, noInit: "{fresh}"},
		{name: "price bump 0 from the environment", args: append([]string{"dev", "--datadir", "{fresh}"}, quiet...),
			env: map[string]string{"QUARRY_TXPOOL_PRICEBUMP": "0"}, wantCode: exitUsage, noInit: "{fresh}"},
		{name: "price bump 0 from the config file", args: append([]string{"dev", "--datadir", "{fresh}", "--config", zeroBumpConf}, quiet...),
			wantCode: exitUsage, noInit: "{fresh}"},
		{name: "export of a missing directory", args: []string{"export", "--datadir", "{fresh}/none", "{fresh}/out"},
			wantErr: os.ErrNotExist, wantCode: exitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fresh := t.TempDir()
			otherDir := t.TempDir()
			if _, _, err := node.InitDataDir(otherDir, other); err != nil {
				t.Fatal(err)
			}
			garbage := filepath.Join(fresh, "garbage.json")
			if err := os.WriteFile(garbage, []byte(`{"chainId": "one"}`), 0o644); err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			r := strings.NewReplacer("{fresh}", fresh, "{other}", otherDir, "{garbage}", garbage)
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = r.Replace(a)
			}
			// Every case fails at start: one that runs a node instead ends
			// with the deadline, and fails below with "no error".
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_, stderr, err := runApp(t, ctx, args...)
			if err == nil {
				t.Fatalf("no error; stderr:\n%s", stderr)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got := exitCode(err); got != tt.wantCode {
				t.Fatalf("exit code %d, want %d (err: %v)", got, tt.wantCode, err)
			}
			if tt.noInit != "" {
				if _, err := node.StoredGenesis(r.Replace(tt.noInit)); !errors.Is(err, os.ErrNotExist) {
					t.Fatalf("a failed start initialised the data directory (%v)", err)
				}
			}
		})
	}
}

func mustLoad(t *testing.T, path string) *params.Genesis {
	t.Helper()
	g, err := params.LoadGenesis(path)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestInitCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "node")
	file := writeGenesis(t, devGenesis(t))
	out, _, err := runApp(t, context.Background(), "init", "--datadir", dir, "--genesis", file)
	if err != nil || !strings.Contains(out, "initialised "+dir) {
		t.Fatalf("first init: %v\n%s", err, out)
	}
	out, _, err = runApp(t, context.Background(), "init", "--datadir", dir, "--genesis", file)
	if err != nil || !strings.Contains(out, "already holds this genesis") {
		t.Fatalf("second init, same genesis: %v\n%s", err, out)
	}
	stored, err := node.StoredGenesis(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := mustLoad(t, file); stored.Timestamp != want.Timestamp {
		t.Fatalf("stored genesis time %d, want %d", stored.Timestamp, want.Timestamp)
	}
}

func TestVersionAndDumpGenesis(t *testing.T) {
	out, _, err := runApp(t, context.Background(), "version")
	if err != nil || !strings.Contains(out, "quarryd "+version) {
		t.Fatalf("version: %v\n%s", err, out)
	}
	out, stderr, err := runApp(t, context.Background(), "dumpgenesis", "--dev")
	if err != nil {
		t.Fatal(err)
	}
	g, err := params.ParseGenesis([]byte(out))
	if err != nil {
		t.Fatalf("dumpgenesis --dev output: %v", err)
	}
	if len(g.Alloc) != node.DevAccountCount || !strings.Contains(stderr, "genesis hash: 0x") {
		t.Fatalf("dev genesis has %d accounts; stderr %q", len(g.Alloc), stderr)
	}
}
