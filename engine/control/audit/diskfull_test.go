package audit

import (
	"os"
	"sync/atomic"
	"testing"
	"time"
)

// TestDiskFull: with the audit file on a full disk (/dev/full answers
// every write with ENOSPC), requests are not slowed or failed, every lost
// line is counted as an error, the error is reported at most once a
// second, and Close still returns.
func TestDiskFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	f, err := OpenRotating("/dev/full", 1<<20, 2)
	if err != nil {
		t.Fatal(err)
	}
	var c counts
	var reported atomic.Int64
	l := New(Options{W: f, Buffer: 64, Counter: &c, OnError: func(error) { reported.Add(1) }})
	r := sampleRecord()
	start := time.Now()
	var slowest time.Duration
	n := 0
	for time.Since(start) < 2500*time.Millisecond {
		t0 := time.Now()
		l.ObserveRequest(r)
		slowest = max(slowest, time.Since(t0))
		n++
		if n%64 == 0 {
			time.Sleep(time.Millisecond) // let the writer run into the error
		}
	}
	elapsed := time.Since(start)
	done := make(chan error, 1)
	go func() { done <- l.Close() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hung on a full disk")
	}
	// A request never waits for the sink: one record is an encode and a
	// non-blocking queue send. The bound is far above that (a loaded CI
	// machine), far below a request stuck behind the sink.
	if slowest > time.Second {
		t.Errorf("slowest ObserveRequest took %v", slowest)
	}
	if c.written.Load() != 0 {
		t.Errorf("%d lines counted as written to a full disk", c.written.Load())
	}
	if lost := c.errs.Load() + c.dropped.Load(); lost != int64(n) {
		t.Errorf("%d records, %d errors + %d dropped: some lost lines were not counted", n, c.errs.Load(), c.dropped.Load())
	}
	if c.errs.Load() == 0 {
		t.Error("no write error counted")
	}
	if got, most := reported.Load(), int64(elapsed/time.Second)+2; got < 1 || got > most {
		t.Errorf("error reported %d times in %v, want 1..%d (once a second)", got, elapsed, most)
	}
}
