// Package extismguard runs Ward guards built with an Extism PDK: modules
// that import "extism:host/env" and export one function per phase
// (describe, configure, request, response, response_chunk) that read JSON
// input and write JSON output through the Extism kernel.
//
// The kernel (Extism's memory, input, output and error handles) is
// implemented in Go in this package instead of going through go-sdk's
// extism-runtime.wasm: go-sdk v1.7.1 made ~150 KB of garbage per call (see
// kernel.go and .notes/rationale-extism.md). Guests are plain wazero modules
// with WASI (no files, network, environment, real clocks or randomness),
// one compiled module per Guard and a bounded pool of instances.
//
// A guest's CPU use is bounded in one of two ways. With Options.Fuel the
// module has been instrumented by engine/internal/fuel (the caller does
// that, as wasmhost does): every call gets a fuel budget, a guest that
// exhausts it traps, and a watchdog stops a call that outlives
// Options.WallLimit by draining its fuel. With Options.Timeout the module is
// compiled with wazero's close-on-context-done checks instead, which works
// for modules that cannot be instrumented but made the example Go guard
// 5.8-7.4x slower (.notes/rationale-extism.md).
package extismguard

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"

	"github.com/wardgate/ward/engine/internal/fuel"
	"github.com/wardgate/ward/engine/internal/fuel/meter"
	"github.com/wardgate/ward/sdk/abi"
)

// ABI is what Description().ABI reports for every Extism guard.
const ABI = "extism"

// ConfigKey is the Extism manifest config key that holds the guard's config
// table as JSON (readable with the PDKs' config_get / GetConfig).
const ConfigKey = "ward_config"

// Error codes.
const (
	CodeLoad    = "guard_load"    // the module or its describe export is unusable
	CodeConfig  = "guard_config"  // configure rejected the config table
	CodeTimeout = "guard_timeout" // the call ran out of fuel, was stopped by the watchdog or Close, or outlived Options.Timeout or the caller's context (with Timeout)
	CodeTrap    = "guard_trap"    // the guest trapped, exited, or returned an error
	CodeVerdict = "bad_verdict"   // the output is not a valid verdict (JSON, size, decision)
	CodeBusy    = "guard_busy"    // no instance became free before the context ended
	CodePhase   = "guard_phase"   // the guard does not run in the exchange's phase
	CodeClosed  = "guard_closed"  // Check after Close
)

// Error is every error this package returns. Code is one of the Code*
// constants; compare codes, not messages.
type Error struct {
	Code string
	Err  error
}

func (e *Error) Error() string { return "extismguard: " + e.Code + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Err: fmt.Errorf(format, args...)}
}

// Options configures Load. Zero values select the defaults noted.
type Options struct {
	Name             string        // guard name used in logs and errors
	Wasm             []byte        // the module; not retained after Load returns
	ConfigJSON       []byte        // the guard's config table as a JSON object; nil means {}
	PoolSize         int           // instances kept warm; 0 = GOMAXPROCS
	MemoryLimitPages uint32        // cap on guest linear memory; 0 = 512 pages (32 MiB)
	Timeout          time.Duration // per-call deadline; > 0 also lets the caller's context stop a guest; 0 = no deadline (see Fuel)
	Walltime         bool          // grant the real wall clock (else wazero's fixed fake time)
	// Fuel is the fuel each Check may burn (fuel units: one per function
	// entry and loop header the guest passes); 0 = no fuel. With Fuel > 0
	// Wasm must have been instrumented with fuel.Instrument (it exports
	// fuel.GlobalExport, else Load fails with guard_load); a guest that runs
	// out traps and Check returns guard_timeout.
	Fuel int64
	// StartupFuel is the fuel given to each of _initialize (or the
	// language's initialiser), describe and configure, which run while
	// loading and when an instance is replaced; 0 = DefaultStartupFuel.
	// Ignored without Fuel.
	StartupFuel int64
	// WallLimit, with Fuel > 0, makes a watchdog stop (guard_timeout) a
	// Check that has run for longer than this in wall time and burnt at
	// least 1% of its Fuel (a call that burnt less is stalled by the host,
	// not running away, and is left alone); 0 = no watchdog. The 1% rule
	// means a Fuel far larger than what the guest can burn in WallLimit
	// (above ~100x) disables the watchdog; wasmhost uses FuelPerMillisecond
	// units per ms of budget and twice the budget as WallLimit.
	WallLimit time.Duration
	MaxOutput int          // largest accepted output of a handler; 0 = 1 MiB
	Logger    *slog.Logger // receives guest log_* lines; nil = guest logs dropped
	CacheDir  string       // wazero compilation cache directory; "" = in-memory only
}

