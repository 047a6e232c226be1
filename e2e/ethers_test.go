package e2e

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/contracts"
)

// jsDir holds the ethers test script, its package.json (ethers pinned to
// an exact version) and package-lock.json; npm ci fills node_modules there.
const jsDir = "js"

// TestEthers runs js/test.mjs, ethers v6 against a mining dev node.
func TestEthers(t *testing.T) {
	t.Parallel()
	nodeBin, npmBin := requireTool(t, "node"), requireTool(t, "npm")
	installJS(t, npmBin)

	g := params.DevGenesis(uint64(time.Now().UnixMilli()))
	n := startNode(t, g, nodeOpts{mine: true})
	code, err := contracts.CreationCode("token")
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, nodeBin, "test.mjs",
		"http://"+n.RPCAddr(), "0x"+devKeyHex, "0x"+hex.EncodeToString(code), strconv.FormatUint(g.ChainID, 10))
	cmd.Dir = jsDir
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	for _, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		t.Log(line)
	}
	if err != nil {
		t.Fatalf("node test.mjs failed (%v) after %v; its output is above", err, time.Since(start).Round(time.Millisecond))
	}
	if !bytes.Contains(out, []byte("\nPASS")) {
		t.Fatal("node test.mjs exited 0 without printing PASS")
	}
	t.Logf("ethers script took %v; chain height %d", time.Since(start).Round(time.Millisecond), n.Chain().Best().Height)
}

// requireTool finds name on PATH. Without it the test is skipped, or fails
// when the CI environment variable is set: CI must run this test.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not on PATH (%v): the ethers end-to-end test needs Node.js >= 18 and npm; install them on the CI machine", name, err)
	}
	t.Skipf("%s is not on PATH: skipping the ethers end-to-end test (set CI=1 to make this a failure)", name)
	return ""
}

// installJS runs npm ci in jsDir unless node_modules already holds the
// ethers version package.json pins (npm ci starts by deleting
// node_modules, so a stale install is replaced whole). No package in the
// lock file has install scripts; --ignore-scripts keeps it that way.
func installJS(t *testing.T, npmBin string) {
	t.Helper()
	want := pinnedVersion(t, filepath.Join(jsDir, "package.json"))
	installed, err := os.ReadFile(filepath.Join(jsDir, "node_modules", "ethers", "package.json"))
	switch {
	case err == nil && installedVersion(installed) == want:
		return
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, npmBin, "ci", "--no-audit", "--no-fund", "--ignore-scripts")
	cmd.Dir = jsDir
	cmd.WaitDelay = 5 * time.Second
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in e2e/%s: %v\n%s", jsDir, err, out)
	}
	t.Logf("npm ci installed ethers %s in %v", want, time.Since(start).Round(time.Millisecond))
}

// pinnedVersion reads the ethers version from package.json, which must be
// exact: the lock file and CI depend on it.
func pinnedVersion(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	v := pkg.Dependencies["ethers"]
	if !strings.HasPrefix(v, "6.") || strings.ContainsAny(v, "^~<>=*x| ") {
		t.Fatalf("%s pins ethers %q; want an exact 6.x.y version", path, v)
	}
	return v
}

func installedVersion(pkgJSON []byte) string {
	var pkg struct {
		Version string `json:"version"`
	}
	if json.Unmarshal(pkgJSON, &pkg) != nil {
		return ""
	}
	return pkg.Version
}
