package main

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user+system) this process has used. The
// benchmarks report it per op next to wall time because the machines they
// run on are often shared: CPU time is what a call costs, wall time
// includes waiting for a core.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