// DefaultStartupFuel is the fuel for each loading call when
// Options.StartupFuel is 0 (the same as wasmhost's for native guards; a Go
// guest's _initialize uses about 0.1% of it).
const DefaultStartupFuel = 200_000_000

const (
	defaultMemoryPages = 512
	defaultMaxOutput   = 1 << 20
	maxDescribe        = 64 << 10
)

// Guard is a loaded Extism guard with a pool of configured instances. It is
// safe for concurrent use; each Check holds one instance for its duration.
type Guard struct {
	name    string
	desc    abi.Description
	phases  [4]string // export name per abi.Phase, "" when the guard skips it
	timeout time.Duration
	maxOut  int

	fuelUnits   int64 // Options.Fuel; 0 = no fuel
	startupFuel int64
	wallLimit   int64          // ns; 0 = no watchdog
	watch       meter.Watchdog // every open instance's meter, for the watchdog and Close

	rt       wazero.Runtime
	cache    wazero.CompilationCache
	compiled wazero.CompiledModule
	modCfg   wazero.ModuleConfig
	config   map[string]string
	cfgJSON  []byte
	logger   *slog.Logger
	level    int32

	pool     chan *instance
	seq      atomic.Uint64
	closed   atomic.Bool
	inflight atomic.Int64 // Checks between their start and their return
	bg       sync.WaitGroup
	stop     chan struct{}
	size     int
}

var _ interface {
	Check(context.Context, *abi.Exchange, *abi.Verdict) error
	Description() abi.Description
} = (*Guard)(nil)

// instance is one guest module with its kernel and reusable buffers. It is
// owned by whoever took it from the pool; only its meter is touched by the
// watchdog and Close.
type instance struct {
	mod    api.Module
	k      *kernel
	fns    [4]api.Function // handler per phase
	fuel   meter.Meter     // no fuel global without Options.Fuel
	enc    *json.Encoder
	buf    bytes.Buffer
	broken bool
}

