package benchmarks

import (
	"context"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/wasmhost"
	"github.com/wardgate/ward/sdk/abi"
)

// BenchmarkColdCall is one auth request phase (the core pipeline's auth
// guard and key) through engine/wasmhost and engine/pipeline, warm (call
// after call, as its own benchmarks run it) and cold (32 MiB of other
// memory written between calls, as the other guards, the network buffers
// and the kernel do in a server). call-ns is the call alone; the rest of
// ns/op is the writing. The gap is what a guard call pays for its code and
// data not being in the caches (benchmarks/README.md, the loadbench
// reading).
func BenchmarkColdCall(b *testing.B) {
	for _, cold := range []bool{false, true} {
		name := "warm"
		if cold {
			name = "cold"
		}
		b.Run(name, func(b *testing.B) {
			h := newHost(b, wasmhost.Options{})
			g, err := h.Load(context.Background(), wasmhost.Spec{Name: "auth", Wasm: built["auth"],
				ConfigJSON: []byte(coreGuards[0].config), PoolSize: 1, Walltime: true})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { g.Close(context.Background()) })
			p := pipeline.New([]pipeline.Step{{Guard: g}})
			var junk []byte
			if cold {
				junk = make([]byte, 32<<20)
			}
			var (
				x     abi.Exchange
				o     pipeline.Outcome
				spent time.Duration
				calls int
			)
			for b.Loop() {
				for i := 0; i < len(junk); i += 64 {
					junk[i]++
				}
				x = abi.Exchange{Phase: abi.PhaseRequest, API: abi.APIOpenAIChat, Route: "openai", Path: "/v1/chat/completions",
					RequestID: "0f9a1c2b3d4e5f60718293a4b5c6d7e8",
					Headers:   append(x.Headers[:0], abi.KV{Key: "authorization", Value: "Bearer ward-demo-analyst-key"}),
				}
				t0 := time.Now()
				p.Run(context.Background(), &x, &o)
				spent += time.Since(t0)
				calls++
				if o.Denied {
					b.Fatal(o.Code, o.Message)
				}
			}
			b.ReportMetric(float64(spent.Nanoseconds())/float64(max(calls, 1)), "call-ns")
		})
	}
}
