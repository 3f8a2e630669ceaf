package wasmhost

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/sys"

	"github.com/wardgate/ward/engine/internal/fuel"
	"github.com/wardgate/ward/engine/internal/fuel/meter"
	"github.com/wardgate/ward/sdk/abi"
)

// warmInput is the size of the input buffer every instance asks ward_alloc
// for when it is created, so that most exchanges fit without another call.
const warmInput = 4 << 10

// maxKeptInput is the largest encode buffer an instance keeps between calls.
const maxKeptInput = 1 << 20

// instance is one module instance of a native guard with everything a call
// needs prepared, so that a plain allow allocates nothing. It is used by one
// goroutine at a time (whoever took it from the pool); only its meter is
// touched by the watchdog and Close.
type instance struct {
	g           *Guard
	mod         api.Module
	mem         api.Memory
	allocFn     api.Function
	describeFn  api.Function
	configureFn api.Function
	handlers    [4]api.Function // by abi.Phase
	fuel        meter.Meter     // no fuel global with NoCPUBound
	stack       []uint64
	buf         []byte // encoded exchange
	inPtr       uint32 // last buffer ward_alloc returned
	inCap       uint32 // its size (0: none)
	// strs interns the strings of this instance's verdicts: a guard
	// returns the same codes, labels and annotations call after call.
	strs *abi.StringCache
	// baseMem is the memory's size once the instance was configured,
	// before its first call (recycle.go).
	baseMem uint32

	out            outputBudget
	stdout, stderr outputStream
}

// SelectEnv is the environment variable that says which guard of a module
// that holds several an instance is (Spec.Select); the Go SDK reads it as
// ward.SelectEnv.
const SelectEnv = "WARD_GUARD"

// instantiate creates one instance (running _initialize), looks up its
// exports and pre-sizes its input buffer. It is not configured yet.
func (g *Guard) instantiate(ctx context.Context) (*instance, error) {
	in := &instance{g: g, stack: make([]uint64, 2), buf: make([]byte, 0, warmInput), strs: abi.NewStringCache(0)}
	in.out.limit = g.maxLog
	in.stdout = outputStream{budget: &in.out, g: g, stream: "stdout", level: slog.LevelInfo}
	in.stderr = outputStream{budget: &in.out, g: g, stream: "stderr", level: slog.LevelWarn}
	cfg := wazero.NewModuleConfig().
		WithName(fmt.Sprintf("%s#%d", g.name, g.compiled.seq.Add(1))).
		WithStdout(&in.stdout).
		WithStderr(&in.stderr).
		// A monotonic clock, not the wall clock: Go guests pace their
		// garbage collector with it, and under wazero's fake clock a guest
		// that allocates on every call stops collecting and grows until it
		// crashes (measured in sdk/go: 4 MB -> 400 MB over 40k calls).
		WithSysNanotime()
	if g.walltime {
		cfg = cfg.WithSysWalltime()
	}
	if g.selectName != "" {
		cfg = cfg.WithEnv(SelectEnv, g.selectName)
	}
	// _initialize is called below rather than as a start function so that
	// a failure can be told apart (out of fuel, out of memory) through the
	// instance's fuel global and memory.
	cfg = cfg.WithStartFunctions()
	mod, err := g.compiled.rt.InstantiateModule(experimental.WithMemoryAllocator(ctx, g.compiled.alloc), g.compiled.cm, cfg)
	if err != nil {
		in.flush()
		return nil, g.loadErr(fmt.Errorf("instantiate: %w", err))
	}
	// Registered before the guest runs: the host functions find g by it.
	g.compiled.owners.Store(mod, g)
	in.mod = mod
	in.mem = mod.ExportedMemory("memory")
	in.allocFn = mod.ExportedFunction("ward_alloc")
	in.describeFn = mod.ExportedFunction("ward_describe")
	in.configureFn = mod.ExportedFunction("ward_configure")
	for p := abi.PhaseRequest; p <= abi.PhaseResponseChunk; p++ {
		in.handlers[p] = mod.ExportedFunction(handlerExport[p])
	}
	if g.budgetUnits > 0 {
		mg, ok := mod.ExportedGlobal(fuel.GlobalExport).(api.MutableGlobal)
		if !ok {
			g.closeInstance(mod)
			return nil, g.loadErr(errors.New("fuel global missing after instrumentation"))
		}
		in.fuel.Init(mg)
	}
	if g.hasInit {
		in.fuel.Set(initFuel)
		err := mod.ExportedFunction("_initialize").CallWithStack(ctx, in.stack)
		if err != nil {
			err = in.initErr(err)
		}
		in.flush()
		if err != nil {
			g.closeInstance(mod)
			return nil, g.loadErr(fmt.Errorf("_initialize: %w", err))
		}
	}
	if _, err := in.input(ctx, make([]byte, warmInput), initFuel); err != nil {
		g.closeInstance(mod)
		return nil, g.loadErr(fmt.Errorf("ward_alloc(%d): %w", warmInput, err))
	}
	g.watch.Add(&in.fuel)
	return in, nil
}