// Load compiles o.Wasm once, starts o.PoolSize instances, reads the guard's
// description from the first one and configures every instance with
// o.ConfigJSON. With o.Fuel > 0 and o.WallLimit > 0 it starts the guard's
// watchdog goroutine, which Close stops. Errors are *Error with Code
// guard_load or guard_config; nothing stays allocated after an error.
func Load(ctx context.Context, o Options) (g *Guard, err error) {
	if !IsExtism(o.Wasm) {
		return nil, errorf(CodeLoad, "%s: not an Extism module (no import from %q)", o.Name, extismEnv)
	}
	cfgJSON := bytes.TrimSpace(o.ConfigJSON)
	if len(cfgJSON) == 0 {
		cfgJSON = []byte("{}")
	}
	if !json.Valid(cfgJSON) || cfgJSON[0] != '{' {
		return nil, errorf(CodeConfig, "%s: config must be a JSON object", o.Name)
	}
	if o.Fuel < 0 || o.StartupFuel < 0 || o.WallLimit < 0 {
		return nil, errorf(CodeLoad, "%s: negative Fuel, StartupFuel or WallLimit", o.Name)
	}
	pages := o.MemoryLimitPages
	if pages == 0 {
		pages = defaultMemoryPages
	}
	size := o.PoolSize
	if size <= 0 {
		size = runtime.GOMAXPROCS(0)
	}
	g = &Guard{
		name:    o.Name,
		timeout: o.Timeout,
		maxOut:  o.MaxOutput,
		cfgJSON: append([]byte(nil), cfgJSON...),
		logger:  o.Logger,
		level:   extismLevel(o.Logger),
		pool:    make(chan *instance, size),
		stop:    make(chan struct{}),
		size:    size,

		fuelUnits:   o.Fuel,
		startupFuel: o.StartupFuel,
	}
	if g.startupFuel == 0 {
		g.startupFuel = DefaultStartupFuel
	}
	if o.Fuel > 0 {
		g.wallLimit = int64(o.WallLimit)
	}
	if g.maxOut <= 0 {
		g.maxOut = defaultMaxOutput
	}
	g.config = map[string]string{ConfigKey: string(g.cfgJSON)}
	gd := g
	defer func() {
		if err != nil {
			_ = gd.shutdown(context.WithoutCancel(ctx))
		}
	}()

	rc := wazero.NewRuntimeConfig().WithMemoryLimitPages(pages)
	if o.Timeout > 0 {
		// Lets a deadline stop a running guest, at a price: wazero checks
		// for it at every loop header, which made the example Go guard
		// 5.8-7.4x slower (rationale-extism.md). Without a Timeout only
		// fuel (if any) and the watchdog stop a guest.
		rc = rc.WithCloseOnContextDone(true)
	}
	if o.CacheDir != "" {
		c, cerr := wazero.NewCompilationCacheWithDir(o.CacheDir)
		if cerr != nil {
			return nil, &Error{Code: CodeLoad, Err: fmt.Errorf("%s: compilation cache: %w", o.Name, cerr)}
		}
		g.cache = c
		rc = rc.WithCompilationCache(c)
	}
	g.rt = wazero.NewRuntimeWithConfig(ctx, rc)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, g.rt); err != nil {
		return nil, &Error{Code: CodeLoad, Err: fmt.Errorf("%s: wasi: %w", o.Name, err)}
	}
	if err := instantiateKernelModule(ctx, g.rt); err != nil {
		return nil, &Error{Code: CodeLoad, Err: fmt.Errorf("%s: kernel: %w", o.Name, err)}
	}
	g.compiled, err = compileModule(ctx, g.rt, o.Wasm)
	if err != nil {
		return nil, &Error{Code: CodeLoad, Err: fmt.Errorf("%s: compile: %w", o.Name, err)}
	}
	if err := g.checkExports(); err != nil {
		return nil, err
	}
	// No args, env, files, network; stdout/stderr discarded; wazero's fake
	// clocks and deterministic randomness. Start functions are run by
	// initGuest, with a kernel in the context.
	// A monotonic clock (not the wall clock): Go guests pace their GC with
	// it and, under wazero's fake clock, stop collecting (see RATIONALE.md).
	g.modCfg = wazero.NewModuleConfig().WithStartFunctions().WithSysNanotime()
	if o.Walltime {
		g.modCfg = g.modCfg.WithSysWalltime()
	}

	first, err := g.instantiate(ctx)
	if err != nil {
		return nil, err
	}
	if err := g.describe(ctx, first); err != nil {
		g.discard(ctx, first)
		return nil, err
	}
	if err := g.configure(ctx, first); err != nil {
		g.discard(ctx, first)
		return nil, err
	}
	g.pool <- first
	for i := 1; i < size; i++ {
		inst, err := g.newConfigured(ctx)
		if err != nil {
			return nil, err
		}
		g.pool <- inst
	}
	if g.wallLimit > 0 {
		g.watch.Start(time.Duration(g.wallLimit), g.fuelUnits)
	}
	return g, nil
}

