package main

import (
	"os"
	"testing"
	"time"
)

func TestStatusKB(t *testing.T) {
	t.Parallel()
	rss, err := statusKB(os.Getpid(), "VmRSS")
	if err != nil || rss <= 0 {
		t.Fatalf("VmRSS of this process: %d %v", rss, err)
	}
	hwm, err := statusKB(os.Getpid(), "VmHWM")
	if err != nil || hwm < rss/2 {
		t.Fatalf("VmHWM %d (RSS %d): %v", hwm, rss, err)
	}
	if _, err := statusKB(os.Getpid(), "NoSuchField"); err == nil {
		t.Fatal("a missing field read without error")
	}
}

func TestProbeStats(t *testing.T) {
	t.Parallel()
	p := &prober{}
	for i := 1; i <= 100; i++ {
		p.record(time.Duration(i)*time.Millisecond, nil)
	}
	p.record(0, os.ErrDeadlineExceeded)
	s := p.take()
	if s.calls != 101 || s.failures != 1 || s.p50 != 51*time.Millisecond || s.p95 != 96*time.Millisecond || s.max != 100*time.Millisecond {
		t.Fatalf("stats %+v", s)
	}
	if s := p.take(); s.calls != 0 {
		t.Fatalf("take did not start afresh: %+v", s)
	}
}
