package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Resident memory of the attacked node, when it runs on this machine
// (-pid): sampled through the run so the report shows the peak the attacks
// caused, not only the high-water mark since the node started.

// statusKB reads a "<field>: N kB" line of /proc/<pid>/status.
func statusKB(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		num, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
		return strconv.ParseInt(num, 10, 64)
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("/proc/%d/status has no %s", pid, field)
}

// rssSampler records the peak VmRSS of a process.
type rssSampler struct {
	pid    int
	peakKB atomic.Int64
	errs   atomic.Int64
}

// run samples every 100 ms until ctx ends.
func (s *rssSampler) run(ctx context.Context) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		if kb, err := statusKB(s.pid, "VmRSS"); err == nil {
			if kb > s.peakKB.Load() {
				s.peakKB.Store(kb)
			}
		} else {
			s.errs.Add(1)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
