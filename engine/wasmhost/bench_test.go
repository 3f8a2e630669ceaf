package wasmhost

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

var benchSizes = []int{1 << 10, 16 << 10}

func sizeName(n int) string { return fmt.Sprintf("%dKB", n>>10) }

// cpuMeter reports the process's CPU time per operation as "cpu-ns/op":
// on a machine shared with other work, wall time per op (ns/op) includes
// time spent waiting for a core; CPU time does not.
type cpuMeter struct{ start time.Duration }

func startCPU() cpuMeter { return cpuMeter{guesttest.ProcessCPU()} }

func (m cpuMeter) report(b *testing.B) {
	if m.start == 0 || b.N == 0 {
		return
	}
	b.ReportMetric(float64(guesttest.ProcessCPU()-m.start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkCheck measures one Check with a plain allow, with the CPU bound
// (fuel + watchdog) and without it. native-go is the Go test guest (decode
// the exchange, search every message for the deny word); native-wat-noop is
// a WAT guard whose handler returns at once, which isolates the host's
// share (encode, copy in, call, read the result).
func BenchmarkCheck(b *testing.B) {
	h, _ := newHost(b)
	for _, guest := range []struct {
		name  string
		wasm  []byte
		phase abi.Phase
	}{{"native-go", goGuest, abi.PhaseRequest}, {"native-wat-noop", fixture(b, "loop"), abi.PhaseResponse}} {
		for _, bound := range []struct {
			name  string
			noCPU bool
		}{{"fuel", false}, {"nofuel", true}} {
			benchCheck(b, h, guest.name, guest.wasm, guest.phase, bound.name, bound.noCPU)
		}
	}
}

func benchCheck(b *testing.B, h *Host, guest string, wasm []byte, phase abi.Phase, bound string, noCPU bool) {
	g := load(b, h, Spec{Wasm: wasm, NoCPUBound: noCPU})
	defer g.Close(context.Background())
	for _, size := range benchSizes {
		x := sizedExchange(size)
		x.Phase = phase
		b.Run(guest+"/"+sizeName(size)+"/"+bound, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(abi.ExchangeSize(x)))
			ctx := context.Background()
			var v abi.Verdict
			if err := g.Check(ctx, x, &v); err != nil {
				b.Fatal(err)
			}
			m := startCPU()
			for b.Loop() {
				if err := g.Check(ctx, x, &v); err != nil {
					b.Fatal(err)
				}
			}
			m.report(b)
		})
		b.Run(guest+"/"+sizeName(size)+"/"+bound+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(abi.ExchangeSize(x)))
			ctx := context.Background()
			m := startCPU()
			b.RunParallel(func(pb *testing.PB) {
				var v abi.Verdict
				for pb.Next() {
					if err := g.Check(ctx, x, &v); err != nil {
						b.Error(err)
						return
					}
				}
			})
			m.report(b)
		})
	}
}

// BenchmarkEncoding compares the two ways an exchange could cross into the
// guest: the binary layout of sdk/abi (host AppendExchange, guest
// DecodeExchange copying strings, or DecodeExchangeAlias pointing into the
// input as guards do) and JSON (host encoding/json, guest encoding/json). Each
// is measured for the host's encode alone, the guest's decode alone (input
// already in guest memory) and both plus the copy into guest memory.
func BenchmarkEncoding(b *testing.B) {
	h, _ := newHost(b)
	g := load(b, h, Spec{Wasm: goGuest, PoolSize: 1, NoCPUBound: true})
	in := <-g.pool
	defer func() { g.pool <- in }()
	ctx := context.Background()
	fns := map[string]string{"binary": "bench_binary", "binary-alias": "bench_binary_alias", "json": "bench_json"}
	for _, size := range benchSizes {
		x := sizedExchange(size)
		encoders := map[string]func(dst *bytes.Buffer){
			"binary": func(dst *bytes.Buffer) {
				dst.Reset()
				dst.Write(abi.AppendExchange(dst.AvailableBuffer(), x))
			},
			"binary-alias": func(dst *bytes.Buffer) {
				dst.Reset()
				dst.Write(abi.AppendExchange(dst.AvailableBuffer(), x))
			},
			"json": func(dst *bytes.Buffer) {
				dst.Reset()
				if err := json.NewEncoder(dst).Encode(x); err != nil {
					b.Fatal(err)
				}
			},
		}
		for _, enc := range []string{"binary", "binary-alias", "json"} {
			var buf bytes.Buffer
			encoders[enc](&buf)
			fn := in.mod.ExportedFunction(fns[enc])
			call := func(b *testing.B, data []byte) {
				ptr, err := in.input(ctx, data, 0)
				if err != nil {
					b.Fatal(err)
				}
				in.stack[0], in.stack[1] = uint64(ptr), uint64(len(data))
				if err := fn.CallWithStack(ctx, in.stack); err != nil {
					b.Fatal(err)
				}
				if got := int(uint32(in.stack[0])); got != len(x.Messages) {
					b.Fatalf("guest decoded %d messages, want %d", got, len(x.Messages))
				}
			}
			prefix := enc + "/" + sizeName(size)
			b.Run(prefix+"/host-encode", func(b *testing.B) {
				b.ReportAllocs()
				b.ReportMetric(float64(buf.Len()), "wire-bytes")
				m := startCPU()
				for b.Loop() {
					encoders[enc](&buf)
				}
				m.report(b)
			})
			b.Run(prefix+"/guest-decode", func(b *testing.B) {
				data := append([]byte(nil), buf.Bytes()...)
				call(b, data)
				m := startCPU()
				for b.Loop() {
					in.stack[0], in.stack[1] = uint64(in.inPtr), uint64(len(data))
					if err := fn.CallWithStack(ctx, in.stack); err != nil {
						b.Fatal(err)
					}
				}
				m.report(b)
			})
			b.Run(prefix+"/total", func(b *testing.B) {
				b.ReportAllocs()
				m := startCPU()
				for b.Loop() {
					encoders[enc](&buf)
					call(b, buf.Bytes())
				}
				m.report(b)
			})
		}
	}
}
