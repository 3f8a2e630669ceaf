//go:build !linux

package main

// releasePages is a no-op where the pages of the binary cannot be released
// safely (see builtin_linux.go).
func releasePages([][]byte) {}
