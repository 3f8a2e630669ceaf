package wasmhost

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/wardgate/ward/engine/internal/extismguard"
	"github.com/wardgate/ward/engine/internal/fuel/meter"
	"github.com/wardgate/ward/engine/state"
	"github.com/wardgate/ward/sdk/abi"
)

// Defaults for the zero values of Spec fields.
const (
	DefaultMemoryLimit = 64 << 20              // bytes per instance
	DefaultCPUBudget   = 50 * time.Millisecond // per call
	DefaultMaxOutput   = 1 << 20               // bytes of verdict per call
	DefaultMaxLogBytes = 4 << 10               // bytes of stdout+stderr per call
)

// FuelPerMillisecond converts a CPU budget into fuel units. One unit is one
// fuel check (function entry or loop header), about 1 ns of tight-loop work
// on a current x86-64 core; allocating code burns fewer units per
// millisecond, which the wall-clock watchdog (2x the budget) covers.
const FuelPerMillisecond = 1_000_000

// initFuel is the fuel given to _initialize, ward_describe, the first
// ward_alloc and ward_configure, which run while loading, before the
// watchdog watches the instance. It is a constant (not derived from the
// budget) so that the instrumented module, and so the compilation cache
// entry, is the same whatever the budget. A Go guest's _initialize uses
// about 0.1% of it.
const initFuel = 200_000_000

// ABI names returned by Guard.ABI.
const (
	ABINative = abi.Version // "ward/v1"
	ABIExtism = "extism"
)

// Spec describes one guard to load.
type Spec struct {
	// Name identifies the guard in errors, logs and Name(); "" uses the
	// name from the guard's description.
	Name string
	// Wasm is the module. Load does not retain or modify it.
	Wasm []byte
	// SHA256, when not zero, is the SHA-256 of Wasm, computed by a caller
	// that had to (to check a pin) so that Load does not hash megabytes
	// again. It keys the Host's compiled modules: a wrong value loads
	// another module's code.
	SHA256 [sha256.Size]byte
	// Select names, in a module that holds several guards, the one to
	// load (sdk/ABI.md, "Modules that hold several guards"): every
	// instance gets it as its WARD_GUARD environment variable, its only
	// one. "" sets nothing, for a module that is one guard. Ward's
	// built-in guards are one such module (config.BuiltinPrefix).
	Select string
	// ConfigJSON is the guard's config table as a JSON object; nil or empty
	// means "{}".
	ConfigJSON []byte
	// PoolSize is the most instances (concurrent calls); 0 means
	// GOMAXPROCS. The pool starts with one instance and grows by one,
	// in the background, when a call finds every instance busy and the
	// instances were busy at least 35% of the time (growUtil), so a guard
	// that is never called concurrently, or seldom, costs one instance's
	// memory.
	// A larger pool than the number of cores adds memory, not throughput.
	PoolSize int
	// MemoryLimit caps each instance's linear memory, in bytes (rounded
	// down to 64 KiB pages); 0 means DefaultMemoryLimit. A module whose
	// declared minimum or maximum exceeds it fails to load.
	MemoryLimit int64
	// CPUBudget bounds one call: FuelPerMillisecond units of fuel per
	// millisecond, and the watchdog stops a call that runs for more than
	// twice this in wall time. 0 means DefaultCPUBudget.
	CPUBudget time.Duration
	// MaxOutput is the largest verdict accepted, in bytes; 0 means
	// DefaultMaxOutput.
	MaxOutput int
	// MaxLogBytes is how much of a call's stdout+stderr is forwarded to the
	// logger (the rest is dropped and counted); 0 means DefaultMaxLogBytes,
	// a negative value forwards nothing.
	MaxLogBytes int
	// Walltime grants the guest the real wall clock (config `grants =
	// ["clock"]`); otherwise it sees wazero's fixed fake time. Guests always
	// get a real monotonic clock (see RATIONALE.md).
	Walltime bool
	// State grants the guest the state host functions (config `grants =
	// ["state"]`): counters in this store, under keys prefixed with the
	// guard's name. nil: not granted, and a module importing them fails to
	// load. The store must outlive the guard.
	State state.Store
	// NoCPUBound disables fuel instrumentation and the watchdog. It exists
	// only to measure their overhead in benchmarks: a guard loaded with it
	// can block a goroutine (and the Go GC) forever.
	NoCPUBound bool
}