// checkExports requires describe and validates the signatures of the
// exports Ward calls: () -> () or () -> i32, as Extism does.
func (g *Guard) checkExports() error {
	defs := g.compiled.ExportedFunctions()
	if _, ok := defs["describe"]; !ok {
		return errorf(CodeLoad, "%s: missing export %q", g.name, "describe")
	}
	for _, name := range []string{"describe", "configure", "request", "response", "response_chunk"} {
		d, ok := defs[name]
		if !ok {
			continue
		}
		res := d.ResultTypes()
		if len(d.ParamTypes()) != 0 || len(res) > 1 || (len(res) == 1 && res[0] != api.ValueTypeI32) {
			return errorf(CodeLoad, "%s: export %q must have type () -> i32 or () -> ()", g.name, name)
		}
	}
	return nil
}

func (g *Guard) describe(ctx context.Context, inst *instance) error {
	out, err := g.call(ctx, inst, inst.mod.ExportedFunction("describe"), nil, maxDescribe, g.startupFuel, false)
	if err != nil {
		return &Error{Code: CodeLoad, Err: fmt.Errorf("%s: describe: %w", g.name, err)}
	}
	var d abi.Description
	if err := json.Unmarshal(out, &d); err != nil {
		return errorf(CodeLoad, "%s: describe: bad JSON: %v", g.name, err)
	}
	switch d.ABI {
	case "", abi.Version, ABI:
	default:
		return errorf(CodeLoad, "%s: describe: abi %q (want %q or %q)", g.name, d.ABI, abi.Version, ABI)
	}
	if d.Name == "" {
		return errorf(CodeLoad, "%s: describe: empty name", g.name)
	}
	if len(d.Phases) == 0 {
		return errorf(CodeLoad, "%s: describe: no phases", g.name)
	}
	defs := g.compiled.ExportedFunctions()
	for _, ph := range d.Phases {
		p, ok := abi.ParsePhase(ph)
		if !ok {
			return errorf(CodeLoad, "%s: describe: unknown phase %q", g.name, ph)
		}
		if _, ok := defs[ph]; !ok {
			return errorf(CodeLoad, "%s: describe lists phase %q but the module does not export %q", g.name, ph, ph)
		}
		g.phases[p] = ph
	}
	for p := abi.PhaseRequest; p <= abi.PhaseResponseChunk; p++ {
		if _, ok := defs[p.String()]; ok && g.phases[p] == "" {
			return errorf(CodeLoad, "%s: module exports %q but describe does not list that phase", g.name, p.String())
		}
	}
	d.ABI = ABI
	g.desc = d
	return nil
}

// configError is the {"key","error"} JSON a configure export may report.
type configError struct {
	Key   string `json:"key"`
	Error string `json:"error"`
}

// ConfigError is the Err of a guard_config *Error: the config key the guard
// blamed (may be empty) and its message.
type ConfigError struct {
	Key     string
	Message string
}

func (e *ConfigError) Error() string {
	if e.Key == "" {
		return e.Message
	}
	return e.Key + ": " + e.Message
}

func (g *Guard) configure(ctx context.Context, inst *instance) error {
	fn := inst.mod.ExportedFunction("configure")
	if fn == nil {
		return nil
	}
	_, err := g.call(ctx, inst, fn, g.cfgJSON, maxDescribe, g.startupFuel, false)
	if err == nil {
		return nil
	}
	var ge *guestError
	if !errors.As(err, &ge) {
		return &Error{Code: CodeLoad, Err: fmt.Errorf("%s: configure: %w", g.name, err)}
	}
	ce := &ConfigError{Message: ge.msg}
	var j configError
	if json.Unmarshal([]byte(ge.msg), &j) == nil && j.Error != "" {
		ce = &ConfigError{Key: j.Key, Message: j.Error}
	} else if ce.Message == "" {
		ce.Message = fmt.Sprintf("rejected (configure returned %d)", ge.rc)
	}
	return &Error{Code: CodeConfig, Err: fmt.Errorf("%s: %w", g.name, ce)}
}

