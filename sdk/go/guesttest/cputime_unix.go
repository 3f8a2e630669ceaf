//go:build unix

package guesttest

import (
	"syscall"
	"time"
)

// ProcessCPU returns the CPU time (user + system) the process has used so
// far. Benchmarks report it per call next to wall time ("cpu-ns/op"):
// on a shared machine CPU time is what a call costs, and wall time also
// holds the wait for a core.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
