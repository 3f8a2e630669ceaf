package extismguard

import (
	"errors"
	"fmt"
	"time"

	"github.com/wardgate/ward/engine/internal/fuel/meter"
)

// Fuel protocol (the same as wasmhost's for native guards, implemented by
// engine/internal/fuel/meter): the host sets the instance's fuel global
// before every call, the instrumented guest decrements it at every function
// entry and loop header and traps when it goes negative, and the host reads
// it after a trap: negative means out of fuel or stopped. The watchdog
// (Options.WallLimit) and Close stop a running call by storing -1.

// fuelError is the guard_timeout error of a call that trapped with negative
// fuel; the caller has called End. It resets the instance's kill reason.
func (g *Guard) fuelError(inst *instance, units int64, err error) *Error {
	var cause error
	switch inst.fuel.TakeKilled() {
	case meter.KillWatchdog:
		cause = fmt.Errorf("stopped after %v of wall time", time.Duration(g.wallLimit))
	case meter.KillClose:
		cause = errors.New("stopped: the guard is closing")
	default:
		cause = fmt.Errorf("fuel budget of %d units exhausted", units)
	}
	return &Error{Code: CodeTimeout, Err: fmt.Errorf("%s: %w (%v)", g.name, cause, err)}
}
