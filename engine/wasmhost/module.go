package wasmhost

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/wardgate/ward/engine/internal/fuel"
)

// DefaultIdleModules bounds the compiled modules a Host keeps while no
// guard uses them (Options.IdleModules): a swap back to one of them (a
// rollback, the previous version, a module that was refused by its
// self-test and is tried again) instantiates it at once instead of
// decoding, validating and instrumenting megabytes of Wasm again. Each
// costs its compiled code and wazero's decoded module (~25 MB for a
// built-in Go guard). Modules in use are kept whatever their number.
const DefaultIdleModules = 4

// moduleKey identifies a compiled native module: the same input bytes
// (SHA-256), compiled under the same memory limit (wazero applies it when
// decoding) and with or without fuel instrumentation, compile to the same
// code.
type moduleKey struct {
	sum    [sha256.Size]byte
	pages  uint32
	noFuel bool
}

// module is one compiled native guard module in a runtime of its own,
// shared by every Guard loaded from the same moduleKey: the guards of
// successive pipelines during a swap, a guard and its candidate, a module
// loaded again after a rollback. It is compiled once and closed only when
// no guard uses it and the Host evicts it (or closes).
//
// Its "ward" host module is bound to the module, not to one guard: a host
// function finds the guard of the instance calling it in owners. A
// CompiledModule cannot move between runtimes (wazero's function type IDs
// belong to the runtime's store), which is why the runtime is shared too.
type module struct {
	key moduleKey
	rt  wazero.Runtime
	cm  wazero.CompiledModule

	hasInit, hasConfig bool
	hostImports        []string                     // names of the "ward" functions it imports
	alloc              experimental.MemoryAllocator // for its instances' memories

	seq    atomic.Uint64 // instance names, unique in rt
	owners sync.Map      // api.Module (a live instance) -> *Guard

	refs int // guards holding it (or waiting for it to compile); Host.modMu

	ready chan struct{} // closed once compiled (or failed: err)
	err   error
}

// guard returns the guard whose instance mod is, or nil (never while mod
// runs: an instance is registered before its first call and removed after
// its last).
func (m *module) guard(mod api.Module) *Guard {
	if g, ok := m.owners.Load(mod); ok {
		return g.(*Guard)
	}
	return nil
}

// close releases the compiled code and the runtime (with any instance
// still in it).
func (m *module) close() error {
	ctx := context.Background()
	return errors.Join(m.cm.Close(ctx), m.rt.Close(ctx))
}

// acquireModule returns the compiled module of key, compiling wasm (or
// its fuel-instrumented form) when the Host holds none, and counts g's
// reference to it; releaseModule gives it back. Loads of a key being
// compiled wait for that compilation. Compile errors are not remembered: a
// module that failed is compiled (and refused) again by the next Load.
func (h *Host) acquireModule(ctx context.Context, g *Guard, key moduleKey, wasm []byte) (*module, error) {
	h.modMu.Lock()
	if h.modsClosed {
		h.modMu.Unlock()
		return nil, &Error{Code: CodeClosed, Guard: g.name, Err: errors.New("host is closed")}
	}
	if m, ok := h.mods[key]; ok {
		m.refs++
		h.idle = slices.DeleteFunc(h.idle, func(x *module) bool { return x == m })
		h.modMu.Unlock()
		<-m.ready
		if m.err != nil {
			return nil, g.loadErr(m.err)
		}
		return m, nil
	}
	if h.mods == nil {
		h.mods = map[moduleKey]*module{}
	}
	m := &module{key: key, ready: make(chan struct{}), refs: 1}
	h.mods[key] = m
	h.modMu.Unlock()

	m.err = h.compileModule(ctx, m, wasm)
	// Compiling leaves several times the module's size of garbage
	// (instrumented and merged copies, the decoder's and the compiler's
	// work); a collection now keeps it from piling up under the next
	// module's compile, so a start or reload that compiles several guards
	// peaks at one compile's garbage, not the sum. The core pipeline's
	// start peaked at 147-152 MB instead of 173-181 MB with the on-disk
	// compilation cache, 170 instead of 180-187 MB without it, in the same
	// start time (0.36-0.48 s and 6.2-6.5 s). It does not hand memory
	// back to the OS (cmd/ward's releaseLoadMemory does, after start and
	// once reloads have settled), so a reload under load does not regrow
	// the heap page by page. A small module leaves too little garbage to
	// be worth a collection.
	if len(wasm) >= gcAfterCompileBytes {
		runtime.GC()
	}
	if m.err != nil {
		h.modMu.Lock()
		delete(h.mods, key)
		h.modMu.Unlock()
		close(m.ready)
		return nil, g.loadErr(m.err)
	}
	close(m.ready)
	return m, nil
}

// gcAfterCompileBytes is the size of a module whose compile is followed by
// a collection (see Host.acquireModule). Go guests are 2-6 MB.
const gcAfterCompileBytes = 1 << 20

