//go:build !linux

package main

import "syscall"

// childAttr: outside Linux there is no parent-death signal; self-run children
// still exit when their stdin pipe closes.
func childAttr() *syscall.SysProcAttr { return nil }
