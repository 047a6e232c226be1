package main

import (
	"errors"
	"net"
	"strconv"
	"testing"
)

func TestFreePorts(t *testing.T) {
	t.Parallel()
	// Hold one port; a block that contains it is refused, one after it is
	// taken.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	held := l.Addr().(*net.TCPAddr).Port
	if held < 3 || held > 65530 {
		t.Skipf("port %d at the edge of the range", held)
	}
	if portsFree(held-1, 3) {
		t.Fatalf("block %d..%d includes held port %d but was called free", held-1, held+1, held)
	}
	if !portsFree(held+1, 3) {
		t.Skipf("ports after %d are busy", held)
	}
	picks := []int{held - 1, held + 1}
	base, err := freePorts(3, func() int {
		p := picks[0]
		if len(picks) > 1 {
			picks = picks[1:]
		}
		return p
	})
	if err != nil || base != held+1 {
		t.Fatalf("base %d, %v; want %d", base, err, held+1)
	}
	_, err = freePorts(2, func() int { return held })
	if !errors.Is(err, errNoPorts) {
		t.Fatalf("always the held port: %v", err)
	}
}

func TestPortsCommand(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCmd(t, "ports", "-count", "4")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	base, err := strconv.Atoi(stdout[:len(stdout)-1])
	if err != nil || base < portLow || base+4 > portHigh {
		t.Fatalf("base %q: %v", stdout, err)
	}
	if code, _, _ := runCmd(t, "ports", "-count", "0"); code != exitUsage {
		t.Fatalf("-count 0: exit %d", code)
	}
}
