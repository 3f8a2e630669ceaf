//go:build linux

package wasmhost

import (
	"syscall"

	"github.com/tetratelabs/wazero/experimental"
)

// memoryAllocator returns what backs guests' linear memories: anonymous
// mappings reserved at their maximum size (the guard's memory limit) and
// made accessible as they grow. wazero's default grows a []byte by append,
// copying the whole memory at every step: a Go guest's _initialize grows
// its memory in many steps, and those copies were a third of the time of
// loading a guard (so of a hot swap). Mapped memory never moves, lives
// outside the Go heap (the collector neither scans nor paces on it), and
// goes back to the OS when the instance is closed.
//
// populate is the module's data extent (dataExtent): the bytes of the
// initial memory instantiation writes its data segments to.
func memoryAllocator(populate uint64) experimental.MemoryAllocator {
	return mmapAllocator{populate: populate}
}

type mmapAllocator struct {
	populate uint64 // bytes from the start faulted in when first committed
}

// madvPopulateWrite is MADV_POPULATE_WRITE (Linux 5.14), not in package
// syscall.
const madvPopulateWrite = 23

// Allocate implements experimental.MemoryAllocator. When the mapping
// cannot be made it falls back to an ordinary slice.
func (a mmapAllocator) Allocate(_, maxBytes uint64) experimental.LinearMemory {
	reserve := max(maxBytes, 1<<16)
	if reserve > 1<<32 {
		reserve = 1 << 32
	}
	b, err := syscall.Mmap(-1, 0, int(reserve), syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		return &sliceMemory{max: maxBytes}
	}
	return &mmapMemory{res: b, populate: a.populate}
}

// mmapMemory is one reserved mapping; the first committed bytes are
// readable and writable (and zero until written, as the kernel gives them).
type mmapMemory struct {
	res       []byte
	committed uint64
	populate  uint64
}

func (m *mmapMemory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.res)) {
		return nil
	}
	if size > m.committed {
		// Wasm pages are 64 KiB, a multiple of the OS page size.
		if err := syscall.Mprotect(m.res[m.committed:size], syscall.PROT_READ|syscall.PROT_WRITE); err != nil {
			return nil
		}
		if m.committed == 0 {
			// Instantiation copies the data segments (megabytes for a Go
			// guest) to the start of the initial memory: faulting those
			// pages in with one call costs a fraction of taking one page
			// fault per page (measured on a VM: 2.7 vs 12 ms for 2.3 MB).
			// The rest stays lazy: the initial memory also holds a Go
			// guest's bss, of which its runtime leaves some 0.6 MB
			// untouched, and growth may add a heap arena the guest
			// touches little of. Kernels before 5.14 refuse the advice;
			// the pages then fault in as before.
			if n := min(pageRound(m.populate), size); n > 0 {
				_ = syscall.Madvise(m.res[:n], madvPopulateWrite)
			}
		}
		m.committed = size
	}
	return m.res[:size:size]
}

// pageRound rounds n up to a whole Wasm page (a multiple of the OS page).
func pageRound(n uint64) uint64 { return (n + 65535) &^ 65535 }

func (m *mmapMemory) Free() {
	if m.res != nil {
		_ = syscall.Munmap(m.res)
		m.res, m.committed = nil, 0
	}
}

// sliceMemory is wazero's default behaviour, for when mapping fails.
type sliceMemory struct {
	buf []byte
	max uint64
}

func (s *sliceMemory) Reallocate(size uint64) []byte {
	if size > s.max {
		return nil
	}
	if size > uint64(cap(s.buf)) {
		s.buf = append(s.buf[:cap(s.buf)], make([]byte, size-uint64(cap(s.buf)))...)
	}
	s.buf = s.buf[:size]
	return s.buf
}

func (s *sliceMemory) Free() { s.buf = nil }
