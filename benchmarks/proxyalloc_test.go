//go:build !race

package benchmarks

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/wardgate/ward/benchmarks/internal/guardtables"
	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/mockllm"
	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/proxy"
	"github.com/wardgate/ward/engine/wasmhost"
	"github.com/wardgate/ward/sdk/abi"
)

// The host's allocations per request on the guard path, measured through
// the whole proxy handler (parse, the core pipeline's five guest calls,
// forward to the mock, response phase, re-encode) as loadbench's core
// target runs it. The mock upstream runs in the same process, so what a
// request allocates is compared with the same handler without guards:
// the difference is what the guards cost the host.

// proxyEnv starts the mock on a loopback port, builds a snapshot with
// guards (nil: none) and returns a function that runs one loadbench
// request through the handler and returns its status.
func proxyEnv(tb testing.TB, guards []string) func() int {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	mock := mockllm.New(mockllm.Options{})
	go mock.Serve(ln)
	tb.Cleanup(func() { mock.Close() })
	var b strings.Builder
	b.WriteString("[server]\nlisten = [\"127.0.0.1:0\"]\n")
	b.WriteString(guardtables.Join(guards...))
	b.WriteString(guardtables.Route(ln.Addr().String(), guards))
	cfg, err := config.Parse("bench.toml", []byte(b.String()))
	if err != nil {
		tb.Fatal(err)
	}
	h := newHost(tb, wasmhost.Options{})
	resolve := func(path string) ([]byte, error) {
		_, ok := strings.CutPrefix(path, "builtin:")
		if w := built["builtin"]; ok && w != nil { // as the binary resolves them
			return w, nil
		}
		return nil, fmt.Errorf("no module %q", path)
	}
	snap, err := proxy.Build(context.Background(), cfg, h, resolve, nil)
	if err != nil {
		tb.Fatal(err)
	}
	srv := proxy.NewServer(snap, nil)
	tb.Cleanup(func() { srv.Close(context.Background()) })
	handle := srv.Handler()
	body := guardtables.ChatBody(coreUserText)
	var ctx fasthttp.RequestCtx
	remote := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
	return func() int {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.Init(&ctx.Request, remote, nil)
		ctx.Request.Header.SetMethod("POST")
		ctx.Request.SetRequestURI("/v1/chat/completions")
		ctx.Request.Header.SetContentType("application/json")
		ctx.Request.Header.Set("Authorization", "Bearer ward-demo-analyst-key")
		ctx.Request.SetBodyRaw(body)
		handle(&ctx)
		// What fasthttp's server does after the handler.
		_ = ctx.Response.BodyWriteTo(io.Discard)
		_ = ctx.Response.CloseBodyStream()
		return ctx.Response.StatusCode()
	}
}

// proxyAllocs returns the allocations of one request through do, after
// warming it up.
func proxyAllocs(tb testing.TB, do func() int, runs int) float64 {
	tb.Helper()
	for range 50 {
		if st := do(); st != 200 {
			tb.Fatalf("status %d", st)
		}
	}
	return testing.AllocsPerRun(runs, func() {
		if st := do(); st != 200 {
			tb.Fatalf("status %d", st)
		}
	})
}

// TestCorePipelineProxyAllocs guards the host's guard path: the core
// pipeline's guard calls for one request (coreRequest: five guest calls
// through engine/wasmhost and engine/pipeline) allocate nothing on the
// host once warm, and a request through the whole proxy with the core
// pipeline allocates no more than the same request without guards. The
// guard calls made 10 allocations per request (every verdict string
// copied; 43 vs 36 through the proxy) before each guard instance interned
// its verdicts' strings (abi.StringCache).
func TestCorePipelineProxyAllocs(t *testing.T) {
	h := newHost(t, wasmhost.Options{})
	p := corePipeline(t, h)
	ctx := context.Background()
	var x abi.Exchange
	var o pipeline.Outcome
	msgs := make([]abi.Message, 0, 2)
	for range 20 {
		coreRequest(ctx, p, &x, msgs, &o)
	}
	guards := testing.AllocsPerRun(200, func() {
		coreRequest(ctx, p, &x, msgs, &o)
		if o.Denied {
			t.Fatal(o.Code, o.Message)
		}
	})
	if guards != 0 {
		t.Errorf("core pipeline's guard calls: %v allocs per request, want 0", guards)
	}

	bare := proxyAllocs(t, proxyEnv(t, nil), 200)
	core := proxyAllocs(t, proxyEnv(t, coreGuardNames()), 200)
	t.Logf("allocs per request: guard calls %v; through the proxy: bare %v, core pipeline %v", guards, bare, core)
	if core > bare {
		t.Errorf("through the proxy: %v allocs per request with the core pipeline, %v without guards", core, bare)
	}
}

func coreGuardNames() []string {
	names := make([]string, len(coreGuards))
	for i, g := range coreGuards {
		names[i] = g.name
	}
	return names
}

// BenchmarkCorePipelineProxy is one loadbench request through the proxy
// handler, without guards and with the core pipeline; allocs/op is per
// request (the mock upstream included).
func BenchmarkCorePipelineProxy(b *testing.B) {
	for _, c := range []struct {
		name   string
		guards []string
	}{{"bare", nil}, {"core", coreGuardNames()}} {
		b.Run(c.name, func(b *testing.B) {
			do := proxyEnv(b, c.guards)
			do()
			b.ReportAllocs()
			for b.Loop() {
				if do() != 200 {
					b.Fatal("status")
				}
			}
		})
	}
}
