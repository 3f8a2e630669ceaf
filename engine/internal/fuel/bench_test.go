package fuel

import (
	"context"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// hashRounds makes one hash call process 4 KB (4 passes over 1 KB).
const hashRounds = 4

// BenchmarkHash runs a CPU-bound guest function three ways: plain,
// fuel-instrumented (fuel reset before each call, as a host does), and plain
// under WithCloseOnContextDone(true) with a context that has a deadline.
//
//	go test -run '^$' -bench BenchmarkHash -count 5 ./engine/internal/fuel/
func BenchmarkHash(b *testing.B) {
	for _, guest := range realGuests {
		b.Run(guest.name, func(b *testing.B) {
			wasm := guest.wasm(b)
			want := fnv1a(hashRounds)
			run := func(b *testing.B, m api.Module, ctx context.Context, before func()) {
				f := m.ExportedFunction("hash")
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					before()
					res, err := f.Call(ctx, hashRounds)
					if err != nil || res[0] != want {
						b.Fatalf("hash = %v, %v", res, err)
					}
				}
			}
			b.Run("plain", func(b *testing.B) {
				m := instantiate(b, newRuntime(b, nil), wasm)
				run(b, m, context.Background(), func() {})
			})
			b.Run("fuel", func(b *testing.B) {
				m := instantiate(b, newRuntime(b, nil), mustInstrument(b, wasm, 1<<30))
				g := fuelGlobal(b, m)
				run(b, m, context.Background(), func() { g.Set(10_000_000) })
			})
			b.Run("closeOnDone", func(b *testing.B) {
				rt := newRuntime(b, wazero.NewRuntimeConfig().WithCloseOnContextDone(true))
				m := instantiate(b, rt, wasm)
				ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
				defer cancel()
				run(b, m, ctx, func() {})
			})
		})
	}
}

// BenchmarkSpinToEmpty measures how long a call of an endless loop runs
// before a 50M-unit budget stops it (ns/op), i.e. what 50M units of fuel
// mean in time for the tightest loops.
//
//	go test -run '^$' -bench BenchmarkSpinToEmpty -benchtime 10x ./engine/internal/fuel/
func BenchmarkSpinToEmpty(b *testing.B) {
	const budget = 50_000_000
	guests := append([]struct {
		name string
		wasm func(testing.TB) []byte
	}{{"wat", func(tb testing.TB) []byte { return readFixture(tb, "loops.wasm") }}}, realGuests...)
	for _, guest := range guests {
		b.Run(guest.name, func(b *testing.B) {
			inst := mustInstrument(b, guest.wasm(b), 1<<30)
			rt := newRuntime(b, nil)
			for b.Loop() {
				b.StopTimer()
				// A fresh instance per call: a Go guest must not be
				// reused after a trap.
				m := instantiate(b, rt, inst)
				g := fuelGlobal(b, m)
				g.Set(budget)
				b.StartTimer()
				_, err := m.ExportedFunction("spin").Call(context.Background())
				b.StopTimer()
				if err == nil || int64(g.Get()) >= 0 {
					b.Fatalf("spin: %v, fuel %d", err, int64(g.Get()))
				}
				m.Close(context.Background())
				b.StartTimer()
			}
		})
	}
}

// BenchmarkInstrument measures Instrument on the ~3.6 MB Go guest.
//
//	go test -run '^$' -bench BenchmarkInstrument -count 5 ./engine/internal/fuel/
func BenchmarkInstrument(b *testing.B) {
	wasm := goGuestWasm(b)
	b.SetBytes(int64(len(wasm)))
	b.ReportAllocs()
	var out []byte
	for b.Loop() {
		var err error
		if out, err = Instrument(wasm, 1<<30); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(out))/float64(len(wasm)), "size-ratio")
}

// BenchmarkHashInterleaved alternates plain and fuel-instrumented calls in
// one loop so that load from other processes hits both equally; it reports
// each one's ns per call and their ratio. A call here is 64 hash calls.
//
//	go test -run '^$' -bench BenchmarkHashInterleaved -count 5 ./engine/internal/fuel/
func BenchmarkHashInterleaved(b *testing.B) {
	for _, guest := range realGuests {
		b.Run(guest.name, func(b *testing.B) {
			benchInterleaved(b, guest.wasm(b), "hash", hashRounds)
		})
	}
}

// BenchmarkDescribeInterleaved is BenchmarkHashInterleaved for the Go
// guest's describe(7) (encoding/json, fmt and regexp): code with calls,
// allocation and longer basic blocks than the hash loop.
//
//	go test -run '^$' -bench BenchmarkDescribeInterleaved -count 5 ./engine/internal/fuel/
func BenchmarkDescribeInterleaved(b *testing.B) {
	benchInterleaved(b, goGuestWasm(b), "describe", 7)
}

func benchInterleaved(b *testing.B, wasm []byte, fn string, arg uint64) {
	rt := newRuntime(b, nil)
	plain := instantiate(b, rt, wasm).ExportedFunction(fn)
	m := instantiate(b, rt, mustInstrument(b, wasm, 1<<30))
	fuel, g := m.ExportedFunction(fn), fuelGlobal(b, m)
	ctx := context.Background()
	var tPlain, tFuel time.Duration
	var calls int
	for b.Loop() {
		t0 := time.Now()
		for range 64 {
			if _, err := plain.Call(ctx, arg); err != nil {
				b.Fatal(err)
			}
		}
		t1 := time.Now()
		for range 64 {
			g.Set(10_000_000)
			if _, err := fuel.Call(ctx, arg); err != nil {
				b.Fatal(err)
			}
		}
		tPlain += t1.Sub(t0)
		tFuel += time.Since(t1)
		calls += 64
	}
	b.ReportMetric(float64(tPlain.Nanoseconds())/float64(calls), "plain-ns/call")
	b.ReportMetric(float64(tFuel.Nanoseconds())/float64(calls), "fuel-ns/call")
	b.ReportMetric(float64(tFuel)/float64(tPlain), "fuel/plain")
}
