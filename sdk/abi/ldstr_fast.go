//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package abi

import "unsafe"

// ldstr reads a str at off as a string aliasing b, given as its array sb
// and length lb (len(b) >= exchangeHeader). It is the decoder's
// innermost step: inlined, and without a branch. In Go's Wasm a branch
// whose sides meet again costs, on the side that does not fall through, a
// jump through the function's dispatch loop, and an inlined early return
// is such a branch: the branchy ldstr (ldstr_other.go) took two such jumps
// on a well-formed str. This one, for little-endian 64-bit machines (int
// is 64 bits, so off+4+n cannot wrap; the length is one load), chooses
// with masks (bad is -1 when the str does not fit in b, else 0):
//
//   - the length is read at off, or at 0 when off is past len(b)-4 (p),
//     so that the load stays inside b;
//   - the string is empty when bad, and an empty string points at b[p],
//     inside b: at b[off+4] it could point past b's end, which must not
//     be kept;
//   - the next position is off+4+n, or broken when bad.
func ldstr(sb unsafe.Pointer, lb, off int) (string, int) {
	p := off &^ ((lb - 4 - off) >> 63)
	n := int(*(*uint32)(unsafe.Add(sb, p)))
	end := off + 4 + n
	bad := (lb - end) >> 63
	s := unsafe.String((*byte)(unsafe.Add(sb, p+4&^(bad|(n-1)>>63))), n&^bad)
	return s, end&^bad | (lb+1)&bad
}
