//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestSecondSignalForces: the first signal cancels, the second forces.
func TestSecondSignalForces(t *testing.T) {
	canceled := make(chan struct{})
	forced := make(chan struct{})
	stop := handleSignals(func() { close(canceled) }, io.Discard, func() { close(forced) })
	defer stop()
	self := os.Getpid()
	if err := syscall.Kill(self, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-canceled:
	case <-time.After(5 * time.Second):
		t.Fatal("first SIGTERM did not cancel")
	}
	select {
	case <-forced:
		t.Fatal("one signal forced the exit")
	default:
	}
	if err := syscall.Kill(self, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-forced:
	case <-time.After(5 * time.Second):
		t.Fatal("second signal did not force the exit")
	}
}

// devProcess is a `quarryd dev` process under test.
type devProcess struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	rpcURL string
	banner map[string]string // "Genesis", "Chain ID", ... from the banner
	exited chan struct{}     // closed when the process has exited
	err    error             // its exit error, once exited
}

var listeningRE = regexp.MustCompile(`^Listening on (http://\S+)`)

// startDev starts bin dev with args and waits for its banner.
func startDev(t *testing.T, bin string, args ...string) *devProcess {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"dev", "--rpc.port", "0", "--nosync"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &devProcess{cmd: cmd, stderr: new(syncBuffer), banner: make(map[string]string), exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			cmd.Process.Kill()
			<-p.exited
		}
	})
	ready := make(chan struct{})
	var once sync.Once
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, "(") {
				p.banner[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
			if m := listeningRE.FindStringSubmatch(line); m != nil {
				p.rpcURL = m[1]
				once.Do(func() { close(ready) })
			}
		}
		io.Copy(io.Discard, stdout)
		p.err = cmd.Wait()
		close(p.exited)
		once.Do(func() { close(ready) })
	}()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		t.Fatalf("no banner within 30 s; stderr:\n%s", p.stderr)
	}
	if p.rpcURL == "" {
		t.Fatalf("quarryd dev exited before it was ready; stderr:\n%s", p.stderr)
	}
	return p
}

// blockNumber asks the node for its height.
func (p *devProcess) blockNumber(t *testing.T) uint64 {
	t.Helper()
	body := `{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}`
	resp, err := http.Post(p.rpcURL, "application/json", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Result string `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseUint(strings.TrimPrefix(r.Result, "0x"), 16, 64)
	if err != nil {
		t.Fatalf("eth_blockNumber = %q: %v", r.Result, err)
	}
	return n
}

// terminate sends SIGTERM and expects a clean exit (0) within a few
// seconds.
func (p *devProcess) terminate(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
		if p.err != nil {
			t.Fatalf("exit after SIGTERM: %v; stderr:\n%s", p.err, p.stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("still running 10 s after SIGTERM; stderr:\n%s", p.stderr)
	}
	if !strings.Contains(p.stderr.String(), "node stopped") {
		t.Fatalf("no orderly stop logged; stderr:\n%s", p.stderr)
	}
}

// TestDevSignalRestartAndReset builds quarryd, runs a dev chain until it
// mines, stops it with SIGTERM (exit 0), starts it again on the same data
// directory (the same chain continues), and then with --reset (a new
// chain).
func TestDevSignalRestartAndReset(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "quarryd")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := filepath.Join(t.TempDir(), "dev")

	p := startDev(t, bin, "--datadir", dir)
	if p.banner["Chain ID"] != "1337" || !strings.HasPrefix(p.banner["Genesis"], "0x") {
		t.Fatalf("banner %v", p.banner)
	}
	genesis := p.banner["Genesis"]
	waitFor(t, "two mined blocks", 30*time.Second, func() bool { return p.blockNumber(t) >= 2 })
	stoppedAt := p.blockNumber(t)
	p.terminate(t)

	p = startDev(t, bin, "--datadir", dir)
	if p.banner["Genesis"] != genesis {
		t.Fatalf("restart genesis %s, first run %s", p.banner["Genesis"], genesis)
	}
	if h := p.blockNumber(t); h < stoppedAt {
		t.Fatalf("restart at height %d, stopped at %d or later", h, stoppedAt)
	}
	waitFor(t, "the chain to continue", 30*time.Second, func() bool { return p.blockNumber(t) > stoppedAt })
	p.terminate(t)

	p = startDev(t, bin, "--datadir", dir, "--reset")
	if p.banner["Genesis"] == genesis {
		t.Fatal("--reset kept the old chain")
	}
	if h := p.banner["Head"]; !strings.HasPrefix(h, "0 ") {
		t.Fatalf("--reset starts at head %q, want height 0", h)
	}
	p.terminate(t)
}
