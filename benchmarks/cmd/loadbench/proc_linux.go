//go:build linux

package main

import "syscall"

// childAttr asks the kernel to send SIGTERM to a child when loadbench dies,
// so that no server outlives an interrupted run.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