// Stats are a guard's counters since Load.
type Stats struct {
	Calls       uint64 // Check calls that reached the guest
	Errors      uint64 // calls that returned an error (all codes)
	Traps       uint64 // guard_trap
	Timeouts    uint64 // guard_timeout
	OOMs        uint64 // guard_oom
	BadVerdicts uint64 // bad_verdict
	Busy        uint64 // guard_busy
	// Replaced counts instances discarded after a trap, timeout or
	// out-of-memory and replaced in the background; ReplaceFailures counts
	// failed replacement attempts (retried with backoff).
	Replaced        uint64
	ReplaceFailures uint64
	PoolSize        int // most instances (configured)
	Instances       int // instances made so far (or being made): 1 to PoolSize
	InUse           int // instances running a call now
	Idle            int // instances ready in the pool

	// Recycled counts instances closed after a call because their memory
	// had grown (past 16 MiB and twice their size when made) and replaced
	// in the background.
	Recycled uint64
	// Shrunk counts idle instances closed, without replacement, because
	// no call had found the pool empty for a minute: the pool shrinks
	// back, one instance every 15 s and never below one, after a burst
	// grew it.
	Shrunk uint64

	// Waits counts the calls that found every instance busy and waited
	// for one (and got it; those whose request ended first are Busy), and
	// WaitTime is the time they waited in all: the queue in front of the
	// guard, which its calls' latency as the pipeline measures it
	// includes. As database/sql's DBStats.WaitCount and WaitDuration.
	Waits    uint64
	WaitTime time.Duration
}

// Guard is one loaded guard. It is safe for concurrent use; at most
// PoolSize calls run at once, the others wait for a free instance.
type Guard struct {
	host    *Host
	name    string
	version string
	desc    abi.Description
	sha     string
	abiName string
	handles [4]bool   // by abi.Phase
	reads   abi.Parts // the parts of the exchange the guard reads (its description's "reads")
	logger  *slog.Logger

	// native ABI
	compiled    *module // the compiled module, shared with other guards loaded from it
	configJSON  []byte
	hasInit     bool
	hasConfig   bool
	budget      time.Duration
	budgetUnits int64 // 0 when NoCPUBound
	killAfter   int64 // ns of wall time after which the watchdog stops a call
	maxOutput   uint32
	maxLog      int
	walltime    bool
	selectName  string // Spec.Select
	state       state.Store
	memLimit    uint32 // bytes, 0 = 4 GiB
	poolSize    int
	pool        chan *instance
	made        atomic.Int32 // instances made or being made, up to poolSize (see grow)

	watch meter.Watchdog // every instance's meter, for the watchdog and Close

	// extism ABI
	ext *extismguard.Guard

	inflight  atomic.Int64
	inUse     atomic.Int64
	closing   atomic.Bool
	done      chan struct{} // closed when Close starts
	idle      chan struct{} // closed when closing and no call is in flight
	idleOnce  sync.Once
	closeOnce sync.Once
	closeErr  error
	bg        sync.WaitGroup // replacement goroutines

	calls, errs, traps, timeouts, ooms, badVerdicts, busy, replaced, replaceFailures atomic.Uint64

	// Calls that found every instance busy and waited for one, and the
	// time they waited (meter.Now units, ns).
	waits  atomic.Uint64
	waitNs atomic.Int64

	recycled     atomic.Uint64
	lastRecycle  atomic.Int64  // UnixNano of the last recycling (recycle.go), 0: none
	recycleEvery time.Duration // 0: recycleInterval; < 0: no interval (tests)

	shrunk   atomic.Uint64
	lastBusy atomic.Int64 // UnixNano when a call last found every instance busy (shrink.go)

	// Utilisation of the instances (see busyEnough): wall time of calls
	// (meter.Now units) summed, per window of utilWindow.
	busyNs   atomic.Int64
	winStart atomic.Int64  // meter.Now() at the start of the current window
	winBusy  atomic.Int64  // busyNs then
	lastUtil atomic.Uint64 // float64 bits: the last complete window's utilisation
	growAt   float64       // utilisation from which contention grows the pool; 0: any (tests)
}

