//go:build linux

package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// releasePages drops the whole pages inside views from the process's
// resident set (madvise MADV_DONTNEED). Only pages of a read-only mapping
// of a file are released: there the advice discards nothing (the next
// access reads the page again from the file), whereas on anonymous or
// writable memory it would zero it. Views anywhere else are left alone.
func releasePages(views [][]byte) {
	if len(views) == 0 {
		return
	}
	maps, err := readOnlyFileMappings()
	if err != nil {
		return
	}
	page := uintptr(os.Getpagesize())
	for _, v := range views {
		if len(v) == 0 {
			continue
		}
		start := uintptr(unsafe.Pointer(unsafe.SliceData(v)))
		end := start + uintptr(len(v))
		lo, hi := (start+page-1)&^(page-1), end&^(page-1)
		if lo >= hi || !covered(maps, lo, hi) {
			continue
		}
		_ = syscall.Madvise(v[lo-start:hi-start], syscall.MADV_DONTNEED)
	}
}

type addrRange struct{ lo, hi uintptr }

// covered reports whether [lo, hi) lies in one of maps (adjacent mappings
// of one file count as one).
func covered(maps []addrRange, lo, hi uintptr) bool {
	for lo < hi {
		found := false
		for _, m := range maps {
			if m.lo <= lo && lo < m.hi {
				lo, found = m.hi, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// readOnlyFileMappings lists the process's mappings that are backed by a
// file (an inode) and neither writable nor shared, from /proc/self/maps.
func readOnlyFileMappings() ([]addrRange, error) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []addrRange
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// address perms offset dev inode path
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[4] == "0" {
			continue
		}
		perms := fields[1]
		if len(perms) != 4 || perms[1] != '-' || perms[3] != 'p' {
			continue
		}
		a, b, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		lo, err1 := strconv.ParseUint(a, 16, 64)
		hi, err2 := strconv.ParseUint(b, 16, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, addrRange{uintptr(lo), uintptr(hi)})
	}
	return out, sc.Err()
}
