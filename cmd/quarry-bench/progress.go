package main

import (
	"fmt"
	"io"
	"sync/atomic"
	"time"
)

// progressEvery is how often the progress line is redrawn.
const progressEvery = 500 * time.Millisecond

// progress redraws one line on stderr: sent, included and the inclusion
// rate over the last interval.
type progress struct {
	done chan struct{}
	exit chan struct{}
}

func startProgress(w io.Writer, total int, sent, accepted, included *atomic.Int64) *progress {
	p := &progress{done: make(chan struct{}), exit: make(chan struct{})}
	go func() {
		defer close(p.exit)
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		start := time.Now()
		var lastInc int64
		last := start
		draw := func(now time.Time) {
			inc := included.Load()
			r := float64(inc-lastInc) / now.Sub(last).Seconds()
			lastInc, last = inc, now
			fmt.Fprintf(w, "\rsent %d/%d  accepted %d  included %d  %.0f tx/s  %.0fs ", sent.Load(), total, accepted.Load(), inc, r, now.Sub(start).Seconds())
		}
		for {
			select {
			case <-p.done:
				draw(time.Now())
				fmt.Fprintln(w)
				return
			case now := <-t.C:
				draw(now)
			}
		}
	}()
	return p
}

// stop draws the last line and waits for the drawer to end.
func (p *progress) stop() {
	close(p.done)
	<-p.exit
}
