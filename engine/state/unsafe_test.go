package state

import "unsafe"

// unsafeString aliases b, as a host function reading a key out of guest
// memory without copying would.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