func (in *instance) flush() { flushOutput(&in.out, &in.stdout, &in.stderr) }

// initErr describes a failed call made while loading (describe, configure,
// the first ward_alloc).
func (in *instance) initErr(err error) error {
	var exit *sys.ExitError
	switch {
	case in.fuel.OutOfFuel():
		return fmt.Errorf("out of fuel (%d units): %w", initFuel, err)
	case in.out.oom || strings.Contains(err.Error(), "out of memory") || (!errors.As(err, &exit) && in.memAtLimit()):
		return fmt.Errorf("out of memory (limit %d bytes): %w", in.limitBytes(), err)
	}
	return err
}

// input copies data into a buffer obtained from ward_alloc (reusing the
// last one when it is large enough) and returns its guest address. It is
// used while loading; check has its own inlined copy for the hot path.
func (in *instance) input(ctx context.Context, data []byte, units int64) (uint32, error) {
	n := uint32(len(data))
	if n > in.inCap || in.inCap == 0 {
		in.fuel.Set(units)
		in.stack[0] = uint64(n)
		err := in.allocFn.CallWithStack(ctx, in.stack)
		if err != nil {
			err = in.initErr(err)
		}
		in.flush()
		if err != nil {
			return 0, err
		}
		ptr := uint32(in.stack[0])
		if ptr == 0 {
			return 0, fmt.Errorf("ward_alloc(%d) returned 0 (out of memory)", n)
		}
		in.inPtr, in.inCap = ptr, n
	}
	if !in.mem.Write(in.inPtr, data) {
		in.inCap = 0
		return 0, fmt.Errorf("ward_alloc returned %#x: %d bytes there are outside guest memory", in.inPtr, n)
	}
	return in.inPtr, nil
}

// callPacked calls fn(a, b) (or fn() for a function without parameters)
// while loading and returns a view of the packed pointer/length range it
// returns, valid until the next call into the instance.
func (in *instance) callPacked(ctx context.Context, fn api.Function, units int64, a, b, maxLen uint32) ([]byte, error) {
	in.fuel.Set(units)
	in.stack[0], in.stack[1] = uint64(a), uint64(b)
	err := fn.CallWithStack(ctx, in.stack)
	if err != nil {
		err = in.initErr(err)
	}
	in.flush()
	if err != nil {
		return nil, err
	}
	p, l := uint32(in.stack[0]>>32), uint32(in.stack[0])
	if l == 0 {
		return nil, nil
	}
	if l > maxLen {
		return nil, fmt.Errorf("result of %d bytes exceeds the limit of %d", l, maxLen)
	}
	out, ok := in.mem.Read(p, l)
	if !ok {
		return nil, fmt.Errorf("result range %#x+%d is outside guest memory (%d bytes)", p, l, in.mem.Size())
	}
	return out, nil
}

