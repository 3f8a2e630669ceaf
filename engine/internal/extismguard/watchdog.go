package extismguard

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Fuel protocol (the same as wasmhost's for native guards): the host sets
// the instance's fuel global before every call, the instrumented guest
// decrements it at every function entry and loop header and traps when it
// goes negative, and the host reads it after a trap: negative means out of
// fuel or stopped. The watchdog and Close stop a running call by storing -1.

// Reasons for stopping a call.
const (
	killNone     = 0
	killWatchdog = 1 // ran for longer than Options.WallLimit in wall time
	killClose    = 2 // Close's context ended while the call ran
)

// begin gives inst units of fuel for the next call and, when watch is set,
// marks the call's start for the watchdog and Close. The fuel is stored
// before start, so a watchdog that sees the call running sees its fuel.
func (inst *instance) begin(units int64, watch bool) {
	inst.fuel.Set(uint64(units))
	if watch {
		inst.killed.Store(killNone)
		inst.start.Store(nanotime())
	}
}

// end marks the end of a watched call. Taking killMu guarantees that a
// watchdog which saw the call running has finished storing -1 before the
// host reads the fuel global or starts the next call.
func (inst *instance) end() {
	inst.killMu.Lock()
	inst.start.Store(0)
	inst.killMu.Unlock()
}

// killIfOverdue stops inst's current call when it began more than
// killAfter ns before now, and reports whether it did. budget is the call's
// fuel: a call stopped by the watchdog must have burnt at least 1% of it.
func (inst *instance) killIfOverdue(now, killAfter, budget int64, reason int32) bool {
	inst.killMu.Lock()
	defer inst.killMu.Unlock()
	s := inst.start.Load()
	if s == 0 || now-s <= killAfter || inst.fuel == nil {
		return false
	}
	// A call that has burnt less than 1% of its fuel is not running away:
	// its goroutine is stalled (the OS or the Go runtime did not run it),
	// and stopping it would blame the guard for the host's stall.
	if reason == killWatchdog && int64(inst.fuel.Get()) > budget-budget/100 {
		return false
	}
	inst.killed.Store(reason)
	inst.fuel.Set(math.MaxUint64) // -1: never MinInt64, the guest's decrement would wrap it
	return true
}

// fuelError is the guard_timeout error of a call that trapped with negative
// fuel; the caller has called end.
func (g *Guard) fuelError(inst *instance, units int64, err error) *Error {
	var cause error
	switch inst.killed.Load() {
	case killWatchdog:
		cause = fmt.Errorf("stopped after %v of wall time", time.Duration(g.wallLimit))
	case killClose:
		cause = errors.New("stopped: the guard is closing")
	default:
		cause = fmt.Errorf("fuel budget of %d units exhausted", units)
	}
	inst.killed.Store(killNone)
	return &Error{Code: CodeTimeout, Err: fmt.Errorf("%s: %w (%v)", g.name, cause, err)}
}

// watchdog stops Check calls that ran for longer than the wall limit and
// burnt at least 1% of their fuel, by setting their fuel to -1. The guest's
// fuel check is a read-modify-write, so a store can be lost: while a call is
// overdue the store is repeated every 200 µs until the call returns. It
// returns when the guard is closed.
func (g *Guard) watchdog() {
	defer close(g.watchDone)
	tick := min(max(time.Duration(g.wallLimit)/10, time.Millisecond), 5*time.Millisecond)
	t := time.NewTicker(tick)
	defer t.Stop()
	var live []*instance
	for {
		select {
		case <-g.stop:
			return
		case <-t.C:
		}
		for {
			live = g.snapshotLive(live[:0])
			now := nanotime()
			overdue := false
			for _, inst := range live {
				if inst.killIfOverdue(now, g.wallLimit, g.fuelUnits, killWatchdog) {
					overdue = true
				}
			}
			clear(live)
			if !overdue {
				break
			}
			select {
			case <-g.stop:
				return
			case <-time.After(200 * time.Microsecond):
			}
		}
	}
}

// killAll stops every Check call in flight and waits until none is left.
func (g *Guard) killAll() {
	var live []*instance
	for g.inflight.Load() > 0 {
		live = g.snapshotLive(live[:0])
		for _, inst := range live {
			inst.killIfOverdue(math.MaxInt64, 0, g.fuelUnits, killClose)
		}
		clear(live)
		time.Sleep(200 * time.Microsecond)
	}
}

func (g *Guard) snapshotLive(dst []*instance) []*instance {
	g.liveMu.Lock()
	for inst := range g.live {
		dst = append(dst, inst)
	}
	g.liveMu.Unlock()
	return dst
}

var epoch = time.Now()

// nanotime is a monotonic clock in ns, never 0.
func nanotime() int64 { return int64(time.Since(epoch)) + 1 }
