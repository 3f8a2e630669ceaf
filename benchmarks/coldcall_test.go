package benchmarks

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/wasmhost"
	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/conformance"
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
	auth := wasmhost.Spec{Name: "auth", Wasm: built["auth"], ConfigJSON: []byte(coreGuards[0].config)}
	coldCalls(b, auth, func(x *abi.Exchange) {
		*x = abi.Exchange{Phase: abi.PhaseRequest, API: abi.APIOpenAIChat, Route: "openai", Path: "/v1/chat/completions",
			RequestID: "0f9a1c2b3d4e5f60718293a4b5c6d7e8",
			Headers:   append(x.Headers[:0], abi.KV{Key: "authorization", Value: "Bearer ward-demo-analyst-key"}),
		}
	})
}

// BenchmarkColdCallLanguage is BenchmarkColdCall for the SDKs' example
// keyword guard (sdk/examples: the same guard in Go, C and Rust) on a
// 300-byte user prompt without a keyword, warm and cold: how much of a
// cold call is the guest's language runtime. "wat" is the floor: a
// hand-written module that allows at once and reads only the headers
// (engine/wasmhost's reads fixture), so the call is the host's path alone;
// "go-trivial" is the Go SDK's floor (benchmarks/guards/trivial: decodes
// the exchange and allows).
// Needs the toolchains of sdk/conformance (clang + wasi-libc, Debian's
// rustc).
func BenchmarkColdCallLanguage(b *testing.B) {
	prompt := strings.Repeat("The committee reviews the quarterly plan. ", 7)
	for _, k := range []struct {
		lang conformance.Lang
		dir  string
	}{{"wat", ""}, {"go-trivial", "../../benchmarks/guards/trivial"}, {conformance.Go, "go-keyword"}, {conformance.C, "c-keyword"}, {conformance.Rust, "rust-keyword"}} {
		b.Run(string(k.lang), func(b *testing.B) {
			spec := wasmhost.Spec{Name: "keyword", ConfigJSON: []byte(`{"keywords":["secret","launch code"]}`)}
			if k.dir == "" {
				wasm, err := os.ReadFile(filepath.Join("..", "engine", "wasmhost", "testdata", "fixtures", "reads.wasm"))
				if err != nil {
					b.Fatal(err)
				}
				spec = wasmhost.Spec{Name: "reads", Wasm: wasm}
			} else if k.lang == "go-trivial" {
				spec = wasmhost.Spec{Name: "trivial", Wasm: conformance.BuildTB(b, conformance.Go, filepath.Join("..", "sdk", "examples", k.dir))}
			} else {
				spec.Wasm = conformance.BuildTB(b, k.lang, filepath.Join("..", "sdk", "examples", k.dir))
			}
			coldCalls(b, spec, func(x *abi.Exchange) {
				*x = abi.Exchange{Phase: abi.PhaseRequest, API: abi.APIOpenAIChat, Route: "openai", Path: "/v1/chat/completions",
					RequestID: "0f9a1c2b3d4e5f60718293a4b5c6d7e8",
					Messages:  append(x.Messages[:0], abi.Message{Turn: 0, Role: "user", Text: prompt}),
				}
			})
		})
	}
}

// coldCalls runs a phase of the guard of spec (one instance, fuel and
// wall-clock bounds as in a server) warm and cold; fill sets the exchange
// up before each call (its phase too).
func coldCalls(b *testing.B, spec wasmhost.Spec, fill func(*abi.Exchange)) {
	for _, cold := range []bool{false, true} {
		name := "warm"
		if cold {
			name = "cold"
		}
		b.Run(name, func(b *testing.B) {
			h := newHost(b, wasmhost.Options{})
			spec.PoolSize, spec.Walltime = 1, true
			g, err := h.Load(context.Background(), spec)
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
				fill(&x)
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

// BenchmarkColdCallOutput is BenchmarkColdCall for the output guard on
// loadbench's traffic (the core pipeline's output table: canary and
// min_run_words = 12), both of its calls per chat request: the request
// phase (the canary appended to the system prompt) and the response phase
// (the mock's one-line answer scanned, the system message carrying the
// canary the request phase appended), the exchanges filled as
// coreRequest (and engine/proxy) fill them.
func BenchmarkColdCallOutput(b *testing.B) {
	spec := wasmhost.Spec{Name: "output", Wasm: built["output"], ConfigJSON: []byte(coreGuards[2].config)}
	if dir := os.Getenv("WARD_OUTPUT_WASM"); dir != "" {
		// A/B: another build of the guard (go test -c, then run the
		// binary with each build in turn).
		wasm, err := os.ReadFile(dir)
		if err != nil {
			b.Fatal(err)
		}
		spec.Wasm = wasm
	}
	request := func(x *abi.Exchange) {
		msgs := x.Messages[:0]
		*x = abi.Exchange{Phase: abi.PhaseRequest, API: abi.APIOpenAIChat, MaxTokens: 128, Model: "gpt-4o-mini",
			RequestID: "0f9a1c2b3d4e5f60718293a4b5c6d7e8", Route: "openai", Path: "/v1/chat/completions",
			Headers:     append(x.Headers[:0], abi.KV{Key: "authorization", Value: "Bearer ward-demo-analyst-key"}),
			Annotations: append(x.Annotations[:0], abi.KV{Key: "client.ip", Value: "127.0.0.1"}),
			Messages: append(msgs,
				abi.Message{Role: "system", Text: "You are a helpful assistant. Answer briefly and precisely."},
				abi.Message{Turn: 1, Role: "user", Text: coreUserText}),
		}
	}
	// The system message as the request phase left it: with the canary.
	system := func() string {
		h := newHost(b, wasmhost.Options{})
		s := spec
		s.PoolSize = 1
		g, err := h.Load(context.Background(), s)
		if err != nil {
			b.Fatal(err)
		}
		defer g.Close(context.Background())
		var x abi.Exchange
		var o pipeline.Outcome
		request(&x)
		pipeline.New([]pipeline.Step{{Guard: g}}).Run(context.Background(), &x, &o)
		if o.Denied || !o.Rewritten || !strings.Contains(x.Messages[0].Text, "[ward:") {
			b.Fatalf("request phase: %+v, system %q", o, x.Messages[0].Text)
		}
		return strings.Clone(x.Messages[0].Text)
	}()
	b.Run("request", func(b *testing.B) { coldCalls(b, spec, request) })
	b.Run("response", func(b *testing.B) {
		coldCalls(b, spec, func(x *abi.Exchange) {
			answer := x.Response.Messages[:0]
			request(x)
			x.Messages[0].Text = system
			x.Phase = abi.PhaseResponse
			x.Annotations = append(x.Annotations, abi.KV{Key: "identity.subject", Value: "alice"})
			x.Response = abi.Response{Status: 200, FinishReason: "stop", PromptTokens: 34, CompletionTokens: 17,
				Messages: append(answer, abi.Message{Role: "assistant", Text: coreAnswer})}
		})
	})
}
