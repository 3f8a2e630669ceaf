// Package meter is the host's runtime side of the fuel CPU bound, shared by
// engine/wasmhost (native guards) and engine/internal/extismguard.
//
// Fuel protocol: the host sets an instance's fuel global before every call,
// the instrumented guest (engine/internal/fuel) decrements it at every
// function entry and loop header and traps when it goes negative, and the
// host reads it after a trap: negative means out of fuel or stopped. A
// Watchdog stops a call that runs for too long in wall time, and Close stops
// every call in flight, by storing -1 in the call's fuel global.
package meter

import (
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// Reasons for stopping a call, as stored by KillIfOverdue and returned by
// Killed and TakeKilled.
const (
	KillNone     = 0 // the call was not stopped
	KillWatchdog = 1 // the watchdog stopped an overdue call
	KillClose    = 2 // the guard was closing
)

// Global is an instance's i64 fuel global; wazero's api.MutableGlobal
// satisfies it.
type Global interface {
	Get() uint64
	Set(uint64)
}

// Meter is the fuel state of one instance. Its owner (the goroutine that
// holds the instance) calls Set, Begin, End, OutOfFuel, Killed and
// TakeKilled; a Watchdog (or Close, through KillAll) calls KillIfOverdue from
// another goroutine. The zero value has no fuel global: every method is then
// a no-op and OutOfFuel reports false. A Meter must not be copied after
// first use.
type Meter struct {
	fuel   Global
	start  atomic.Int64 // Now() when the current watched call began; 0 when idle
	killed atomic.Int32 // why the current call was stopped: KillNone, KillWatchdog, KillClose
	mu     sync.Mutex
}

// Init sets the fuel global; g may be nil (no fuel). It must be called
// before the Meter is shared with a Watchdog.
func (m *Meter) Init(g Global) { m.fuel = g }

// Enabled reports whether the meter has a fuel global.
func (m *Meter) Enabled() bool { return m.fuel != nil }

// Set gives the next call units of fuel, without watching it.
func (m *Meter) Set(units int64) {
	if m.fuel != nil {
		m.fuel.Set(uint64(units))
	}
}

// Begin gives the next call units of fuel and marks its start for the
// Watchdog. The fuel is stored before the start, so a watchdog that sees the
// call running sees its fuel. It does not allocate.
func (m *Meter) Begin(units int64) {
	if m.fuel == nil {
		return
	}
	m.fuel.Set(uint64(units))
	m.killed.Store(KillNone)
	m.start.Store(Now())
}

// End marks the end of a call started with Begin. Taking the mutex
// guarantees that a watchdog which saw the call running has finished storing
// -1 before the host reads the fuel global or starts the next call.
func (m *Meter) End() {
	m.mu.Lock()
	m.start.Store(0)
	m.mu.Unlock()
}

// Started returns the Now() at which the current watched call began, or 0
// when no call is being watched.
func (m *Meter) Started() int64 { return m.start.Load() }

// OutOfFuel reports whether the fuel global is negative: the guest ran out
// of fuel or was stopped.
func (m *Meter) OutOfFuel() bool { return m.fuel != nil && int64(m.fuel.Get()) < 0 }

// Killed returns why the last call was stopped (KillNone if it was not).
func (m *Meter) Killed() int32 { return m.killed.Load() }

// TakeKilled returns why the last call was stopped and resets it to
// KillNone.
func (m *Meter) TakeKilled() int32 { return m.killed.Swap(KillNone) }

// KillIfOverdue stops the current call when it began more than after ns
// before now, and reports whether it did. With reason KillWatchdog a call
// that has burnt less than 1% of budget (its fuel units) is left alone.
// Safe for concurrent use with the owner's calls.
func (m *Meter) KillIfOverdue(now, after, budget int64, reason int32) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.start.Load()
	if s == 0 || now-s <= after || m.fuel == nil {
		return false
	}
	// A call that has burnt less than 1% of its fuel is not running away:
	// its goroutine is stalled (the OS or the Go runtime did not run it),
	// and stopping it would blame the guard for the host's stall.
	if reason == KillWatchdog && int64(m.fuel.Get()) > budget-budget/100 {
		return false
	}
	m.killed.Store(reason)
	m.fuel.Set(math.MaxUint64) // -1: never MinInt64, the guest's decrement would wrap it
	return true
}

var epoch = time.Now()

// Now is a monotonic clock in ns, never 0.
func Now() int64 { return int64(time.Since(epoch)) + 1 }
