package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/node"
)

// devKey is anvil's account 0, funded by the dev genesis.
const devKey = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"

// result is one run of the CLI.
type result struct {
	code           int
	stdout, stderr string
}

// cli holds the environment tests run the CLI in.
type cliEnv struct {
	rpc      string
	keystore string
	vars     map[string]string
	stdin    string
}

// run runs quarry in process with args after the global options that
// point it at the test node and keystore.
func (e cliEnv) run(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	full := []string{"quarry", "--lightkdf"}
	if e.rpc != "" {
		full = append(full, "--rpc", e.rpc)
	}
	if e.keystore != "" {
		full = append(full, "--keystore", e.keystore)
	}
	full = append(full, args...)
	code := run(full, env{
		stdin:        strings.NewReader(e.stdin),
		stdout:       &stdout,
		stderr:       &stderr,
		getenv:       func(k string) string { return e.vars[k] },
		pollInterval: 50 * time.Millisecond,
	})
	return result{code, stdout.String(), stderr.String()}
}

// ok runs the CLI and fails the test unless it exits 0.
func (e cliEnv) ok(t *testing.T, args ...string) string {
	t.Helper()
	r := e.run(t, args...)
	if r.code != 0 {
		t.Fatalf("quarry %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// okJSON runs the CLI with --json and decodes its output into out.
func (e cliEnv) okJSON(t *testing.T, out any, args ...string) {
	t.Helper()
	s := e.ok(t, append([]string{"--json"}, args...)...)
	if err := json.Unmarshal([]byte(s), out); err != nil {
		t.Fatalf("quarry --json %s: output %q: %v", strings.Join(args, " "), s, err)
	}
}

// fail runs the CLI and checks its exit code and that stderr mentions
// want.
func (e cliEnv) fail(t *testing.T, code int, want string, args ...string) result {
	t.Helper()
	r := e.run(t, args...)
	if r.code != code {
		t.Fatalf("quarry %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, want) {
		t.Fatalf("quarry %s: stderr %q does not mention %q", strings.Join(args, " "), r.stderr, want)
	}
	return r
}

// startDevNode runs a mining dev node with RPC (and p2p, for admin_peers)
// on loopback, stopped when the test ends. It returns the RPC URL.
func startDevNode(t *testing.T) string {
	t.Helper()
	g := params.DevGenesis(uint64(time.Now().UnixMilli()))
	cfg := node.Config{DataDir: t.TempDir(), Genesis: g, NoSync: true, Mine: true}
	cfg.RPC.Addr = "127.0.0.1:0"
	cfg.P2P.ListenAddrs = []string{"/ip4/127.0.0.1/tcp/0"}
	cfg.Miner.Threads = 1
	n, err := node.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := n.Start(ctx); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		if err := n.Stop(); err != nil {
			t.Errorf("node Stop: %v", err)
		}
	})
	return "http://" + n.RPCAddr()
}

// unreachableURL returns an http URL where nothing listens.
func unreachableURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// writeFile writes content to a new file in a temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
