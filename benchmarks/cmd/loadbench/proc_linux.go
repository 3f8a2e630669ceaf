//go:build linux

package main

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// childAttr asks the kernel to send SIGTERM to a child when loadbench dies,
// so that no server outlives an interrupted run.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}

// resetPeak sets a process's peak resident set size (VmHWM) back to its
// current size (clear_refs 5, Linux 4.0 and later), so that the next
// procMem's peak is the one since this call: the peak of a run's load, not
// the start's, when the gateway compiled its guards.
func resetPeak(pid int) error {
	return os.WriteFile("/proc/"+strconv.Itoa(pid)+"/clear_refs", []byte("5"), 0)
}

// procMem returns a process's resident set size and its peak (VmRSS and
// VmHWM of /proc/PID/status) in KiB; zeros when unknown.
func procMem(pid int) (rssKB, hwmKB int64) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0
	}
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		f := bytes.Fields(v)
		if len(f) == 0 {
			continue
		}
		n, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			continue
		}
		switch string(k) {
		case "VmRSS":
			rssKB = n
		case "VmHWM":
			hwmKB = n
		}
	}
	return rssKB, hwmKB
}