// check encodes x into the guest, runs the phase's handler and decodes the
// verdict into v. It returns the failure, if any, and whether the instance
// must be discarded (after a trap, a timeout or running out of memory).
func (in *instance) check(ctx context.Context, x *abi.Exchange, v *abi.Verdict) (*Error, bool) {
	g := in.g
	in.buf = abi.AppendExchangeParts(in.buf[:0], x, g.reads)
	n := len(in.buf)
	if uint64(n) > math.MaxUint32 {
		return g.err(CodeOOM, fmt.Errorf("exchange of %d bytes does not fit a 32-bit guest", n)), false
	}
	in.fuel.Begin(g.budgetUnits) // the watchdog (2x the budget in wall time) and Close may stop the call
	if uint32(n) > in.inCap {
		in.stack[0] = uint64(n)
		if err := in.allocFn.CallWithStack(ctx, in.stack); err != nil {
			return in.fault(err, "ward_alloc")
		}
		ptr := uint32(in.stack[0])
		if ptr == 0 {
			in.fuel.End()
			in.flush()
			return g.err(CodeOOM, fmt.Errorf("ward_alloc(%d) returned 0", n)), false
		}
		in.inPtr, in.inCap = ptr, uint32(n)
	}
	if !in.mem.Write(in.inPtr, in.buf) {
		in.fuel.End()
		in.flush()
		in.inCap = 0
		return g.err(CodeBadVerdict, fmt.Errorf("ward_alloc returned %#x: %d bytes there are outside guest memory", in.inPtr, n)), false
	}
	if cap(in.buf) > maxKeptInput {
		in.buf = make([]byte, 0, warmInput)
	}
	in.stack[0], in.stack[1] = uint64(in.inPtr), uint64(n)
	if err := in.handlers[x.Phase].CallWithStack(ctx, in.stack); err != nil {
		return in.fault(err, handlerExport[x.Phase])
	}
	in.fuel.End()
	in.flush()
	p, l := uint32(in.stack[0]>>32), uint32(in.stack[0])
	if l == 0 {
		return nil, false
	}
	if l > g.maxOutput {
		return g.err(CodeBadVerdict, fmt.Errorf("verdict of %d bytes exceeds the limit of %d", l, g.maxOutput)), false
	}
	b, ok := in.mem.Read(p, l)
	if !ok {
		return g.err(CodeBadVerdict, fmt.Errorf("verdict range %#x+%d is outside guest memory (%d bytes)", p, l, in.mem.Size())), false
	}
	if err := abi.DecodeVerdictCached(b, v, in.strs); err != nil {
		return g.err(CodeBadVerdict, err), false
	}
	if err := abi.ValidateVerdict(x, v); err != nil {
		return g.err(CodeBadVerdict, err), false
	}
	return nil, false
}

// fault classifies a failed guest call; the instance is always discarded.
func (in *instance) fault(err error, export string) (*Error, bool) {
	in.fuel.End()
	g := in.g
	var e *Error
	var exit *sys.ExitError
	isExit := errors.As(err, &exit)
	switch {
	case in.fuel.OutOfFuel():
		switch in.fuel.Killed() {
		case meter.KillWatchdog:
			e = g.err(CodeTimeout, fmt.Errorf("stopped after %v of wall time (cpu budget %v)", 2*g.budget, g.budget))
		case meter.KillClose:
			e = g.err(CodeTimeout, errors.New("stopped: the guard is closing"))
		default:
			e = g.err(CodeTimeout, fmt.Errorf("cpu budget %v exceeded", g.budget))
		}
	case in.out.oom || strings.Contains(err.Error(), "out of memory") || (!isExit && in.memAtLimit()):
		e = g.err(CodeOOM, fmt.Errorf("%s: memory limit of %d bytes reached: %w", export, in.limitBytes(), err))
	case isExit:
		e = g.err(CodeTrap, fmt.Errorf("%s: guest exited with code %d", export, exit.ExitCode()))
	default:
		e = g.err(CodeTrap, fmt.Errorf("%s: %w", export, err))
	}
	in.flush()
	return e, true
}

func (in *instance) limitBytes() uint64 {
	if in.g.memLimit == 0 {
		return 1 << 32
	}
	return uint64(in.g.memLimit)
}

// memAtLimit reports whether the guest's memory cannot grow by another page.
func (in *instance) memAtLimit() bool {
	return uint64(in.mem.Size())+65536 > in.limitBytes()
}
