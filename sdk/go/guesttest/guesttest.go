// Package guesttest is a host-side harness for guard authors' tests that
// runs a guard module exactly as Ward's native ABI (sdk/ABI.md) does,
// without Ward: it builds a Go guard package for GOOS=wasip1 GOARCH=wasm as
// a reactor, instantiates it with wazero and WASI preview 1, runs
// _initialize, and drives ward_alloc, ward_describe, ward_configure and the
// phase handlers the way the host does (one reused input buffer, packed
// pointer/length results, sdk/abi codecs).
//
// It is meant for tests and benchmarks (host side; it also compiles for
// wasip1, as wazero is pure Go). It never imports the engine, so a
// guard's tests check the guest against the ABI contract itself.
package guesttest

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/wardgate/ward/sdk/abi"
)

// Exports every Guest requires: the native ABI exports the Go SDK always
// provides.
var requiredExports = []string{
	"ward_alloc", "ward_describe", "ward_configure",
	"ward_request", "ward_response", "ward_response_chunk",
}

type buildResult struct {
	once sync.Once
	wasm []byte
	skip string
	err  error
}

var builds sync.Map // absolute package dir -> *buildResult

// Build compiles the Go guard package in pkgDir (a path relative to the
// test's working directory, or absolute) with
// GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared and returns the
// module's bytes. The build runs once per directory per process; later calls
// return the same slice, which callers must not modify. Build skips tb when
// the go command is not on PATH and fails it when the build fails. It is
// safe for concurrent use.
func Build(tb testing.TB, pkgDir string) []byte {
	tb.Helper()
	dir, err := filepath.Abs(pkgDir)
	if err != nil {
		tb.Fatalf("guesttest: %v", err)
	}
	v, _ := builds.LoadOrStore(dir, &buildResult{})
	b := v.(*buildResult)
	b.once.Do(func() { b.wasm, b.skip, b.err = build(dir) })
	if b.skip != "" {
		tb.Skip(b.skip)
	}
	if b.err != nil {
		tb.Fatal(b.err)
	}
	return b.wasm
}

func build(dir string) (wasm []byte, skip string, err error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return nil, "guesttest: go command not found: " + err.Error(), nil
	}
	tmp, err := os.MkdirTemp("", "guesttest")
	if err != nil {
		return nil, "", fmt.Errorf("guesttest: %w", err)
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "guard.wasm")
	cmd := exec.Command(goCmd, "build", "-buildmode=c-shared", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, "", fmt.Errorf("guesttest: go build %s: %v\n%s", dir, err, msg)
	}
	wasm, err = os.ReadFile(out)
	if err != nil {
		return nil, "", fmt.Errorf("guesttest: %w", err)
	}
	return wasm, "", nil
}

// One runtime (with WASI preview 1) serves every Guest of the process;
// modules are compiled once per distinct content.
var shared struct {
	mu       sync.Mutex
	rt       wazero.Runtime
	compiled map[[sha256.Size]byte]wazero.CompiledModule
}

func compile(wasm []byte) (wazero.Runtime, wazero.CompiledModule, error) {
	ctx := context.Background()
	key := sha256.Sum256(wasm)
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.rt == nil {
		rt := wazero.NewRuntime(ctx)
		if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
			rt.Close(ctx)
			return nil, nil, fmt.Errorf("guesttest: wasi: %w", err)
		}
		if err := instantiateHostModule(ctx, rt); err != nil {
			rt.Close(ctx)
			return nil, nil, fmt.Errorf("guesttest: ward host module: %w", err)
		}
		shared.rt = rt
		shared.compiled = make(map[[sha256.Size]byte]wazero.CompiledModule)
	}
	if c, ok := shared.compiled[key]; ok {
		return shared.rt, c, nil
	}
	c, err := shared.rt.CompileModule(ctx, wasm)
	if err != nil {
		return nil, nil, fmt.Errorf("guesttest: compile: %w", err)
	}
	shared.compiled[key] = c
	return shared.rt, c, nil
}