// Pool growth. A call that finds every instance busy grows the pool only
// when the instances were busy at least growUtil of the time (wall time
// of calls per instance, over the current window of utilWindow once it
// has run minUtilSample, else the last window). Below that, two calls
// meeting at a guard is chance, and the second waits for a call's length:
// in a pipeline of several guards on 2 cores most guards are busy well
// under a third of the time at full load, and a second instance of each
// made every request cost ~20% more CPU (the guests' memories and code no
// longer stay in the caches between calls). Loadbench, 2026-11-27 16:53-
// 16:58 UTC, two alternating rounds: growing on any contention / at 50% /
// at 35%: core pipeline 11.7k / 12.7k / 12.7-12.9k RPS (118 / 96 / 96 us
// of CPU per request), demo pipeline 6.4k / 6.4k / 7.4k RPS; at 5k
// requests/s the demo pipeline's p50 0.8 / 2.3 / 0.8 ms (at 50% its rate
// limiter, busy ~45%, queued) and RSS 193-210 / 113 / 118 MB.
const (
	growUtil      = 0.35
	utilWindow    = time.Second
	minUtilSample = 100 * time.Millisecond
)

// account adds a call that began at t0 (meter.Now) to the utilisation,
// and starts a new window when the current one is utilWindow old.
func (g *Guard) account(t0 int64) {
	now := meter.Now()
	busy := g.busyNs.Add(now - t0)
	ws := g.winStart.Load()
	if now-ws < int64(utilWindow) || !g.winStart.CompareAndSwap(ws, now) {
		return
	}
	wb := g.winBusy.Swap(busy)
	g.lastUtil.Store(math.Float64bits(g.utilisation(busy-wb, now-ws)))
}

// utilisation is the share of elapsed (meter.Now units) the instances
// spent busy in calls, busy in all.
func (g *Guard) utilisation(busy, elapsed int64) float64 {
	return float64(busy) / (float64(elapsed) * float64(max(g.made.Load(), 1)))
}

// busyEnough reports whether the instances have been busy enough for
// contention to grow the pool (see growUtil).
func (g *Guard) busyEnough() bool {
	if g.growAt <= 0 {
		return true
	}
	now := meter.Now()
	elapsed := now - g.winStart.Load()
	u := math.Float64frombits(g.lastUtil.Load())
	if elapsed >= int64(minUtilSample) {
		u = g.utilisation(g.busyNs.Load()-g.winBusy.Load(), elapsed)
	}
	return u >= g.growAt
}

// Load compiles (through the Host's cache; a module the Host already holds
// is not compiled again), instruments and instantiates a guard, calls
// ward_describe, checks the exports against the described phases and
// calls ward_configure. It returns once that first instance is in the
// pool; more, up to PoolSize, are instantiated and configured in the
// background when calls find every instance busy and the instances were
// busy enough (busyEnough; those calls wait, as
// when the pool is full; an instance that fails to load is retried like a
// replacement, see Stats.ReplaceFailures). It fails with an *Error of
// code guard_load, guard_config (wrapping a *ConfigError when the guard
// named the bad key) or guard_closed. Load does not retain s.Wasm or s.ConfigJSON.
func (h *Host) Load(ctx context.Context, s Spec) (*Guard, error) {
	if h.isClosed() {
		return nil, &Error{Code: CodeClosed, Guard: s.Name, Err: errors.New("host is closed")}
	}
	g, err := h.load(ctx, s)
	if err != nil {
		return nil, err
	}
	if !h.register(g) {
		_ = g.Close(ctx)
		return nil, &Error{Code: CodeClosed, Guard: g.name, Version: g.version, Err: errors.New("host is closed")}
	}
	return g, nil
}

