package ratelimit

import _ "unsafe" // for go:linkname

// monotime is the runtime's monotonic clock in nanoseconds, the reading
// time.Now carries for Sub. Inside Wasm time.Now makes two host calls
// (WASI clock_time_get for the wall clock, then the monotonic one); the
// epoch clock needs only the second.
//
//go:linkname monotime runtime.nanotime
func monotime() int64
