package benchmarks

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/wasmhost"
	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// The guard work of one request through the hardening issue's core
// pipeline (auth, injection, output, pii) as loadbench drives it: the
// same guard tables, the same 356-byte chat request (a system prompt and a
// user question, the demo analyst's API key), the mock's short answer.
// Five guest calls: four in the request phase and output's in the
// response phase. (pii's response call, which restores tokens, is skipped:
// the request has nothing to tokenize, so pii says it is done with the
// exchange, sdk/ABI.md "Done with an exchange"; guards from before that
// made six calls.)

// coreGuards are the loadbench tables of the core pipeline, as JSON.
var coreGuards = []struct{ name, config string }{
	{"auth", `{"headers":["authorization","x-api-key"],"api_keys":[{"id":"demo-analyst","sha256":"97c7b71607ec8a8074483721fd8d17ac0b066c8191dd2b46949018aff2b528f2","subject":"alice","roles":["analyst"]}]}`},
	{"injection", ``},
	{"output", `{"canary_key":"ward-loadbench-canary-key-never-use-in-production","min_run_words":12}`},
	{"pii", `{"tokenize_key":"ward-loadbench-tokenize-key-never-use-in-production","actions":{"EMAIL":"tokenize","CREDIT_CARD":"tokenize"}}`},
}

// The guards come from the built-in module (plugins/builtin), as the
// binary loads them.
func corePipeline(tb testing.TB, h *wasmhost.Host) *pipeline.Pipeline {
	return corePipelineOf(tb, h, func(string) []byte { return built["builtin"] }, true)
}

// corePipelineOf is corePipeline with the guards' modules from wasm;
// selects says a module holds several guards (wasmhost.Spec.Select).
func corePipelineOf(tb testing.TB, h *wasmhost.Host, wasm func(name string) []byte, selects bool) *pipeline.Pipeline {
	tb.Helper()
	var steps []pipeline.Step
	for _, cg := range coreGuards {
		spec := wasmhost.Spec{Name: cg.name, Wasm: wasm(cg.name), ConfigJSON: []byte(cg.config), PoolSize: 1, Walltime: cg.name == "auth"}
		if selects {
			spec.Select = cg.name
		}
		g, err := h.Load(context.Background(), spec)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { g.Close(context.Background()) })
		steps = append(steps, pipeline.Step{Guard: g})
	}
	return pipeline.New(steps)
}

// coreUserText is the user text of loadbench's body (benchmarks/cmd/loadbench, chatBody).
var coreUserText = func() string {
	const filler = "Summarise the main trade-offs between running a reverse proxy in front of an LLM provider and calling the provider directly from each service. "
	return strings.Repeat(filler, 2)[:201]
}()

// coreAnswer is the mock's answer text.
var coreAnswer = "Mock answer to: " + coreUserText[:80]

// coreRequest runs one request's guard phases over a fresh exchange and
// returns the outcome of the last phase that ran. It reuses x's slices
// and msgs, so that it allocates nothing itself.
func coreRequest(ctx context.Context, p *pipeline.Pipeline, x *abi.Exchange, msgs []abi.Message, o *pipeline.Outcome) {
	answer := x.Response.Messages[:0]
	*x = abi.Exchange{Phase: abi.PhaseRequest, API: abi.APIOpenAIChat, MaxTokens: 128, Model: "gpt-4o-mini",
		RequestID: "0f9a1c2b3d4e5f60718293a4b5c6d7e8", Route: "openai", Path: "/v1/chat/completions",
		Headers:     append(x.Headers[:0], abi.KV{Key: "authorization", Value: "Bearer ward-demo-analyst-key"}),
		Annotations: append(x.Annotations[:0], abi.KV{Key: "client.ip", Value: "127.0.0.1"}),
		Messages: append(msgs[:0],
			abi.Message{Role: "system", Text: "You are a helpful assistant. Answer briefly and precisely."},
			abi.Message{Turn: 1, Role: "user", Text: coreUserText}),
	}
	p.Run(ctx, x, o)
	if o.Denied {
		return
	}
	x.Phase = abi.PhaseResponse
	x.Response = abi.Response{Status: 200, FinishReason: "stop", PromptTokens: 34, CompletionTokens: 17,
		Messages: append(answer, abi.Message{Role: "assistant", Text: coreAnswer})}
	p.Run(ctx, x, o)
}

// TestCorePipelineAllows checks BenchmarkCorePipeline's premise: the
// request passes, output adds its canary, auth annotates the identity,
// only output runs in the response phase (pii said done), and a request
// without the key is refused.
func TestCorePipelineAllows(t *testing.T) {
	h := newHost(t, wasmhost.Options{})
	p := corePipeline(t, h)
	var x abi.Exchange
	var o pipeline.Outcome
	coreRequest(context.Background(), p, &x, nil, &o)
	if o.Denied || x.Phase != abi.PhaseResponse || !strings.Contains(x.Messages[0].Text, "\n\n") {
		t.Fatalf("request: denied=%v %s %s, phase %v, system %q", o.Denied, o.Code, o.Message, x.Phase, x.Messages[0].Text)
	}
	subject := false
	for _, a := range x.Annotations {
		subject = subject || a.Key == "identity.subject" && a.Value == "alice"
	}
	if !subject {
		t.Fatalf("annotations %+v", x.Annotations)
	}
	if len(o.Records) != 1 || o.Records[0].Guard != "output" {
		t.Fatalf("response phase records %+v", o.Records)
	}
	x = abi.Exchange{Phase: abi.PhaseRequest, API: abi.APIOpenAIChat, Messages: []abi.Message{{Role: "user", Text: "hi"}}}
	p.Run(context.Background(), &x, &o)
	if !o.Denied || o.Status != 401 {
		t.Fatalf("no key: %+v", o)
	}
}

