//go:build !race

package proxy

import (
	"context"
	"io"
	"net"
	"sync/atomic"
	"testing"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/mockllm"
	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/sdk/abi"
)

// allowGuard allows everything without allocating.
type allowGuard struct{}

func (allowGuard) Name() string             { return "allow" }
func (allowGuard) Version() string          { return "1" }
func (allowGuard) Handles(p abi.Phase) bool { return p == abi.PhaseRequest }
func (allowGuard) Check(_ context.Context, _ *abi.Exchange, v *abi.Verdict) error {
	v.Reset()
	return nil
}

// denyGuard denies everything without allocating: a candidate that
// disagrees with allowGuard.
type denyGuard struct{}

func (denyGuard) Name() string             { return "deny" }
func (denyGuard) Version() string          { return "2" }
func (denyGuard) Handles(p abi.Phase) bool { return p == abi.PhaseRequest }
func (denyGuard) Check(_ context.Context, _ *abi.Exchange, v *abi.Verdict) error {
	v.Reset()
	v.Decision, v.Code = abi.Deny, "deny.all"
	return nil
}

// handlerEnv wires a Server to an in-memory mock upstream and returns a
// function that runs one request through the handler. With steps == nil and
// baseline set, the function instead forwards with a bare HostClient.Do, the
// least any fasthttp proxy does, to price what Ward adds.
func handlerEnv(tb testing.TB, steps []pipeline.Step, baseline bool) func() int {
	return handlerEnvObserved(tb, steps, baseline, nil)
}

// countingObserver reads every record the way metrics do, without
// allocating.
type countingObserver struct {
	n, guards, status atomic.Int64
}

func (o *countingObserver) ObserveRequest(r *Record) {
	o.n.Add(1)
	o.guards.Add(int64(len(r.Guards)))
	o.status.Add(int64(r.Status))
}

func handlerEnvObserved(tb testing.TB, steps []pipeline.Step, baseline bool, obs Observer) func() int {
	tb.Helper()
	ln := fasthttputil.NewInmemoryListener()
	mock := mockllm.New(mockllm.Options{})
	go mock.Serve(ln)
	tb.Cleanup(func() { mock.Close() })
	cfg, err := config.Parse("bench.toml", []byte(`
[server]
listen = ["127.0.0.1:0"]
[[routes]]
name = "llm"
prefix = "/v1/"
upstream = "http://mock.local"
`))
	if err != nil {
		tb.Fatal(err)
	}
	r, err := newRoute(cfg.Routes[0], pipeline.New(steps))
	if err != nil {
		tb.Fatal(err)
	}
	r.client.DialTimeout = nil
	r.client.Dial = func(string) (net.Conn, error) { return ln.Dial() }
	srv := NewServer(&Snapshot{routes: []*route{r}}, nil)
	if obs != nil {
		srv.SetObserver(obs, true)
	}
	body := []byte(`{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Summarise the policy terms for a customer, keeping the deductible and the coverage limits, in plain words please."}],"temperature":0.2,"max_tokens":256}`)
	var ctx fasthttp.RequestCtx
	remote := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
	return func() int {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.Init(&ctx.Request, remote, nil)
		ctx.Request.Header.SetMethod("POST")
		ctx.Request.SetRequestURI("/v1/chat/completions")
		ctx.Request.Header.SetContentType("application/json")
		ctx.Request.SetBodyRaw(body)
		if baseline {
			ctx.Request.SetRequestURI("http://mock.local/v1/chat/completions")
			ctx.Response.StreamBody = true
			if err := r.client.Do(&ctx.Request, &ctx.Response); err != nil {
				tb.Fatal(err)
			}
		} else {
			srv.handle(&ctx)
		}
		// What fasthttp's server does after the handler: drain the
		// (streamed) answer, which returns the upstream connection.
		_ = ctx.Response.BodyWriteTo(io.Discard)
		_ = ctx.Response.CloseBodyStream()
		return ctx.Response.StatusCode()
	}
}

// TestHandlerAllocs guards the hot path: proxying a chat request, bare and
// through a pipeline (parse + guard + forward), allocates nothing beyond
// what a bare fasthttp forward of the same request allocates (the in-memory
// upstream and fasthttp's client account for those).
func TestHandlerAllocs(t *testing.T) {
	measure := func(do func() int) float64 {
		for range 100 {
			if st := do(); st != 200 {
				t.Fatalf("status %d", st)
			}
		}
		return testing.AllocsPerRun(300, func() { do() })
	}
	base := measure(handlerEnv(t, nil, true))
	for name, steps := range map[string][]pipeline.Step{"bare": nil, "guarded": {{Guard: allowGuard{}}}} {
		if n := measure(handlerEnv(t, steps, false)); n > base {
			t.Errorf("%s: %v allocs per request, a bare forward makes %v", name, n, base)
		}
	}
	// With an observer (metrics, audit): the per-request record, the
	// timings and the token usage parse add no allocation either.
	obs := &countingObserver{}
	if n := measure(handlerEnvObserved(t, []pipeline.Step{{Guard: allowGuard{}}}, false, obs)); n > base {
		t.Errorf("observed: %v allocs per request, a bare forward makes %v", n, base)
	}
	if runs := obs.n.Load(); runs < 400 || obs.guards.Load() != runs || obs.status.Load() != 200*runs {
		t.Errorf("observer saw %d requests, %d guard records, status sum %d", runs, obs.guards.Load(), obs.status.Load())
	}
	// A candidate that disagrees on every request: compared, counted and
	// recorded without allocating (its log is rate-limited; off here).
	cand := &pipeline.Candidate{Guard: denyGuard{}}
	if n := measure(handlerEnvObserved(t, []pipeline.Step{{Guard: allowGuard{}, Candidate: cand}}, false, &countingObserver{})); n > base {
		t.Errorf("with a candidate: %v allocs per request, a bare forward makes %v", n, base)
	}
	if cand.Calls() < 400 || cand.Disagreements() != cand.Calls() {
		t.Errorf("candidate: %d calls, %d disagreements", cand.Calls(), cand.Disagreements())
	}
}

func BenchmarkHandler(b *testing.B) {
	for _, c := range []struct {
		name  string
		steps []pipeline.Step
		base  bool
		obs   Observer
	}{{"baseline", nil, true, nil}, {"bare", nil, false, nil}, {"guarded", []pipeline.Step{{Guard: allowGuard{}}}, false, nil},
		{"observed", []pipeline.Step{{Guard: allowGuard{}}}, false, &countingObserver{}},
		{"candidate", []pipeline.Step{{Guard: allowGuard{}, Candidate: &pipeline.Candidate{Guard: denyGuard{}}}}, false, &countingObserver{}}} {
		b.Run(c.name, func(b *testing.B) {
			do := handlerEnvObserved(b, c.steps, c.base, c.obs)
			b.ReportAllocs()
			for b.Loop() {
				if do() != 200 {
					b.Fatal("status")
				}
			}
		})
	}
}