// Guest is one instance of a guard module and its native exports. Like an
// instance in Ward it is not safe for concurrent use: calls must be made one
// at a time.
type Guest struct {
	mod     api.Module
	exports map[string]api.Function
	alloc   api.Function
	stack   [2]uint64
	buf     uint32 // the ward_alloc buffer, reused while inputs fit
	bufCap  uint32
	enc     []byte // Check's encoding buffer
	state   atomic.Pointer[State]
	// reads are the parts the guard's description declares (Check sends
	// only those, as the host does); known once Check has asked.
	reads      abi.Parts
	readsKnown bool
}

// New instantiates wasm (compiled once per distinct module per process) with
// cfg, as Ward does: anonymous, with _initialize as the start function. A
// nil cfg means wazero.NewModuleConfig().WithSysNanotime(), a real monotonic
// clock (under wazero's default fake clock a Go guest's garbage collector
// stops reclaiming memory after some thousands of calls). New fails tb when
// the module does not compile or instantiate or lacks one of ward_alloc,
// ward_describe, ward_configure, ward_request, ward_response and
// ward_response_chunk. The instance is closed when tb's test ends.
func New(tb testing.TB, wasm []byte, cfg wazero.ModuleConfig) *Guest {
	tb.Helper()
	rt, compiled, err := compile(wasm)
	if err != nil {
		tb.Fatal(err)
	}
	if cfg == nil {
		cfg = wazero.NewModuleConfig().WithSysNanotime()
	}
	ctx := context.Background()
	// _initialize runs after the module is registered so that state calls
	// made while initialising find their Guest.
	mod, err := rt.InstantiateModule(ctx, compiled, cfg.WithName("").WithStartFunctions())
	if err != nil {
		tb.Fatalf("guesttest: instantiate: %v", err)
	}
	g := &Guest{mod: mod, exports: make(map[string]api.Function, len(requiredExports))}
	guests.Store(mod, g)
	tb.Cleanup(func() {
		guests.Delete(mod)
		mod.Close(ctx)
	})
	if init := mod.ExportedFunction("_initialize"); init != nil {
		if _, err := init.Call(ctx); err != nil {
			tb.Fatalf("guesttest: _initialize: %v", err)
		}
	}
	for _, name := range requiredExports {
		fn := mod.ExportedFunction(name)
		if fn == nil {
			tb.Fatalf("guesttest: export %s missing", name)
		}
		g.exports[name] = fn
	}
	g.alloc = g.exports["ward_alloc"]
	return g
}

// Module returns the guest's wazero module, e.g. to read its memory size.
func (g *Guest) Module() api.Module { return g.mod }

// Call calls the named export. For an export that takes (ptr, len) it first
// writes in into the guest's ward_alloc buffer, allocating a new one only
// when in does not fit in the current one; an export without parameters
// (ward_describe) ignores in. It returns the range the packed pointer/length
// result designates, nil for 0. The result is a view of guest memory, valid
// only until the next call into the guest: copy what you keep. Traps and
// out-of-range results are errors.
func (g *Guest) Call(export string, in []byte) ([]byte, error) {
	fn, ok := g.exports[export]
	if !ok {
		if fn = g.mod.ExportedFunction(export); fn == nil {
			return nil, fmt.Errorf("guesttest: no export %s", export)
		}
		g.exports[export] = fn
	}
	ctx := context.Background()
	if len(fn.Definition().ParamTypes()) == 2 {
		if uint32(len(in)) > g.bufCap || g.buf == 0 {
			g.stack[0] = uint64(len(in))
			if err := g.alloc.CallWithStack(ctx, g.stack[:]); err != nil {
				return nil, fmt.Errorf("guesttest: ward_alloc: %w", err)
			}
			if g.buf = uint32(g.stack[0]); g.buf == 0 {
				return nil, errors.New("guesttest: ward_alloc: out of memory")
			}
			g.bufCap = uint32(len(in))
		}
		if !g.mod.Memory().Write(g.buf, in) {
			return nil, errors.New("guesttest: ward_alloc buffer outside memory")
		}
		g.stack[0], g.stack[1] = uint64(g.buf), uint64(len(in))
	}
	if err := fn.CallWithStack(ctx, g.stack[:]); err != nil {
		return nil, fmt.Errorf("guesttest: %s: %w", export, err)
	}
	packed := g.stack[0]
	if packed == 0 {
		return nil, nil
	}
	out, ok := g.mod.Memory().Read(uint32(packed>>32), uint32(packed))
	if !ok {
		return nil, fmt.Errorf("guesttest: %s: output %#x outside memory", export, packed)
	}
	return out, nil
}

