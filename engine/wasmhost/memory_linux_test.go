//go:build linux

package wasmhost

import (
	"bytes"
	"os"
	"runtime"
	"syscall"
	"testing"
	"unsafe"
)

// TestMmapMemory: growth keeps the contents and the address, new pages
// are zero, growth past the reservation fails, Free unmaps.
func TestMmapMemory(t *testing.T) {
	lm := mmapAllocator{}.Allocate(0, 4<<16)
	m, ok := lm.(*mmapMemory)
	if !ok {
		t.Fatalf("fell back to %T", lm)
	}
	b := m.Reallocate(1 << 16)
	if len(b) != 1<<16 || cap(b) != 1<<16 {
		t.Fatalf("len %d cap %d", len(b), cap(b))
	}
	copy(b, "hello")
	b2 := m.Reallocate(3 << 16)
	if unsafe.SliceData(b2) != unsafe.SliceData(b) || !bytes.HasPrefix(b2, []byte("hello")) {
		t.Fatal("memory moved or lost its contents")
	}
	if !bytes.Equal(b2[1<<16:], make([]byte, 2<<16)) {
		t.Fatal("new pages not zero")
	}
	b2[len(b2)-1] = 1 // writable to the end
	if m.Reallocate(5<<16) != nil {
		t.Fatal("grew past the reservation")
	}
	if b3 := m.Reallocate(2 << 16); len(b3) != 2<<16 {
		t.Fatal("shrinking view")
	}
	m.Free()
	m.Free() // idempotent
}

// TestGuestMemoryOffHeap: Go guests' linear memories (several MB each)
// are mapped, not on the Go heap.
func TestGuestMemoryOffHeap(t *testing.T) {
	h, _ := newHost(t)
	wasm := goGuest
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	g := load(t, h, Spec{Name: "go", Wasm: wasm, PoolSize: 8})
	defer g.Close(t.Context())
	for range 7 {
		g.grow() // as calls finding every instance busy would
	}
	var guest uint64
	for range 8 {
		in := <-g.pool
		guest += uint64(in.mem.Size())
		defer func() { g.pool <- in }()
	}
	grown := heap() - before
	// Measured: 25.7 MB of heap for 33 MB of guest memory mapped (the
	// rest of an instance: stacks, tables, globals); 61 MB with wazero's
	// growing slices.
	if guest < 8<<20 || grown > guest {
		t.Fatalf("guest memories %d bytes, Go heap grew %d bytes", guest, grown)
	}
}

// TestMmapMemoryPopulatesInitial: the start of the initial memory where
// the data segments are copied is faulted in when it is committed; the
// rest of it and growth are not.
func TestMmapMemoryPopulatesInitial(t *testing.T) {
	probe, err := syscall.Mmap(-1, 0, 1<<16, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Fatal(err)
	}
	err = syscall.Madvise(probe, madvPopulateWrite)
	_ = syscall.Munmap(probe)
	if err != nil {
		t.Skipf("kernel without MADV_POPULATE_WRITE: %v", err)
	}
	m := memoryAllocator(8<<16-100).Allocate(0, 64<<16).(*mmapMemory)
	defer m.Free()
	b := m.Reallocate(16 << 16)
	if n := residentPages(t, b[:8<<16]); n != 8<<16/os.Getpagesize() {
		t.Fatalf("%d of %d data pages resident", n, 8<<16/os.Getpagesize())
	}
	if n := residentPages(t, b[8<<16:]); n != 0 {
		t.Fatalf("%d initial pages beyond the data resident before use", n)
	}
	b = m.Reallocate(32 << 16)
	if n := residentPages(t, b[16<<16:]); n != 0 {
		t.Fatalf("%d grown pages resident before use", n)
	}
}

// residentPages counts the pages of b in memory (mincore(2)).
func residentPages(t *testing.T, b []byte) int {
	t.Helper()
	vec := make([]byte, (len(b)+os.Getpagesize()-1)/os.Getpagesize())
	_, _, errno := syscall.Syscall(syscall.SYS_MINCORE, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), uintptr(unsafe.Pointer(&vec[0])))
	if errno != 0 {
		t.Fatalf("mincore: %v", errno)
	}
	n := 0
	for _, v := range vec {
		n += int(v & 1)
	}
	return n
}