// Description returns what the guard's describe export reported, with ABI
// set to "extism". The returned value must not be modified.
func (g *Guard) Description() abi.Description { return g.desc }

// Check runs the guard's handler for x.Phase and decodes its verdict into v
// (reset first; an empty output is a plain allow). x is only read. On error
// v is reset to a plain allow and the error is an *Error with code
// guard_timeout, guard_trap, bad_verdict, guard_busy, guard_phase or
// guard_closed; an instance that failed is discarded and replaced in the
// background.
func (g *Guard) Check(ctx context.Context, x *abi.Exchange, v *abi.Verdict) error {
	v.Reset()
	if int(x.Phase) >= len(g.phases) || g.phases[x.Phase] == "" {
		return errorf(CodePhase, "%s: guard does not run in phase %s", g.name, x.Phase)
	}
	g.inflight.Add(1)
	defer g.inflight.Add(-1)
	if g.closed.Load() {
		return errorf(CodeClosed, "%s: guard is closed", g.name)
	}
	inst, err := g.acquire(ctx)
	if err != nil {
		return err
	}
	defer g.release(inst)

	inst.buf.Reset()
	if err := inst.enc.Encode(x); err != nil {
		return errorf(CodeTrap, "%s: encode exchange: %v", g.name, err)
	}
	out, err := g.call(ctx, inst, inst.fns[x.Phase], inst.buf.Bytes(), g.maxOut, g.fuelUnits, true)
	if err != nil {
		return g.callError(x.Phase.String(), err)
	}
	if len(out) == 0 {
		return nil
	}
	if err := json.Unmarshal(out, v); err != nil {
		v.Reset()
		return errorf(CodeVerdict, "%s: %s: %v", g.name, x.Phase, err)
	}
	if v.Decision == abi.Deny && v.Status != 0 && (v.Status < 400 || v.Status > 599) {
		st := v.Status
		v.Reset()
		return errorf(CodeVerdict, "%s: %s: deny status %d (want 4xx or 5xx)", g.name, x.Phase, st)
	}
	return nil
}

func (g *Guard) callError(what string, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: CodeTrap, Err: fmt.Errorf("%s: %s: %w", g.name, what, err)}
}

// guestError is a handler that returned non-zero or set an Extism error.
type guestError struct {
	rc  uint32
	msg string
}

func (e *guestError) Error() string {
	if e.msg == "" {
		return fmt.Sprintf("guest returned %d", e.rc)
	}
	return fmt.Sprintf("guest error (rc %d): %s", e.rc, e.msg)
}

// call runs fn with input in inst's kernel and returns the output, which
// aliases kernel memory and is valid until the next call on inst. With fuel
// the call gets units of it; watch lets the watchdog and Close stop it
// (Check calls only: loading calls run before anything watches them).
// Failures that may have left the guest in a bad state mark inst broken.
func (g *Guard) call(ctx context.Context, inst *instance, fn api.Function, input []byte, maxOut int, units int64, watch bool) ([]byte, error) {
	if g.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, g.timeout)
		defer cancel()
	}
	inst.k.setInput(input)
	if watch {
		inst.fuel.Begin(units)
	} else {
		inst.fuel.Set(units)
	}
	res, err := fn.Call(context.WithValue(ctx, kernelKey{}, inst.k))
	if watch && inst.fuel.Enabled() {
		inst.fuel.End()
	}
	if err != nil {
		inst.broken = true
		if inst.fuel.OutOfFuel() {
			return nil, g.fuelError(inst, units, err)
		}
		var exit *sys.ExitError
		if errors.As(err, &exit) {
			switch exit.ExitCode() {
			case sys.ExitCodeDeadlineExceeded, sys.ExitCodeContextCanceled:
				cause := ctx.Err()
				if cause == nil {
					cause = err
				}
				return nil, &Error{Code: CodeTimeout, Err: fmt.Errorf("%s: %w", g.name, cause)}
			}
		}
		return nil, err
	}
	var rc uint32
	if len(res) == 1 {
		rc = api.DecodeU32(res[0])
	}
	if msg := inst.k.errorBytes(); rc != 0 || len(msg) > 0 {
		return nil, &guestError{rc: rc, msg: strings.ToValidUTF8(string(msg), "\uFFFD")}
	}
	if inst.k.outputLen > uint64(maxOut) {
		return nil, errorf(CodeVerdict, "%s: output of %d bytes exceeds the limit of %d", g.name, inst.k.outputLen, maxOut)
	}
	return inst.k.outputBytes(), nil
}

