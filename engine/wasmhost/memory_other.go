//go:build !linux

package wasmhost

import "github.com/tetratelabs/wazero/experimental"

// memoryAllocator is wazero's default (growing slices) off Linux.
var memoryAllocator experimental.MemoryAllocator