func (h *Host) load(ctx context.Context, s Spec) (*Guard, error) {
	if s.PoolSize <= 0 {
		s.PoolSize = runtime.GOMAXPROCS(0)
	}
	if s.MemoryLimit <= 0 {
		s.MemoryLimit = DefaultMemoryLimit
	}
	if s.CPUBudget <= 0 {
		s.CPUBudget = DefaultCPUBudget
	}
	if s.MaxOutput <= 0 {
		s.MaxOutput = DefaultMaxOutput
	}
	if s.MaxLogBytes == 0 {
		s.MaxLogBytes = DefaultMaxLogBytes
	}
	if len(s.ConfigJSON) == 0 {
		s.ConfigJSON = []byte("{}")
	}
	sum := s.SHA256
	if sum == ([sha256.Size]byte{}) {
		sum = sha256.Sum256(s.Wasm)
	}
	g := &Guard{
		host:       h,
		name:       s.Name,
		selectName: s.Select,
		sha:        hex.EncodeToString(sum[:]),
		logger:     h.logger,
		configJSON: append([]byte(nil), s.ConfigJSON...),
		budget:     s.CPUBudget,
		killAfter:  int64(2 * s.CPUBudget),
		maxOutput:  uint32(min(s.MaxOutput, math.MaxUint32)),
		maxLog:     max(s.MaxLogBytes, 0),
		walltime:   s.Walltime,
		state:      s.State,
		poolSize:   s.PoolSize,
		growAt:     growUtil,
		done:       make(chan struct{}),
		idle:       make(chan struct{}),
	}
	if g.name == "" {
		g.name = "unnamed"
	}
	pages := s.MemoryLimit / 65536
	pages = min(max(pages, 1), 65536)
	if pages < 65536 {
		g.memLimit = uint32(pages * 65536)
	}
	if extismguard.IsExtism(s.Wasm) {
		return h.loadExtism(ctx, g, s, uint32(pages))
	}
	g.abiName = ABINative
	if !s.NoCPUBound {
		g.budgetUnits = max(s.CPUBudget.Milliseconds(), 1) * FuelPerMillisecond
		if s.CPUBudget < time.Millisecond {
			g.budgetUnits = max(int64(s.CPUBudget)*FuelPerMillisecond/int64(time.Millisecond), 1)
		}
	}

	ok := false
	defer func() {
		if !ok && g.compiled != nil {
			g.closeInstances()
			g.host.releaseModule(g.compiled)
		}
	}()
	m, err := h.acquireModule(ctx, g, moduleKey{sum: sum, pages: uint32(pages), noFuel: s.NoCPUBound}, s.Wasm)
	if err != nil {
		return nil, err
	}
	g.compiled, g.hasInit, g.hasConfig = m, m.hasInit, m.hasConfig
	if err := g.checkHostImports(m); err != nil {
		return nil, g.loadErr(err)
	}
	first, err := g.instantiate(ctx)
	if err != nil {
		return nil, err
	}
	if err := g.describe(ctx, first); err != nil {
		return nil, err
	}
	if s.Name == "" {
		g.name = g.desc.Name
	}
	if err := g.configure(ctx, first); err != nil {
		return nil, err
	}
	g.pool = make(chan *instance, g.poolSize)
	g.pool <- first
	g.made.Store(1)
	g.winStart.Store(meter.Now())
	if g.budgetUnits > 0 {
		g.watch.Start(time.Duration(g.killAfter), g.budgetUnits)
	}
	g.startShrink()
	// The first instance proved the module and its config; the others
	// (the same code, the same config) are made only when calls contend
	// for it (see grow): a swap goes live after one instantiation, and a
	// guard never called concurrently holds one instance (a few MB of
	// linear memory for a Go guest) instead of PoolSize.
	ok = true
	return g, nil
}

func sameTypes(a, b []api.ValueType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func typeNames(ts []api.ValueType) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = api.ValueTypeName(t)
	}
	return out
}