// releaseModule drops one reference to m. A module no guard uses becomes
// idle; beyond h.idleMax the least recently released one is closed.
func (h *Host) releaseModule(m *module) {
	h.modMu.Lock()
	m.refs--
	if m.refs > 0 {
		h.modMu.Unlock()
		return
	}
	var evict *module
	if h.modsClosed {
		delete(h.mods, m.key)
		evict = m
	} else {
		h.idle = append(h.idle, m)
		if len(h.idle) > h.idleMax {
			evict = h.idle[0]
			h.idle = slices.Delete(h.idle, 0, 1)
			delete(h.mods, evict.key)
		}
	}
	h.modMu.Unlock()
	if evict != nil {
		if err := evict.close(); err != nil {
			h.logger.Warn("closing an evicted guard module", "err", err)
		}
	}
}

// closeModules closes the idle modules once the Host's guards are closed;
// a module released later (by a guard whose Load raced with Host.Close) is
// closed at once, and none is compiled any more.
func (h *Host) closeModules() error {
	h.modMu.Lock()
	h.modsClosed = true
	idle := h.idle
	h.idle = nil
	for _, m := range idle {
		delete(h.mods, m.key)
	}
	h.modMu.Unlock()
	var errs []error
	for _, m := range idle {
		errs = append(errs, m.close())
	}
	return errors.Join(errs...)
}

// compileModule creates m's runtime with the WASI and "ward" host
// modules, instruments wasm with fuel (unless m.key.noFuel), compiles it
// and checks its exports' signatures. On failure nothing is left open.
func (h *Host) compileModule(ctx context.Context, m *module, wasm []byte) (err error) {
	cfg := wazero.NewRuntimeConfig().
		WithCompilationCache(h.cache).
		WithMemoryLimitPages(m.key.pages).
		WithCloseOnContextDone(false)
	m.rt = wazero.NewRuntimeWithConfig(ctx, cfg)
	defer func() {
		if err != nil {
			if m.cm != nil {
				_ = m.cm.Close(ctx)
			}
			_ = m.rt.Close(ctx)
		}
	}()
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, m.rt); err != nil {
		return fmt.Errorf("instantiate wasi_snapshot_preview1: %w", err)
	}
	if err := m.instantiateHostModule(ctx); err != nil {
		return fmt.Errorf("instantiate host module %s: %w", hostModule, err)
	}
	// The instrumented bytes are not kept: wazero's decoder copies what it
	// needs (code bodies, data segments), and a module loaded again while
	// the Host holds it compiled (see DefaultIdleModules) is not instrumented
	// again. Keeping them cost as much memory as the modules themselves
	// (32 MB for the four guards of the core pipeline) to save tens of
	// milliseconds in the rare load of a module the Host had evicted.
	code := wasm
	if !m.key.noFuel {
		if code, err = fuel.Instrument(wasm, initFuel); err != nil {
			return err
		}
	} else if err := fuel.Check(wasm); err != nil {
		return err
	}
	code = mergeData(code)
	m.alloc = memoryAllocator(dataExtent(code))
	cm, err := compileModule(ctx, m.rt, code)
	if err != nil {
		return fmt.Errorf("compile: %w", err)
	}
	m.cm = cm
	if err := m.checkExports(); err != nil {
		return err
	}
	for _, d := range cm.ImportedFunctions() {
		if mod, name, _ := d.Import(); mod == hostModule {
			m.hostImports = append(m.hostImports, name)
		}
	}
	return nil
}

// checkExports checks that the module is a ward/v1 guard: the required
// exports exist and every known export has its signature.
func (m *module) checkExports() error {
	fns := m.cm.ExportedFunctions()
	if _, ok := fns["ward_alloc"]; !ok {
		return errors.New(`not a guard: no "ward_alloc" export (ward/v1) and no "extism:host/env" import (Extism)`)
	}
	if _, ok := m.cm.ExportedMemories()["memory"]; !ok {
		return errors.New(`no exported "memory"`)
	}
	i32, i64 := api.ValueTypeI32, api.ValueTypeI64
	sigs := []struct {
		name     string
		required bool
		params   []api.ValueType
		results  []api.ValueType
	}{
		{"ward_alloc", true, []api.ValueType{i32}, []api.ValueType{i32}},
		{"ward_describe", true, nil, []api.ValueType{i64}},
		{"ward_configure", false, []api.ValueType{i32, i32}, []api.ValueType{i64}},
		{"ward_request", false, []api.ValueType{i32, i32}, []api.ValueType{i64}},
		{"ward_response", false, []api.ValueType{i32, i32}, []api.ValueType{i64}},
		{"ward_response_chunk", false, []api.ValueType{i32, i32}, []api.ValueType{i64}},
		{"_initialize", false, nil, nil},
	}
	for _, s := range sigs {
		d, ok := fns[s.name]
		if !ok {
			if s.required {
				return fmt.Errorf("missing export %q", s.name)
			}
			continue
		}
		if !sameTypes(d.ParamTypes(), s.params) || !sameTypes(d.ResultTypes(), s.results) {
			return fmt.Errorf("export %q has signature %v -> %v, want %v -> %v",
				s.name, typeNames(d.ParamTypes()), typeNames(d.ResultTypes()), typeNames(s.params), typeNames(s.results))
		}
	}
	_, m.hasInit = fns["_initialize"]
	_, m.hasConfig = fns["ward_configure"]
	return nil
}