// instantiate starts one guest instance and runs its language runtime's
// initialiser (hs_init, _initialize or __wasm_call_ctors, as Extism does).
func (g *Guard) instantiate(ctx context.Context) (*instance, error) {
	name := fmt.Sprintf("guest-%d", g.seq.Add(1))
	mod, err := g.rt.InstantiateModule(ctx, g.compiled, g.modCfg.WithName(name))
	if err != nil {
		return nil, &Error{Code: CodeLoad, Err: fmt.Errorf("%s: instantiate: %w", g.name, err)}
	}
	inst := &instance{mod: mod, k: newKernel(g.config, g.logger, g.level, g.name)}
	if g.fuelUnits > 0 {
		mg, ok := mod.ExportedGlobal(fuel.GlobalExport).(api.MutableGlobal)
		if !ok || mg.Type() != api.ValueTypeI64 {
			_ = mod.Close(ctx)
			return nil, errorf(CodeLoad, "%s: Fuel is set but the module does not export a mutable i64 %q (not instrumented)", g.name, fuel.GlobalExport)
		}
		inst.fuel.Init(mg)
	}
	inst.enc = json.NewEncoder(&inst.buf)
	inst.enc.SetEscapeHTML(false)
	for p := abi.PhaseRequest; p <= abi.PhaseResponseChunk; p++ {
		inst.fns[p] = mod.ExportedFunction(p.String())
	}
	if err := g.initGuest(ctx, inst); err != nil {
		_ = mod.Close(ctx)
		return nil, &Error{Code: CodeLoad, Err: fmt.Errorf("%s: initialise: %w", g.name, err)}
	}
	g.watch.Add(&inst.fuel)
	return inst, nil
}

func (g *Guard) initGuest(ctx context.Context, inst *instance) error {
	kctx := context.WithValue(ctx, kernelKey{}, inst.k)
	run := func(name string, args ...uint64) error {
		f := inst.mod.ExportedFunction(name)
		if f == nil || len(f.Definition().ParamTypes()) != len(args) {
			return nil
		}
		inst.fuel.Set(g.startupFuel)
		_, err := f.Call(kctx, args...)
		var exit *sys.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 0 {
			err = nil
		}
		if err != nil && inst.fuel.OutOfFuel() {
			err = fmt.Errorf("%s: out of fuel (%d units): %w", name, g.startupFuel, err)
		}
		return err
	}
	if inst.mod.ExportedFunction("hs_init") != nil {
		if err := run("_initialize"); err != nil {
			return err
		}
		return run("hs_init", 0, 0)
	}
	if inst.mod.ExportedFunction("_initialize") != nil {
		return run("_initialize")
	}
	return run("__wasm_call_ctors")
}

func (g *Guard) newConfigured(ctx context.Context) (*instance, error) {
	inst, err := g.instantiate(ctx)
	if err != nil {
		return nil, err
	}
	if err := g.configure(ctx, inst); err != nil {
		g.discard(ctx, inst)
		return nil, err
	}
	return inst, nil
}

// discard closes inst and forgets it.
func (g *Guard) discard(ctx context.Context, inst *instance) {
	g.watch.Remove(&inst.fuel)
	_ = inst.mod.Close(ctx)
}