// describe calls ward_describe on in and checks the description against
// the module's exports.
func (g *Guard) describe(ctx context.Context, in *instance) error {
	b, err := in.callPacked(ctx, in.describeFn, initFuel, 0, 0, g.maxOutput)
	if err != nil {
		return g.loadErr(fmt.Errorf("ward_describe: %w", err))
	}
	var d abi.Description
	if err := json.Unmarshal(b, &d); err != nil {
		return g.loadErr(fmt.Errorf("ward_describe: malformed description: %w", err))
	}
	if d.ABI != abi.Version {
		return g.loadErr(fmt.Errorf("ward_describe: abi %q, want %q", d.ABI, abi.Version))
	}
	if d.Name == "" || d.Version == "" {
		return g.loadErr(errors.New("ward_describe: name and version are required"))
	}
	if len(d.Phases) == 0 {
		return g.loadErr(errors.New("ward_describe: no phases"))
	}
	reads, err := abi.ParseReads(d.Reads)
	if err != nil {
		return g.loadErr(fmt.Errorf("ward_describe: %w", err))
	}
	g.reads = reads
	g.version = d.Version
	for _, name := range d.Phases {
		p, ok := abi.ParsePhase(name)
		if !ok {
			return g.loadErr(fmt.Errorf("ward_describe: unknown phase %q", name))
		}
		if g.handles[p] {
			return g.loadErr(fmt.Errorf("ward_describe: phase %q listed twice", name))
		}
		g.handles[p] = true
	}
	fns := g.compiled.cm.ExportedFunctions()
	for p := abi.PhaseRequest; p <= abi.PhaseResponseChunk; p++ {
		// A handler exported for a phase the guard does not describe is
		// never called (SDKs such as sdk/go export every handler).
		if _, exported := fns[handlerExport[p]]; g.handles[p] && !exported {
			return g.loadErr(fmt.Errorf("phase %q is described but %q is not exported", p, handlerExport[p]))
		}
	}
	g.desc = d
	return nil
}

var handlerExport = [4]string{"", "ward_request", "ward_response", "ward_response_chunk"}

