package wasmhost

import (
	"context"
	"os"
	"testing"
)

// benchGuest is the module the load benchmarks use: the Go test guest, or
// the file WARD_BENCH_WASM names (with WARD_BENCH_CONFIG as its config),
// e.g. a built-in guard:
//
//	WARD_BENCH_WASM=$PWD/bin/guards/denylist.wasm WARD_BENCH_CONFIG='{"phrases":["x"]}' \
//	  go test ./engine/wasmhost -run '^$' -bench 'LoadWarm|Instance$'
func benchGuest(b *testing.B) Spec {
	s := Spec{Name: "bench", Wasm: goGuest, ConfigJSON: []byte(os.Getenv("WARD_BENCH_CONFIG"))}
	if p := os.Getenv("WARD_BENCH_WASM"); p != "" {
		var err error
		if s.Wasm, err = os.ReadFile(p); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkLoadWarm loads a guard whose module the Host holds (a swap to a
// module it ran before: a rollback, the previous version) until Load
// returns (the guard can serve), then closes it. cpu-ns/op includes
// filling the rest of the pool of 2 and closing.
func BenchmarkLoadWarm(b *testing.B) {
	h, _ := newHost(b)
	ctx := context.Background()
	spec := benchGuest(b)
	spec.PoolSize = 2
	g, err := h.Load(ctx, spec)
	if err != nil {
		b.Fatal(err)
	}
	if err := g.Close(ctx); err != nil {
		b.Fatal(err)
	}
	cpu := startCPU()
	for b.Loop() {
		g, err := h.Load(ctx, spec)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := g.Close(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	cpu.report(b)
}

// BenchmarkInstance creates and discards one configured instance of a
// loaded guard: what each pool slot costs.
func BenchmarkInstance(b *testing.B) {
	h, _ := newHost(b)
	ctx := context.Background()
	spec := benchGuest(b)
	spec.PoolSize = 1
	g, err := h.Load(ctx, spec)
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close(ctx)
	cpu := startCPU()
	for b.Loop() {
		in, err := g.newInstance(ctx)
		if err != nil {
			b.Fatal(err)
		}
		g.discard(in)
	}
	cpu.report(b)
}
