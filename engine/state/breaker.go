package state

import (
	"sync"
	"sync/atomic"
	"time"
)

// breaker is a consecutive-failure circuit breaker.
//
// Closed: every call goes through; threshold consecutive failures open
// it. Open: calls are refused (allow returns false) until the cool-down
// has passed; then exactly one call, the probe, goes through while the
// others are still refused. A successful probe closes the circuit; a
// failed one reopens it with the cool-down doubled, up to maxCoolDown.
//
// The closed-state fast path is two atomic loads in allow and, after a
// success with no failure recorded, one more: nothing is written, so the
// breaker adds no cache-line contention while the backend is healthy.
type breaker struct {
	threshold   int32
	coolDown    time.Duration
	maxCoolDown time.Duration
	now         func() time.Duration // monotonic, tests replace it

	// onOpen runs when the circuit opens, onClose when it closes, both
	// under mu (so they are ordered and never concurrent). cause is the
	// failure that opened the circuit; down is how long it was open.
	onOpen  func(failures int32, coolDown time.Duration, cause error)
	onClose func(down time.Duration)

	failures  atomic.Int32
	open      atomic.Bool
	openUntil atomic.Int64 // time.Duration on the now scale
	probing   atomic.Bool  // a probe is in flight

	mu       sync.Mutex
	current  time.Duration // current cool-down
	openedAt time.Duration
}

// allow reports whether a call may reach the backend and whether it is
// the probe of an open circuit. A probe must be finished with success,
// failure or release.
func (b *breaker) allow() (ok, probe bool) {
	if !b.open.Load() {
		return true, false
	}
	if b.now() < time.Duration(b.openUntil.Load()) {
		return false, false
	}
	if b.probing.CompareAndSwap(false, true) {
		return true, true
	}
	return false, false
}

// success records a call that the backend answered. Any answer closes an
// open circuit, including one from a call that was in flight when it
// opened.
func (b *breaker) success(probe bool) {
	if !probe && !b.open.Load() {
		if b.failures.Load() != 0 {
			b.failures.Store(0)
		}
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures.Store(0)
	if b.open.Load() {
		b.open.Store(false)
		b.current = b.coolDown
		if b.onClose != nil {
			b.onClose(b.now() - b.openedAt)
		}
	}
	b.probing.Store(false)
}

// failure records a call that the backend failed (error or timeout).
func (b *breaker) failure(probe bool, cause error) {
	if probe && b.open.Load() {
		b.mu.Lock()
		b.current = min(2*b.current, b.maxCoolDown)
		b.openUntil.Store(int64(b.now() + b.current))
		b.probing.Store(false)
		b.mu.Unlock()
		return
	}
	b.release(probe) // the circuit closed while the probe was in flight
	if b.open.Load() {
		return // a call in flight when the circuit opened
	}
	if b.failures.Add(1) < b.threshold {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.open.Load() {
		return
	}
	now := b.now()
	b.current = b.coolDown
	b.openedAt = now
	b.openUntil.Store(int64(now + b.current))
	b.probing.Store(false)
	b.open.Store(true)
	if b.onOpen != nil {
		b.onOpen(b.failures.Load(), b.current, cause)
	}
}

// release ends a call that proved nothing about the backend (the caller
// cancelled it): a probe lets the next call probe instead.
func (b *breaker) release(probe bool) {
	if probe {
		b.probing.Store(false)
	}
}

// isOpen reports whether the circuit is open (including while probing).
func (b *breaker) isOpen() bool { return b.open.Load() }
