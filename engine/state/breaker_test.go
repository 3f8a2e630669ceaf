package state

import (
	"errors"
	"sync"
	"testing"
	"time"
)

// TestBreaker walks the breaker through its states on a fake clock.
func TestBreaker(t *testing.T) {
	clk := &fakeClock{}
	var (
		opened []time.Duration // cool-down at each open
		closed int
	)
	b := &breaker{
		threshold:   3,
		coolDown:    time.Second,
		maxCoolDown: 3 * time.Second,
		current:     time.Second,
		now:         clk.Now,
		onOpen:      func(_ int32, cd time.Duration, _ error) { opened = append(opened, cd) },
		onClose:     func(time.Duration) { closed++ },
	}
	fail := errors.New("down")

	// A step either advances the clock or makes one call, whose outcome
	// is "ok" or "fail" when it is allowed.
	type step struct {
		advance   time.Duration
		outcome   string
		wantAllow bool
		wantProbe bool
		wantOpen  bool
	}
	steps := []step{
		{outcome: "fail", wantAllow: true},
		{outcome: "ok", wantAllow: true}, // resets the count
		{outcome: "fail", wantAllow: true},
		{outcome: "fail", wantAllow: true},
		{outcome: "fail", wantAllow: true, wantOpen: true}, // third in a row
		{wantOpen: true},                                   // refused
		{advance: 999 * time.Millisecond, wantOpen: true},
		{advance: time.Millisecond, outcome: "fail", wantAllow: true, wantProbe: true, wantOpen: true},
		{advance: 1999 * time.Millisecond, wantOpen: true}, // cool-down doubled to 2s
		{advance: time.Millisecond, outcome: "fail", wantAllow: true, wantProbe: true, wantOpen: true},
		{advance: 2999 * time.Millisecond, wantOpen: true}, // capped at 3s
		{advance: time.Millisecond, outcome: "ok", wantAllow: true, wantProbe: true},
		{outcome: "fail", wantAllow: true}, // closed again, counting from 0
		{outcome: "fail", wantAllow: true},
		{outcome: "fail", wantAllow: true, wantOpen: true},
		{advance: time.Second, outcome: "ok", wantAllow: true, wantProbe: true}, // back to the 1s cool-down
	}
	for i, s := range steps {
		clk.Advance(s.advance)
		ok, probe := b.allow()
		if ok != s.wantAllow || probe != s.wantProbe {
			t.Fatalf("step %d: allow = %v probe = %v, want %v %v", i, ok, probe, s.wantAllow, s.wantProbe)
		}
		if ok {
			switch s.outcome {
			case "ok":
				b.success(probe)
			case "fail":
				b.failure(probe, fail)
			}
		}
		if b.isOpen() != s.wantOpen {
			t.Fatalf("step %d: open = %v, want %v", i, b.isOpen(), s.wantOpen)
		}
	}
	if want := []time.Duration{time.Second, time.Second}; len(opened) != 2 || opened[0] != want[0] || opened[1] != want[1] {
		t.Fatalf("opened with cool-downs %v, want %v", opened, want)
	}
	if closed != 2 {
		t.Fatalf("closed %d times, want 2", closed)
	}
}

// TestBreakerOneProbe checks that only one of many concurrent callers
// probes an open circuit, and that a released probe lets another caller
// probe.
func TestBreakerOneProbe(t *testing.T) {
	clk := &fakeClock{}
	b := &breaker{threshold: 1, coolDown: time.Second, maxCoolDown: time.Second, current: time.Second, now: clk.Now}
	b.failure(false, errors.New("down"))
	clk.Advance(time.Second)

	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		probes int
	)
	for range 32 {
		wg.Go(func() {
			if ok, probe := b.allow(); ok {
				if !probe {
					t.Error("allowed a non-probe call while open")
				}
				mu.Lock()
				probes++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if probes != 1 {
		t.Fatalf("%d probes, want 1", probes)
	}
	b.release(true)
	if ok, probe := b.allow(); !ok || !probe {
		t.Fatalf("after release: allow = %v probe = %v, want a new probe", ok, probe)
	}
}
