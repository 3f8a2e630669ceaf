//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package abi

import "unsafe"

// ldstr reads a str at off as a string aliasing b, given as its array sb
// and length lb (len(b) >= exchangeHeader). It is the decoder's
// innermost step: inlined, and without a branch. In Go's Wasm a branch
// whose sides meet again costs, on the side that does not fall through, a
// jump through the function's dispatch loop, and an inlined early return
// is such a branch: the branchy ldstr (decode_other.go) took two such jumps
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

// ld32 reads a little-endian u32 at off (0, with off broken, past the
// end), without a branch, as ldstr does.
func ld32(sb unsafe.Pointer, lb, off int) (uint32, int) {
	bad := (lb - 4 - off) >> 63
	v := *(*uint32)(unsafe.Add(sb, off&^bad)) &^ uint32(bad)
	return v, (off+4)&^bad | (lb+1)&bad
}

// ldturn reads a message's turn (u32) and kind (u8) at off, without a
// branch.
func ldturn(sb unsafe.Pointer, lb, off int) (uint32, Kind, int) {
	bad := (lb - 5 - off) >> 63
	p := off &^ bad
	turn := *(*uint32)(unsafe.Add(sb, p)) &^ uint32(bad)
	kind := *(*byte)(unsafe.Add(sb, p+4)) &^ byte(bad)
	return turn, Kind(kind), (off+5)&^bad | (lb+1)&bad
}

// ldcount reads a list length at off and checks, without a branch, that
// the rest of b can hold that many elements of at least min bytes each,
// so that a hostile count cannot make the decoder allocate more than b's
// size: a count that does not fit is 0, with off broken. (After a broken
// off, lb+1, the count read is 0 and the room (lb-off)/min is 0 too.)
func ldcount(sb unsafe.Pointer, lb, off, min int) (int, int) {
	n, off := ld32(sb, lb, off)
	bad := ((lb-off)/min - int(n)) >> 63
	return int(n) &^ bad, off&^bad | (lb+1)&bad
}
