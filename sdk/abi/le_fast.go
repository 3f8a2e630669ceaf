//go:build 386 || amd64 || arm || arm64 || loong64 || mips64le || mipsle || ppc64le || riscv64 || wasm

package abi

import "unsafe"

// le32 reads the little-endian u32 at b[off:off+4], which the caller has
// checked is inside b. On a little-endian machine that is one load, which
// keeps the decoder's helpers within the inlining budget.
func le32(b []byte, off int) uint32 {
	return *(*uint32)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), off))
}
