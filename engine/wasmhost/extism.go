package wasmhost

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wardgate/ward/engine/internal/extismguard"
	"github.com/wardgate/ward/engine/internal/fuel"
	"github.com/wardgate/ward/sdk/abi"
)

// loadExtism loads a module that imports "extism:host/env" through
// extismguard. Like a native guard it is instrumented with fuel
// (FuelPerMillisecond units per millisecond of CPU budget per call, initFuel
// for _initialize, describe and configure), and a watchdog stops a call
// that runs for more than twice its budget in wall time and burnt at least
// 1% of its fuel; a fuel trap is guard_timeout. The module is not compiled
// with close-on-context-done (extismguard's Timeout), which made Go guests
// 5.8-7.4x slower. Its Stats report no Instances, Idle or Replaced counts
// (extismguard keeps its own pool).
func (h *Host) loadExtism(ctx context.Context, g *Guard, s Spec, pages uint32) (*Guard, error) {
	g.abiName = ABIExtism
	code, units := s.Wasm, int64(0)
	if !s.NoCPUBound {
		var err error
		if code, err = fuel.Instrument(s.Wasm, initFuel); err != nil {
			return nil, g.loadErr(err)
		}
		units = fuelUnits(s.CPUBudget)
	}
	eg, err := extismguard.Load(ctx, extismguard.Options{
		Name:             g.name,
		Wasm:             code,
		ConfigJSON:       s.ConfigJSON,
		PoolSize:         s.PoolSize,
		MemoryLimitPages: pages,
		Fuel:             units,
		StartupFuel:      initFuel,
		WallLimit:        time.Duration(g.killAfter),
		MaxOutput:        s.MaxOutput,
		Walltime:         s.Walltime,
		Logger:           h.logger,
		CacheDir:         h.cacheDir,
	})
	if err != nil {
		return nil, g.fromExtism(err)
	}
	g.ext = eg
	g.desc = eg.Description()
	g.version = g.desc.Version
	reads, err := abi.ParseReads(g.desc.Reads)
	if err != nil {
		_ = eg.Close(ctx)
		return nil, g.loadErr(fmt.Errorf("describe: %w", err))
	}
	g.reads = reads
	if s.Name == "" {
		g.name = g.desc.Name
	}
	for _, name := range g.desc.Phases {
		if p, ok := abi.ParsePhase(name); ok {
			g.handles[p] = true
		}
	}
	return g, nil
}

// fuelUnits is the fuel for a CPU budget: FuelPerMillisecond per
// millisecond, at least 1 unit (the same as a native guard's).
func fuelUnits(budget time.Duration) int64 {
	if budget < time.Millisecond {
		return max(int64(budget)*FuelPerMillisecond/int64(time.Millisecond), 1)
	}
	return budget.Milliseconds() * FuelPerMillisecond
}

// checkExtism runs an Extism guard; the caller has done the in-flight
// accounting.
func (g *Guard) checkExtism(ctx context.Context, x *abi.Exchange, v *abi.Verdict) error {
	g.calls.Add(1)
	g.inUse.Add(1)
	in := x
	var part abi.Exchange
	if g.reads != abi.ReadAll {
		part = *x // a shallow copy: Keep empties its unread parts, not x's
		g.reads.Keep(&part)
		in = &part
	}
	err := g.ext.Check(ctx, in, v)
	g.inUse.Add(-1)
	if err == nil {
		err = abi.ValidateVerdict(x, v)
		if err == nil {
			return nil
		}
		err = g.err(CodeBadVerdict, err)
	} else {
		err = g.fromExtism(err)
	}
	v.Reset()
	g.count(err.(*Error).Code)
	return err
}

// fromExtism turns an extismguard error into an *Error of the same code,
// with extismguard's ConfigError translated into ours.
func (g *Guard) fromExtism(err error) *Error {
	var ee *extismguard.Error
	if !errors.As(err, &ee) {
		return g.err(CodeTrap, err)
	}
	inner := ee.Err
	var ce *extismguard.ConfigError
	if errors.As(inner, &ce) {
		inner = &ConfigError{Key: ce.Key, Msg: ce.Message}
	}
	code := ee.Code
	if code == extismguard.CodePhase {
		code = CodeTrap
		inner = fmt.Errorf("extism guard refused its phase: %w", inner)
	}
	return g.err(code, inner)
}
