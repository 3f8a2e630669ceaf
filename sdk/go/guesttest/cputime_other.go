//go:build !unix

package guesttest

import "time"

// ProcessCPU returns 0: the process's CPU time is not measured on this
// platform.
func ProcessCPU() time.Duration { return 0 }
