//go:build !(amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm)

package abi

import "unsafe"

// ldstr reads a str at off as a string aliasing b (see decode_fast.go). A
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

// ld32 reads a little-endian u32 at off.
func ld32(sb unsafe.Pointer, lb, off int) (uint32, int) {
	if off > lb-4 {
		return 0, lb + 1
	}
	return le32(unsafe.Slice((*byte)(sb), lb), off), off + 4
}

// ldturn reads a message's turn (u32) and kind (u8) at off, with one test.
func ldturn(sb unsafe.Pointer, lb, off int) (uint32, Kind, int) {
	if off > lb-5 {
		return 0, 0, lb + 1
	}
	return le32(unsafe.Slice((*byte)(sb), lb), off), Kind(*(*byte)(unsafe.Add(sb, off+4))), off + 5
}

// ldcount reads a list length at off and checks that the rest of b can
// hold that many elements of at least min bytes each, so that a hostile
// count cannot make the decoder allocate more than b's size.
func ldcount(sb unsafe.Pointer, lb, off, min int) (int, int) {
	if off > lb-4 {
		return 0, lb + 1
	}
	n := uint(le32(unsafe.Slice((*byte)(sb), lb), off))
	off += 4
	if n > uint(lb-off)/uint(min) {
		return 0, lb + 1
	}
	return int(n), off
}
