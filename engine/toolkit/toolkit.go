// Package toolkit is the logic behind `ward plugin`: the guard author's
// loop of scaffolding (New), building (Build), checking against expected
// verdicts and the conformance suite (RunCases, RunConformance),
// measuring (Bench) and inspecting (Inspect) a guard module, without a
// proxy. It runs guards through engine/wasmhost, exactly as the gateway
// does (fuel, memory limit, verdict validation), so a guard that passes
// here behaves the same in Ward.
package toolkit

import (
	"context"
	"fmt"
	"time"

	"github.com/wardgate/ward/engine/wasmhost"
)

// Limits are the per-guard bounds of ward.toml's [guards.NAME] (cpu_budget,
// memory_limit) to run a guard under; zero values are Ward's defaults
// (50ms, 64MiB).
type Limits struct {
	CPUBudget   time.Duration
	MemoryLimit int64
}

// load loads wasm with config through a fresh host, with a pool of one
// instance (calls are made one at a time). The caller closes both.
func load(ctx context.Context, wasm, config []byte, l Limits) (*wasmhost.Host, *wasmhost.Guard, error) {
	h, err := wasmhost.New(ctx, wasmhost.Options{})
	if err != nil {
		return nil, nil, err
	}
	g, err := loadOn(ctx, h, wasm, config, l)
	if err != nil {
		_ = h.Close(ctx)
		return nil, nil, err
	}
	return h, g, nil
}

// loadOn loads wasm on h (whose compilation cache makes reloading the
// same module cheap), with a pool of one instance.
func loadOn(ctx context.Context, h *wasmhost.Host, wasm, config []byte, l Limits) (*wasmhost.Guard, error) {
	return h.Load(ctx, wasmhost.Spec{Wasm: wasm, ConfigJSON: config, PoolSize: 1, CPUBudget: l.CPUBudget, MemoryLimit: l.MemoryLimit})
}

func closeAll(ctx context.Context, h *wasmhost.Host, g *wasmhost.Guard) {
	if g != nil {
		_ = g.Close(ctx)
	}
	if h != nil {
		_ = h.Close(ctx)
	}
}

// errf prefixes toolkit errors.
func errf(format string, args ...any) error { return fmt.Errorf("ward plugin: "+format, args...) }
