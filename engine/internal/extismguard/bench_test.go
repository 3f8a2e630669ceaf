package extismguard

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/sdk/abi"
)

// benchExchange is a request whose single user message is n bytes of text
// without any keyword (the guard allows it after scanning all of it).
func benchExchange(n int) *abi.Exchange {
	return userExchange(strings.Repeat("lorem ipsum dolor sit amet ", n/27+1)[:n])
}

var benchSizes = []struct {
	name string
	n    int
}{{"1KB", 1 << 10}, {"16KB", 16 << 10}}

// BenchmarkExtismCheck measures one Check through the Go kernel: JSON
// encoding of the exchange, the guest's input copy and JSON decoding, the
// keyword scan and an empty (allow) output.
// The guest runs without any CPU bound.
func BenchmarkExtismCheck(b *testing.B) { benchCheck(b, Options{Wasm: exampleWasm}) }

// BenchmarkExtismCheckTimeout is BenchmarkExtismCheck with a Timeout, which
// compiles the guest with wazero's close-on-context-done checks.
func BenchmarkExtismCheckTimeout(b *testing.B) {
	benchCheck(b, Options{Wasm: exampleWasm, Timeout: time.Second})
}

// BenchmarkExtismCheckFuel is BenchmarkExtismCheck with fuel and the
// watchdog, as wasmhost loads Extism guards (its default 50 ms budget).
func BenchmarkExtismCheckFuel(b *testing.B) {
	benchCheck(b, Options{Wasm: exampleFuelWasm, Fuel: 50_000_000, WallLimit: 100 * time.Millisecond})
}

func benchCheck(b *testing.B, o Options) {
	o.CacheDir, o.Name, o.PoolSize = testCache, "kw", 1
	o.ConfigJSON = []byte(`{"keywords":["secret","password","launch code"]}`)
	g, err := Load(context.Background(), o)
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close(context.Background())
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			x := benchExchange(s.n)
			var v abi.Verdict
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := g.Check(ctx, x, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkKernel is the host overhead alone through the Go kernel (compare
// BenchmarkGoSDKKernel): the readinput fixture copies its input with
// input_load_u64 and returns nothing.
func BenchmarkKernel(b *testing.B) {
	g, err := Load(context.Background(), Options{Name: "ri", Wasm: readinputWasm, PoolSize: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close(context.Background())
	inst := <-g.pool
	defer func() { g.pool <- inst }()
	fn := inst.fns[abi.PhaseRequest]
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			in := bytes.Repeat([]byte("x"), s.n)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := g.call(ctx, inst, fn, in, 1<<20, 0, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