// configure calls ward_configure on in.
func (g *Guard) configure(ctx context.Context, in *instance) error {
	if !g.hasConfig {
		if !isEmptyObject(g.configJSON) {
			return g.err(CodeConfig, &ConfigError{Msg: "the guard takes no configuration"})
		}
		return nil
	}
	ptr, err := in.input(ctx, g.configJSON, initFuel)
	if err != nil {
		return g.loadErr(fmt.Errorf("ward_configure: %w", err))
	}
	b, err := in.callPacked(ctx, in.configureFn, initFuel, ptr, uint32(len(g.configJSON)), g.maxOutput)
	if err != nil {
		return g.loadErr(fmt.Errorf("ward_configure: %w", err))
	}
	if len(b) == 0 {
		return nil
	}
	var ce struct {
		Key   string `json:"key"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(b, &ce); err != nil || ce.Error == "" {
		return g.err(CodeConfig, &ConfigError{Msg: fmt.Sprintf("guard rejected its config with a malformed error: %.200q", b)})
	}
	return g.err(CodeConfig, &ConfigError{Key: ce.Key, Msg: ce.Error})
}

func isEmptyObject(b []byte) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(b, &m) == nil && len(m) == 0
}

// newInstance instantiates and configures one instance.
func (g *Guard) newInstance(ctx context.Context) (*instance, error) {
	in, err := g.instantiate(ctx)
	if err != nil {
		return nil, err
	}
	if err := g.configure(ctx, in); err != nil {
		g.discard(in)
		return nil, err
	}
	in.baseMem = in.mem.Size()
	return in, nil
}

func (g *Guard) loadErr(err error) *Error { return g.err(CodeLoad, err) }

func (g *Guard) err(code string, err error) *Error {
	return &Error{Code: code, Guard: g.name, Version: g.version, Err: err}
}

// Name is the guard's name: Spec.Name, or the described name.
func (g *Guard) Name() string { return g.name }

// Version is the version the guard describes.
func (g *Guard) Version() string { return g.version }

// Description is what the guard's describe export returned. The caller
// must not modify its slices or map.
func (g *Guard) Description() abi.Description { return g.desc }

// SHA256 is the hex SHA-256 of the module as given to Load (before
// instrumentation).
func (g *Guard) SHA256() string { return g.sha }

// ABI is "ward/v1" (ABINative) or "extism" (ABIExtism).
func (g *Guard) ABI() string { return g.abiName }

// Reads returns the parts of the exchange the guard reads (abi.ReadAll
// unless its description lists "reads"); Check sends it only those.
func (g *Guard) Reads() abi.Parts { return g.reads }

// Handles reports whether the guard runs in phase p.
func (g *Guard) Handles(p abi.Phase) bool { return int(p) < len(g.handles) && g.handles[p] }

// Stats returns the guard's counters.
func (g *Guard) Stats() Stats {
	s := Stats{
		Calls:           g.calls.Load(),
		Errors:          g.errs.Load(),
		Traps:           g.traps.Load(),
		Timeouts:        g.timeouts.Load(),
		OOMs:            g.ooms.Load(),
		BadVerdicts:     g.badVerdicts.Load(),
		Busy:            g.busy.Load(),
		Replaced:        g.replaced.Load(),
		Recycled:        g.recycled.Load(),
		Shrunk:          g.shrunk.Load(),
		ReplaceFailures: g.replaceFailures.Load(),
		PoolSize:        g.poolSize,
		Instances:       int(g.made.Load()),
		InUse:           int(g.inUse.Load()),
		Waits:           g.waits.Load(),
		WaitTime:        time.Duration(g.waitNs.Load()),
	}
	if g.pool != nil {
		s.Idle = len(g.pool)
	}
	return s
}

// Check runs the guard on x in phase x.Phase and fills v (which is reset
// first). x is only read, and neither x nor v is retained after Check
// returns. A phase the guard does not handle (see Handles) is a plain
// allow without calling the guest.
//
// A failure is an *Error: guard_timeout, guard_trap, guard_oom,
// bad_verdict, guard_busy (ctx ended while every instance was busy) or
// guard_closed; v is then a plain allow and must be ignored in favour of
// the caller's failure policy. After a trap, timeout or out-of-memory the
// instance is discarded and replaced in the background, so the pool is one
// instance short for a while (a few ms for a Go guest). An instance whose
// memory has grown (recycle.go) is replaced the same way after its call.
//
// The guest gets only the parts of x the guard reads (Reads): the others
// are sent empty. Verdicts are still checked against the whole of x.
//
// For a native guard a plain allow costs no allocation on the host side.
func (g *Guard) Check(ctx context.Context, x *abi.Exchange, v *abi.Verdict) error {
	v.Reset()
	if !g.Handles(x.Phase) {
		return nil
	}
	g.inflight.Add(1)
	defer g.leave()
	if g.closing.Load() {
		return g.err(CodeClosed, errGuardClosed)
	}
	if g.ext != nil {
		return g.checkExtism(ctx, x, v)
	}
	var in *instance
	select {
	case in = <-g.pool:
	default:
		g.lastBusy.Store(time.Now().UnixNano())
		if g.busyEnough() {
			g.grow()
		}
		w0 := meter.Now()
		select {
		case in = <-g.pool:
			g.waits.Add(1)
			g.waitNs.Add(meter.Now() - w0)
		case <-ctx.Done():
			g.count(CodeBusy)
			return g.err(CodeBusy, fmt.Errorf("no free instance (pool of %d): %w", g.poolSize, context.Cause(ctx)))
		case <-g.done:
			return g.err(CodeClosed, errGuardClosed)
		}
	}
	g.inUse.Add(1)
	g.calls.Add(1)
	t0 := meter.Now()
	err, poison := in.check(ctx, x, v)
	g.account(t0)
	g.inUse.Add(-1)
	if err == nil {
		if g.recycle(in) {
			g.renew(in)
		} else {
			g.pool <- in
		}
		return nil
	}
	v.Reset()
	g.count(err.Code)
	switch {
	case poison:
		g.discard(in)
		g.replace()
	case g.recycle(in):
		g.renew(in)
	default:
		g.pool <- in
	}
	return err
}

var errGuardClosed = errors.New("guard is closed")

// count records a failed call.
func (g *Guard) count(code string) {
	g.errs.Add(1)
	switch code {
	case CodeTimeout:
		g.timeouts.Add(1)
	case CodeTrap:
		g.traps.Add(1)
	case CodeOOM:
		g.ooms.Add(1)
	case CodeBadVerdict:
		g.badVerdicts.Add(1)
	case CodeBusy:
		g.busy.Add(1)
	}
}

func (g *Guard) leave() {
	if g.inflight.Add(-1) == 0 && g.closing.Load() {
		g.idleOnce.Do(func() { close(g.idle) })
	}
}

// discard closes an instance that must not run again.
func (g *Guard) discard(in *instance) {
	g.watch.Remove(&in.fuel)
	g.closeInstance(in.mod)
}

// closeInstance unregisters and closes one module instance of g.
func (g *Guard) closeInstance(mod api.Module) {
	g.compiled.owners.Delete(mod)
	_ = mod.Close(context.Background())
}

// closeInstances closes every instance of g still open (in the pool, or
// left by a failed Load); no call may be running.
func (g *Guard) closeInstances() {
	g.compiled.owners.Range(func(mod, owner any) bool {
		if owner == g {
			g.closeInstance(mod.(api.Module))
		}
		return true
	})
}

// replace instantiates a new instance in the background and adds it to the
// pool, retrying with backoff until it succeeds or the guard is closed.
func (g *Guard) replace() {
	g.replaced.Add(1)
	g.bg.Add(1)
	go func() {
		defer g.bg.Done()
		g.addInstance()
	}()
}

// grow adds one instance to the pool in the background, retried like a
// replacement until the guard is closed, unless PoolSize are made or being
// made. Check calls it when it finds every instance busy and they were
// busy enough (busyEnough), so the pool grows to the concurrency the
// guard's load needs; a call in flight keeps Close
// from waiting for g.bg before this Add.
func (g *Guard) grow() {
	for {
		n := g.made.Load()
		if int(n) >= g.poolSize {
			return
		}
		if g.made.CompareAndSwap(n, n+1) {
			break
		}
	}
	g.bg.Add(1)
	go func() {
		defer g.bg.Done()
		g.addInstance()
	}()
}

// addInstance instantiates and configures an instance and adds it to the
// pool, retrying with backoff; it returns false when the guard closed
// first.
func (g *Guard) addInstance() bool {
	backoff := 50 * time.Millisecond
	for {
		if g.closing.Load() {
			return false
		}
		in, err := g.newInstance(context.Background())
		if err == nil {
			if g.closing.Load() {
				g.discard(in)
				return false
			}
			g.pool <- in
			return true
		}
		g.replaceFailures.Add(1)
		g.logger.Error("guard instance replacement failed", slog.String("guard", g.name),
			slog.String("version", g.version), slog.Any("error", err), slog.Duration("retry_in", backoff))
		select {
		case <-time.After(backoff):
		case <-g.done:
			return false
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}

// Close stops the guard: new calls fail with guard_closed, calls waiting
// for an instance return guard_closed, and Close waits for the calls in
// flight until ctx ends; then it stops them (fuel -1), waits for them to
// return and closes every instance and the runtime. It returns ctx's error
// when it had to stop calls. Later calls return nil at once.
func (g *Guard) Close(ctx context.Context) (err error) {
	g.closeOnce.Do(func() {
		defer func() { err = g.closeErr }()
		g.closing.Store(true)
		close(g.done)
		if g.inflight.Load() == 0 {
			g.idleOnce.Do(func() { close(g.idle) })
		}
		select {
		case <-g.idle:
		case <-ctx.Done():
			g.closeErr = fmt.Errorf("wasmhost: guard %s: close: %w", g.name, context.Cause(ctx))
			switch {
			case g.ext != nil:
				// Stops the Extism calls in flight (fuel -1) and waits for
				// them; its error repeats ctx's.
				_ = g.ext.Close(ctx)
				<-g.idle
			case g.budgetUnits > 0:
				g.watch.KillAll(func() bool {
					select {
					case <-g.idle:
						return true
					default:
						return false
					}
				})
			default:
				<-g.idle
			}
		}
		g.bg.Wait()
		if g.ext != nil {
			if err := g.ext.Close(context.Background()); err != nil && g.closeErr == nil {
				g.closeErr = fmt.Errorf("wasmhost: guard %s: close: %w", g.name, err)
			}
		} else {
			g.watch.Stop()
			g.closeInstances()
			g.host.releaseModule(g.compiled)
		}
		g.host.unregister(g)
	})
	return err
}

// compileModule is rt.CompileModule that turns a panic into an error.
// fuel.Instrument refuses the malformed modules known to crash wazero
// v1.12.0's decoder and validator; this keeps one we do not know of from
// taking the gateway down with it.
func compileModule(ctx context.Context, rt wazero.Runtime, code []byte) (cm wazero.CompiledModule, err error) {
	defer func() {
		if p := recover(); p != nil {
			cm, err = nil, fmt.Errorf("wazero panicked compiling the module: %v", p)
		}
	}()
	return rt.CompileModule(ctx, code)
}
