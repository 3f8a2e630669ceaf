package ratelimit

import "time"

// clockStart is when the package was initialised: monotime counts from it.
var clockStart = time.Now()

// monotime is a monotonic clock in nanoseconds (time.Since reads the
// monotonic part of the clock). The epoch clock compares and adds its
// readings; it never needs the wall clock.
func monotime() int64 { return int64(time.Since(clockStart)) }
