//go:build !linux

package wasmhost

import "github.com/tetratelabs/wazero/experimental"

// memoryAllocator returns nil, wazero's default (growing slices), off
// Linux.
func memoryAllocator(uint64) experimental.MemoryAllocator { return nil }
