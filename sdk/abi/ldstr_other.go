//go:build !(amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm)

package abi

import "unsafe"

// ldstr reads a str at off as a string aliasing b (see ldstr_fast.go). A
// length is compared as an unsigned number, so that one of 2 GiB or more
// cannot turn negative on a 32-bit host.
func ldstr(sb unsafe.Pointer, lb, off int) (string, int) {
	b := unsafe.Slice((*byte)(sb), lb)
	if off > len(b)-4 {
		return "", broken(b)
	}
	n := uint(le32(b, off))
	off += 4
	if n-1 >= uint(len(b)-off) {
		if n == 0 {
			// Not a string at b[off]: off may be len(b), and a
			// pointer past the end of b's array must not be kept.
			return "", off
		}
		return "", broken(b)
	}
	return unsafe.String((*byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), off)), n), off + int(n)
}
