package wasmhost

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
)

// benchGuest is the module the load benchmarks use: the Go test guest, or
// the file WARD_BENCH_WASM names (with WARD_BENCH_CONFIG as its config,
// and WARD_BENCH_SELECT as the guard to load from a module that holds
// several), e.g. a built-in guard:
//
//	WARD_BENCH_WASM=$PWD/bin/guards/denylist.wasm WARD_BENCH_CONFIG='{"phrases":["x"]}' \
//	  go test ./engine/wasmhost -run '^$' -bench 'LoadWarm|Instance$'
//	WARD_BENCH_WASM=$PWD/cmd/ward/guards/builtin.wasm WARD_BENCH_SELECT=auth \
//	  go test ./engine/wasmhost -run '^$' -bench 'Instance$'
func benchGuest(b *testing.B) Spec {
	s := Spec{Name: "bench", Wasm: goGuest, ConfigJSON: []byte(os.Getenv("WARD_BENCH_CONFIG")), Select: os.Getenv("WARD_BENCH_SELECT")}
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
// loaded guard: what each pool slot costs. It also reports the
// instance's linear memory once configured (mem-B) and the resident
// memory it adds to the process (rss-B: the pages it touched, measured
// over 8 instances kept at once).
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
	b.StopTimer()
	const keep = 8
	ins := make([]*instance, 0, keep)
	before := rss(b)
	for range keep {
		in, err := g.newInstance(ctx)
		if err != nil {
			b.Fatal(err)
		}
		ins = append(ins, in)
	}
	after := rss(b)
	b.ReportMetric(float64(ins[0].baseMem), "mem-B")
	b.ReportMetric(float64(after-before)/keep, "rss-B")
	for _, in := range ins {
		g.discard(in)
	}
}

// rss is the process's resident memory in bytes (Linux; 0 elsewhere).
func rss(b *testing.B) int64 {
	s, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(s))
	if len(f) < 2 {
		b.Fatalf("statm: %q", s)
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		b.Fatal(err)
	}
	return pages * int64(os.Getpagesize())
}
