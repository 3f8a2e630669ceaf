//go:build !linux

package main

import (
	"errors"
	"syscall"
)

// childAttr: outside Linux there is no parent-death signal; self-run children
// still exit when their stdin pipe closes.
func childAttr() *syscall.SysProcAttr { return nil }

// procMem is not measured outside Linux.
func procMem(int) (rssKB, hwmKB int64) { return 0, 0 }

// resetPeak is not possible outside Linux.
func resetPeak(int) error { return errors.ErrUnsupported }
