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
	CodeTimeout = "guard_timeout" // the call outlived Options.Timeout or the caller's context
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
	Timeout          time.Duration // per-call deadline; > 0 also lets the caller's context stop a guest; 0 = guests run to completion
	MaxOutput        int           // largest accepted output of a handler; 0 = 1 MiB
	Logger           *slog.Logger  // receives guest log_* lines; nil = guest logs dropped
	CacheDir         string        // wazero compilation cache directory; "" = in-memory only
}

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
// owned by whoever took it from the pool.
type instance struct {
	mod    api.Module
	k      *kernel
	fns    [4]api.Function // handler per phase
	enc    *json.Encoder
	buf    bytes.Buffer
	broken bool
}

// Load compiles o.Wasm once, starts o.PoolSize instances, reads the guard's
// description from the first one and configures every instance with
// o.ConfigJSON. Errors are *Error with Code guard_load or guard_config;
// nothing stays allocated after an error.
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
		// ~4-20x slower (rationale-extism.md). Without a Timeout, as with
		// go-sdk without a manifest timeout, nothing interrupts a guest.
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
	g.compiled, err = g.rt.CompileModule(ctx, o.Wasm)
	if err != nil {
		return nil, &Error{Code: CodeLoad, Err: fmt.Errorf("%s: compile: %w", o.Name, err)}
	}
	if err := g.checkExports(); err != nil {
		return nil, err
	}
	// No args, env, files, network; stdout/stderr discarded; wazero's fake
	// clocks and deterministic randomness. Start functions are run by
	// initGuest, with a kernel in the context.
	g.modCfg = wazero.NewModuleConfig().WithStartFunctions()

	first, err := g.instantiate(ctx)
	if err != nil {
		return nil, err
	}
	if err := g.describe(ctx, first); err != nil {
		first.close(ctx)
		return nil, err
	}
	if err := g.configure(ctx, first); err != nil {
		first.close(ctx)
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
	out, err := g.call(ctx, inst, inst.mod.ExportedFunction("describe"), nil, maxDescribe)
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
	_, err := g.call(ctx, inst, fn, g.cfgJSON, maxDescribe)
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
	out, err := g.call(ctx, inst, inst.fns[x.Phase], inst.buf.Bytes(), g.maxOut)
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
// aliases kernel memory and is valid until the next call on inst. Failures
// that may have left the guest in a bad state mark inst broken.
func (g *Guard) call(ctx context.Context, inst *instance, fn api.Function, input []byte, maxOut int) ([]byte, error) {
	if g.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, g.timeout)
		defer cancel()
	}
	inst.k.setInput(input)
	res, err := fn.Call(context.WithValue(ctx, kernelKey{}, inst.k))
	if err != nil {
		inst.broken = true
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
	inst.enc = json.NewEncoder(&inst.buf)
	inst.enc.SetEscapeHTML(false)
	for p := abi.PhaseRequest; p <= abi.PhaseResponseChunk; p++ {
		inst.fns[p] = mod.ExportedFunction(p.String())
	}
	if err := g.initGuest(ctx, inst); err != nil {
		inst.close(ctx)
		return nil, &Error{Code: CodeLoad, Err: fmt.Errorf("%s: initialise: %w", g.name, err)}
	}
	return inst, nil
}

func (g *Guard) initGuest(ctx context.Context, inst *instance) error {
	kctx := context.WithValue(ctx, kernelKey{}, inst.k)
	run := func(name string, args ...uint64) error {
		f := inst.mod.ExportedFunction(name)
		if f == nil || len(f.Definition().ParamTypes()) != len(args) {
			return nil
		}
		_, err := f.Call(kctx, args...)
		var exit *sys.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 0 {
			err = nil
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
		inst.close(ctx)
		return nil, err
	}
	return inst, nil
}

func (inst *instance) close(ctx context.Context) { _ = inst.mod.Close(ctx) }

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
	inst.close(context.Background())
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
				inst.close(context.Background())
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
// handle. Checks after Close fail with guard_closed; checks still running
// when ctx ends fail with guard_trap. Close is idempotent.
func (g *Guard) Close(ctx context.Context) error {
	if !g.closed.CompareAndSwap(false, true) {
		return nil
	}
	close(g.stop)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for g.inflight.Load() > 0 {
		select {
		case <-ctx.Done():
			return g.shutdown(ctx)
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