// acquire takes a free instance, waiting until ctx ends (or the guard's
// Timeout passes) when all are busy.
func (g *Guard) acquire(ctx context.Context) (*instance, error) {
	select {
	case inst := <-g.pool:
		return inst, nil
	default:
	}
	var timeout <-chan time.Time
	if g.timeout > 0 {
		t := time.NewTimer(g.timeout)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case inst := <-g.pool:
		return inst, nil
	case <-ctx.Done():
		return nil, &Error{Code: CodeBusy, Err: fmt.Errorf("%s: no free instance: %w", g.name, ctx.Err())}
	case <-timeout:
		return nil, errorf(CodeBusy, "%s: no free instance within %v", g.name, g.timeout)
	case <-g.stop:
		return nil, errorf(CodeClosed, "%s: guard is closed", g.name)
	}
}

// release returns inst to the pool, or discards it and starts a
// replacement in the background when it is broken.
func (g *Guard) release(inst *instance) {
	if !inst.broken {
		g.pool <- inst
		return
	}
	g.discard(context.Background(), inst)
	if g.closed.Load() {
		return
	}
	g.bg.Add(1)
	go g.replace()
}

// replace instantiates and configures a new instance for the pool,
// retrying with backoff until it succeeds or the guard is closed.
func (g *Guard) replace() {
	defer g.bg.Done()
	backoff := 100 * time.Millisecond
	for {
		inst, err := g.newConfigured(context.Background())
		if err == nil {
			if g.closed.Load() {
				g.discard(context.Background(), inst)
				return
			}
			g.pool <- inst
			return
		}
		if g.logger != nil {
			g.logger.Error("extismguard: replacing a failed instance", "guard", g.name, "err", err)
		}
		select {
		case <-g.stop:
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}

// Close waits (until ctx ends) for in-flight checks to finish, then
// releases every instance, the compiled module and the compilation cache
// handle. Checks after Close fail with guard_closed. When ctx ends first:
// with Fuel, the checks still running are stopped (they fail with
// guard_timeout), Close waits for them to return and then returns a
// guard_timeout *Error wrapping ctx's cause; without Fuel the runtime is
// closed under them (with Timeout they fail with guard_timeout or
// guard_trap; without, a guest that never returns keeps its goroutine).
// Close is idempotent: later calls return nil.
func (g *Guard) Close(ctx context.Context) error {
	if !g.closed.CompareAndSwap(false, true) {
		return nil
	}
	close(g.stop)
	g.watch.Stop()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for g.inflight.Load() > 0 {
		select {
		case <-ctx.Done():
			if g.fuelUnits == 0 {
				return g.shutdown(ctx)
			}
			g.watch.KillAll(func() bool { return g.inflight.Load() == 0 })
			g.bg.Wait()
			if err := g.shutdown(context.WithoutCancel(ctx)); err != nil {
				return err
			}
			return &Error{Code: CodeTimeout, Err: fmt.Errorf("%s: close stopped the checks in flight: %w", g.name, context.Cause(ctx))}
		case <-tick.C:
		}
	}
	g.bg.Wait()
	return g.shutdown(ctx)
}

func (g *Guard) shutdown(ctx context.Context) error {
	var err error
	if g.rt != nil {
		err = g.rt.Close(ctx)
	}
	if g.cache != nil {
		if cerr := g.cache.Close(ctx); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return &Error{Code: CodeLoad, Err: fmt.Errorf("%s: close: %w", g.name, err)}
	}
	return nil
}

// compileModule is rt.CompileModule that turns a panic (a wazero decoder or
// validator bug on a malformed module) into an error instead of a crash.
func compileModule(ctx context.Context, rt wazero.Runtime, code []byte) (cm wazero.CompiledModule, err error) {
	defer func() {
		if p := recover(); p != nil {
			cm, err = nil, fmt.Errorf("wazero panicked compiling the module: %v", p)
		}
	}()
	return rt.CompileModule(ctx, code)
}
