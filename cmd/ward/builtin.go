package main

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"unsafe"
)

//go:embed guards
var builtinGuards embed.FS

// builtins hands out the embedded guard modules in place, without copying
// them, and gives their pages back to the OS once the guards are compiled.
//
// A built-in module is megabytes of read-only data in the binary.
// fs.ReadFile would copy it to the heap, where the reload's module cache
// keeps it for the life of the process (23 MB for the four guards of the
// core pipeline); in place, it costs only the binary's pages that loading
// touched, which release hands back (the kernel reads them again from the
// executable if a module is ever compiled again). Modules no config names
// are never read: looking a file up touches the embedded file table only.
type builtins struct {
	fsys embed.FS

	mu   sync.Mutex
	read map[string][]byte // in-place views handed out, by embedded path
}

var builtin = &builtins{fsys: builtinGuards}

// builtinNames are the guards of the built-in module (plugins/builtin),
// what `builtin:NAME` may name. TestBuiltinNames checks them against the
// module.
var builtinNames = []string{"auth", "denylist", "injection", "output", "pii", "ratelimit", "rbac", "secrets"}

// builtinPath is the built-in module in the embedded files: every built-in
// guard is loaded from it (wasmhost.Spec.Select names which), so their code
// is compiled once and shared.
const builtinPath = "guards/builtin.wasm"

// module returns the embedded module that holds the built-in guard name.
// The slice aliases the binary's read-only data (writing to it faults), as
// proxy.Resolver allows: its bytes are never modified. When the in-place
// view cannot be had (see inPlace) it returns a copy, which is then never
// released.
func (b *builtins) module(name string) ([]byte, error) {
	if !slices.Contains(builtinNames, name) {
		return nil, fmt.Errorf("no built-in guard %q (the built-in guards are %s)", name, strings.Join(builtinNames, ", "))
	}
	f, err := b.fsys.Open(builtinPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("built-in guard %q is not embedded in this binary (build it with `go tool task build`)", name)
	}
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	_ = f.Close()
	if err != nil {
		return nil, err
	}
	data, ok := inPlace(fi)
	if !ok {
		return fs.ReadFile(b.fsys, builtinPath)
	}
	b.mu.Lock()
	if b.read == nil {
		b.read = map[string][]byte{}
	}
	b.read[builtinPath] = data
	b.mu.Unlock()
	return data, nil
}

// inPlace returns the contents of an embedded file without copying them:
// embed.FS's file info is the file itself, whose unexported data field is a
// string in the binary's read-only data. ok is false if a Go release
// changes that representation (no such field, not a string, or not of the
// file's size); the caller then copies the file.
func inPlace(fi fs.FileInfo) (_ []byte, ok bool) {
	v := reflect.ValueOf(fi)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil, false
	}
	f := v.Elem().FieldByName("data")
	if !f.IsValid() || f.Kind() != reflect.String {
		return nil, false
	}
	s := f.String() // reading an unexported string field copies only its header
	if int64(len(s)) != fi.Size() || len(s) == 0 {
		return nil, false
	}
	return unsafe.Slice(unsafe.StringData(s), len(s)), true
}

// release hands the pages of the modules read so far back to the OS (see
// releasePages). It is called after a pipeline build, when the Host has
// compiled them; a later build of one that is not compiled any more reads
// it again, from the page cache.
func (b *builtins) release() {
	b.mu.Lock()
	views := make([][]byte, 0, len(b.read))
	for _, v := range b.read {
		views = append(views, v)
	}
	b.mu.Unlock()
	releasePages(views)
}

// releaseLoadMemory hands back to the OS what loading guards left:
// loading allocates several times the size of their modules (instrumented
// and merged copies, wazero's decoder) that is garbage once they are
// compiled, and the Go runtime would keep those pages (its heap goal is
// twice the live heap) and hand them back only slowly, so the gateway
// would idle at that peak (358 MB instead of 160 for the core pipeline at
// 4 s). It runs once the first pipeline is live, and once reloads have
// settled (reload.Options.Settled: 10 s without a reload), when a swap's
// garbage and the retired guards' heap would otherwise hold the resident
// size at the swap's peak. Not right after each reload: there it made the
// next swap under load slower (the heap regrown page by page, collections
// during the load; swapbench's request-to-live median 128 ms against
// 53-74 ms); after the quiet time a burst of swaps pays it once.
func releaseLoadMemory() {
	debug.FreeOSMemory()
}
