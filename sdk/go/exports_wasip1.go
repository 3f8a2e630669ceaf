//go:build wasip1

package ward

import (
	"runtime"
	"syscall"
	"unsafe"

	"github.com/wardgate/ward/sdk/abi"
)

// The native ward/v1 exports. They exist in every module that imports the
// package; the host calls a handler export only for the phases the
// description lists, and an export whose phase has no handler returns a
// plain allow.

// maxInput bounds ward_alloc; larger requests get 0 (out of memory) rather
// than a runtime trap.
const maxInput = 1 << 30

// inBuf is the one buffer the host writes inputs into. It only grows and
// stays valid (and untouched by the guest) until the next ward_alloc.
var inBuf []byte

//go:wasmexport ward_alloc
func wardAlloc(size int32) int32 {
	if size < 0 || size > maxInput {
		return 0
	}
	if int(size) > len(inBuf) || len(inBuf) == 0 {
		n := 4096
		for n < int(size) {
			n *= 2
		}
		if n > maxInput {
			n = int(size)
		}
		inBuf = make([]byte, n)
	}
	return int32(uint32(uintptr(unsafe.Pointer(&inBuf[0]))))
}

// input returns the host's input, which must lie at the start of inBuf.
// Anything else is a host bug, and traps.
func input(ptr, n int32) []byte {
	if n == 0 {
		return nil
	}
	if n < 0 || int(n) > len(inBuf) || uint32(ptr) != uint32(uintptr(unsafe.Pointer(&inBuf[0]))) {
		panic("ward: input is not in the ward_alloc buffer")
	}
	return inBuf[:n]
}

// pack returns the packed pointer/length of b; 0 for an empty b. b must stay
// reachable from a global until the next call (the Instance's buffers are).
func pack(b []byte) int64 {
	if len(b) == 0 {
		return 0
	}
	return int64(uint64(uint32(uintptr(unsafe.Pointer(&b[0]))))<<32 | uint64(uint32(len(b))))
}

// instance returns the guard this instance of the module is: the one
// registered, or of several the one the host names in SelectEnv. A
// module with none, or several and no valid name, traps.
func instance() *Instance {
	if registered == nil {
		name, _ := syscall.Getenv(SelectEnv)
		in, err := selectGuard(name)
		if err != nil {
			panic(err)
		}
		registered = in
	}
	return registered
}

//go:wasmexport ward_describe
func wardDescribe() int64 { return pack(instance().DescribeJSON()) }

//go:wasmexport ward_configure
func wardConfigure(ptr, n int32) int64 {
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	out := instance().configureResult(input(ptr, n))
	finishGC(&before)
	return pack(out)
}

// finishGC lets a collection that configure started finish. A guard
// that builds a large table at configure (the injection guard's keyword
// automaton: 5.3 MB) starts one, and inside Wasm nothing else would
// finish it: the collector's workers run only when the guest's goroutine
// yields, which a guard's call never does, and its assists only when the
// guest allocates, which a guard's call hardly does. Every later call
// would run with the collector's write barriers on (the injection guard's
// 2 KB scan took 40 instead of 33 us).
//
// After a configure that allocated at least gcAfterConfigure bytes it
// yields until a collection has completed since configure began, at most
// finishGCYields times; after a smaller one it yields once (a collection
// is then unlikely, and a yield without one costs next to nothing). A
// single yield was not always enough: it lets the workers run for a time
// slice, which on a loaded machine ended before the mark did
// (TestGuestGCAfterConfigure saw gc=0 in 2 of 30 runs beside three busy
// loops; 0 of 30 with this). A whole runtime.GC() finished it too, but made
// a new injection instance 2.5 ms slower and 0.5 MB larger (this: the same
// time, 0.26 MB); turning the collector off and on (runtime/debug, which
// waits for a mark under way) links fmt and os into every guard.
func finishGC(before *runtime.MemStats) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if ms.TotalAlloc-before.TotalAlloc < gcAfterConfigure {
		runtime.Gosched()
		return
	}
	limit := finishGCYields
	if ms.HeapAlloc >= ms.NextGC/10*7 {
		// The heap is past the collector's trigger: a collection is under
		// way (or one completed and NumGC says so at once). Its workers get
		// a share of the time that passes while the guest yields, so on a
		// loaded machine (the guest's thread descheduled inside a worker's
		// slice) 64 yields were not always enough: TestGuestGCAfterConfigure
		// saw gc=0 in a CI run (1 in ~7). Wait for it.
		limit = finishGCYieldsStarted
	}
	for i := 0; i < limit && ms.NumGC == before.NumGC; i++ {
		runtime.Gosched()
		runtime.ReadMemStats(&ms)
	}
}

const (
	// gcAfterConfigure is the allocation by configure after which
	// finishGC waits for a collection: a quarter of the collector's first
	// trigger (4 MB).
	gcAfterConfigure = 1 << 20
	// finishGCYields bounds that wait, for a configure that allocated as
	// much without starting a collection.
	finishGCYields = 64
	// finishGCYieldsStarted bounds it when the heap is past the trigger
	// (a collection under way): a safety net, not a time slice; each
	// yield and read costs a few microseconds.
	finishGCYieldsStarted = 1 << 16
)

func handle(p abi.Phase, ptr, n int32) int64 {
	in := instance()
	h := in.handlers[p]
	if h == nil {
		return 0
	}
	// Unless the guard opted out, a private copy: the decoded strings
	// alias it and handlers may keep them, while inBuf is overwritten by
	// the next call.
	buf := input(ptr, n)
	if !in.g.ZeroCopy {
		buf = append([]byte(nil), buf...)
	}
	out, err := in.handle(h, buf)
	if err != nil {
		panic(err)
	}
	return pack(out)
}

//go:wasmexport ward_request
func wardRequest(ptr, n int32) int64 { return handle(abi.PhaseRequest, ptr, n) }

//go:wasmexport ward_response
func wardResponse(ptr, n int32) int64 { return handle(abi.PhaseResponse, ptr, n) }

//go:wasmexport ward_response_chunk
func wardResponseChunk(ptr, n int32) int64 { return handle(abi.PhaseResponseChunk, ptr, n) }