// BenchmarkCorePipeline is the guests' work for one request of loadbench's
// core pipeline: its guard calls (five; six with guards older than
// ward.done) through engine/wasmhost (fuel and watchdog on, as in
// production) and engine/pipeline. p50-ns and p99-ns are per request
// (of the first 65536): on a busy machine the median moves far less than
// the mean.
func BenchmarkCorePipeline(b *testing.B) {
	h := newHost(b, wasmhost.Options{})
	p := corePipeline(b, h)
	ctx := context.Background()
	var x abi.Exchange
	var o pipeline.Outcome
	msgs := make([]abi.Message, 0, 2)
	var lat guesttest.Latencies
	b.ReportAllocs()
	cpu := guesttest.ProcessCPU()
	for b.Loop() {
		t0 := time.Now()
		coreRequest(ctx, p, &x, msgs, &o)
		lat.Add(time.Since(t0))
		if o.Denied {
			b.Fatal(o.Code, o.Message)
		}
	}
	reportCPU(b, cpu)
	lat.Report(b)
}

// BenchmarkCorePipelineAB is BenchmarkCorePipeline for several builds of
// the four guards in one process, in turn: WARD_BENCH_AB="old=DIR,new=DIR"
// names directories that hold builtin.wasm (the built-in module:
// cmd/ward/guards after `go tool task plugins` in another checkout) or
// else auth.wasm, injection.wasm, output.wasm and pii.wasm (modules of
// their own: bin/guards there, or cmd/ward/guards before the built-in
// module); the host and the pipeline are this tree's. It runs
// WARD_BENCH_AB_ROUNDS (default 6) rounds of one sub-benchmark per build,
// guards=NAME, so that a busy machine's drift weighs on every build alike
// (-count would run each build's repeats back to back). Go names the
// repeats guards=NAME#01, #02...: strip that for benchstat,
//
//	sed -E 's/#[0-9]+//' out.txt > ab.txt && benchstat -col /guards ab.txt
//
// Skipped without WARD_BENCH_AB.
func BenchmarkCorePipelineAB(b *testing.B) {
	spec := os.Getenv("WARD_BENCH_AB")
	if spec == "" {
		b.Skip("WARD_BENCH_AB not set")
	}
	rounds := 6
	if r := os.Getenv("WARD_BENCH_AB_ROUNDS"); r != "" {
		n, err := strconv.Atoi(r)
		if err != nil || n < 1 {
			b.Fatalf("WARD_BENCH_AB_ROUNDS=%q: want a positive integer", r)
		}
		rounds = n
	}
	h := newHost(b, wasmhost.Options{})
	type build struct {
		name string
		p    *pipeline.Pipeline
	}
	var builds []build
	for item := range strings.SplitSeq(spec, ",") {
		name, dir, ok := strings.Cut(item, "=")
		if !ok || name == "" {
			b.Fatalf("WARD_BENCH_AB: %q is not NAME=DIR", item)
		}
		// DIR/builtin.wasm (all guards in one module) if there is one.
		bundle, err := os.ReadFile(filepath.Join(dir, "builtin.wasm"))
		if err != nil && !os.IsNotExist(err) {
			b.Fatal(err)
		}
		builds = append(builds, build{name, corePipelineOf(b, h, func(guard string) []byte {
			if bundle != nil {
				return bundle
			}
			w, err := os.ReadFile(filepath.Join(dir, guard+".wasm"))
			if err != nil {
				b.Fatal(err)
			}
			return w
		}, bundle != nil)})
	}
	ctx := context.Background()
	var x abi.Exchange
	var o pipeline.Outcome
	msgs := make([]abi.Message, 0, 2)
	for range rounds {
		for _, bd := range builds {
			b.Run("guards="+bd.name, func(b *testing.B) {
				coreRequest(ctx, bd.p, &x, msgs, &o) // warm: instances, caches
				var lat guesttest.Latencies
				b.ReportAllocs()
				cpu := guesttest.ProcessCPU()
				for b.Loop() {
					t0 := time.Now()
					coreRequest(ctx, bd.p, &x, msgs, &o)
					lat.Add(time.Since(t0))
					if o.Denied {
						b.Fatal(o.Code, o.Message)
					}
				}
				reportCPU(b, cpu)
				lat.Report(b)
			})
		}
	}
}

// reportCPU reports the process's CPU time per operation since start as
// "cpu-ns/op": on a machine shared with other work, wall time per op
// (ns/op) includes time spent waiting for a core; CPU time does not.
func reportCPU(b *testing.B, start time.Duration) {
	if start == 0 || b.N == 0 {
		return
	}
	b.ReportMetric(float64(guesttest.ProcessCPU()-start)/float64(b.N), "cpu-ns/op")
}
