//go:build !(386 || amd64 || arm || arm64 || loong64 || mips64le || mipsle || ppc64le || riscv64 || wasm)

package abi

import "encoding/binary"

// le32 reads the little-endian u32 at b[off:off+4], which the caller has
// checked is inside b.
func le32(b []byte, off int) uint32 { return binary.LittleEndian.Uint32(b[off:]) }