// Describe calls ward_describe and decodes its JSON description. An empty
// result is an error.
func (g *Guest) Describe() (abi.Description, error) {
	var d abi.Description
	out, err := g.Call("ward_describe", nil)
	if err != nil {
		return d, err
	}
	if len(out) == 0 {
		return d, errors.New("guesttest: ward_describe returned nothing")
	}
	if err := json.Unmarshal(out, &d); err != nil {
		return d, fmt.Errorf("guesttest: ward_describe %s: %w", out, err)
	}
	return d, nil
}

// ConfigError is the guard's rejection of a config: ward_configure returned
// {"key","error"}.
type ConfigError struct {
	Key string // the offending config key, "" for the config as a whole
	Msg string // the guard's message
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("guesttest: config rejected: key %q: %s", e.Key, e.Msg)
}

// Configure calls ward_configure with configJSON. It returns nil when the
// guard accepts it, a *ConfigError when the guard rejects it with a
// well-formed {"key","error"} (both present), and another error for a trap
// or any other output.
func (g *Guest) Configure(configJSON []byte) error {
	out, err := g.Call("ward_configure", configJSON)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	var got struct {
		Key   *string `json:"key"`
		Error *string `json:"error"`
	}
	if err := json.Unmarshal(out, &got); err != nil || got.Key == nil || got.Error == nil {
		return fmt.Errorf("guesttest: ward_configure = %q (%v), want {\"key\",\"error\"}", out, err)
	}
	return &ConfigError{Key: *got.Key, Msg: *got.Error}
}

// Check encodes x as the host does, with only the parts the guard's
// description declares it reads ("reads"; the others empty), calls the
// handler export of x.Phase (ward_request, ward_response or
// ward_response_chunk) and decodes the verdict into v (reusing v's
// slices; a plain allow leaves v reset to Allow). Traps, unknown phases,
// malformed verdicts and an unreadable description are errors. A guard
// that reads a part it does not declare sees it empty here, as it would
// in Ward.
func (g *Guest) Check(x *abi.Exchange, v *abi.Verdict) error {
	if !g.readsKnown {
		d, err := g.Describe()
		if err != nil {
			return err
		}
		if g.reads, err = abi.ParseReads(d.Reads); err != nil {
			return fmt.Errorf("guesttest: description: %w", err)
		}
		g.readsKnown = true
	}
	var export string
	switch x.Phase {
	case abi.PhaseRequest:
		export = "ward_request"
	case abi.PhaseResponse:
		export = "ward_response"
	case abi.PhaseResponseChunk:
		export = "ward_response_chunk"
	default:
		return fmt.Errorf("guesttest: no handler for phase %d", x.Phase)
	}
	g.enc = abi.AppendExchangeParts(g.enc[:0], x, g.reads)
	out, err := g.Call(export, g.enc)
	if err != nil {
		return err
	}
	if err := abi.DecodeVerdict(out, v); err != nil {
		return fmt.Errorf("guesttest: verdict %x: %w", out, err)
	}
	return nil
}
