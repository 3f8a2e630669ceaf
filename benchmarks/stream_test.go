package benchmarks

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/mockllm"
	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/proxy"
	"github.com/wardgate/ward/engine/wasmhost"
	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// Streaming: what a guarded stream costs.
//
//	go test -run '^$' -bench 'BenchmarkStream' -benchtime 2s -count 6 ./benchmarks/

const streamPIIConfig = `{"tokenize_key":"ward-bench-tokenize-key-0123456789abcdef","actions":{"EMAIL":"tokenize","CREDIT_CARD":"tokenize"}}`

// startStreamWard runs a mock upstream (chunks of chunk runes, delay
// between events) and Ward in front of it with the pii guard (which
// restores placeholders in streamed deltas) on its only route. It returns
// the two base URLs.
func startStreamWard(b *testing.B, chunk int, delay time.Duration) (direct, ward string) {
	b.Helper()
	uln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	mock := mockllm.New(mockllm.Options{ChunkSize: chunk, ChunkDelay: delay})
	go mock.Serve(uln)
	b.Cleanup(func() { mock.Close() })
	text := fmt.Sprintf(`[server]
listen = ["127.0.0.1:0"]

[guards.pii]
path = "builtin:pii"
pool_size = 4
config = %s

[[routes]]
name = "llm"
prefix = "/v1/"
upstream = "http://%s"
guards = ["pii"]
`, tomlInline(streamPIIConfig), uln.Addr())
	cfg, err := config.Parse("bench.toml", []byte(text))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	host, err := wasmhost.New(ctx, wasmhost.Options{})
	if err != nil {
		b.Fatal(err)
	}
	snap, err := proxy.Build(ctx, cfg, host, func(string) ([]byte, error) { return built["pii"], nil }, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	srv := proxy.NewServer(snap, slog.New(slog.DiscardHandler))
	lns, err := proxy.Listen(cfg)
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx, cfg, lns, time.Second); close(done) }()
	b.Cleanup(func() {
		cancel()
		<-done
		snap.Close(context.Background())
		host.Close(context.Background())
	})
	return "http://" + uln.Addr().String(), "http://" + lns[0].Addr().String()
}

// tomlInline renders a flat JSON object of strings and string tables as
// a TOML inline table (enough for streamPIIConfig).
func tomlInline(js string) string {
	r := strings.NewReplacer(`":`, `" = `, `{"`, `{ "`, `"}`, `" }`)
	return r.Replace(js)
}

// BenchmarkStreamTTFB is the time from sending a streamed chat request to
// the first byte of the answer body, straight to the mock upstream and
// through Ward with a response_chunk guard (pii) checking every delta.
// The mock waits 2 ms between events, as a model would between tokens; the
// first body byte is its first event (the role announcement). p50-ns is
// the median over the run.
func BenchmarkStreamTTFB(b *testing.B) {
	direct, ward := startStreamWard(b, 4, 2*time.Millisecond)
	body := `{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Write to <EMAIL_1> about the quarterly numbers and the board."}]}`
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4, DisableCompression: true}}
	for _, c := range []struct{ name, base string }{{"direct", direct}, {"ward-pii", ward}} {
		b.Run(c.name, func(b *testing.B) {
			var lat guesttest.Latencies
			buf := make([]byte, 1)
			for b.Loop() {
				req, _ := http.NewRequest("POST", c.base+"/v1/chat/completions", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(resp.Body, buf); err != nil {
					b.Fatal(err)
				}
				lat.Add(time.Since(t0))
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			lat.Report(b)
		})
	}
}

// BenchmarkStreamChunk is the per-delta cost of the response_chunk phase
// in Wasm, through pipeline.RunChunk (the host's work per delta included):
// the pii guard on a 16-byte delta of an exchange with a sealed mapping,
// without '<' (the common case) and with a placeholder split across
// deltas.
func BenchmarkStreamChunk(b *testing.B) {
	ctx := context.Background()
	h := newHost(b, wasmhost.Options{})
	g, err := h.Load(ctx, wasmhost.Spec{Name: "pii", Wasm: built["pii"], PoolSize: 1, ConfigJSON: []byte(streamPIIConfig)})
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close(ctx)
	p := pipeline.New([]pipeline.Step{{Guard: g}})
	// The request phase seals the mapping the chunks need.
	x := dataExchange("Please write to jane.doe@example.com about card 4111 1111 1111 1111.")
	var o pipeline.Outcome
	p.Run(ctx, x, &o)
	if !o.Rewritten {
		b.Fatal("the request was not tokenized")
	}
	annotations := append([]abi.KV(nil), x.Annotations...)
	for _, c := range []struct {
		name   string
		deltas []string
	}{
		{"plain-16B", []string{"The committee re", "viewed the quarte", "rly numbers and "}},
		{"placeholder-split", []string{"Sent to <EMA", "IL_1> and the c", "ard <CREDIT_CARD", "_1> as asked.   "}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var st pipeline.ChunkState
			var lat guesttest.Latencies
			y := &abi.Exchange{API: abi.APIOpenAIChat, Stream: true, RequestID: x.RequestID, Annotations: annotations}
			i := 0
			for b.Loop() {
				y.Annotations = y.Annotations[:len(annotations)]
				t0 := time.Now()
				p.RunChunk(ctx, y, &st, c.deltas[i%len(c.deltas)], false, &o)
				lat.Add(time.Since(t0))
				if o.Denied {
					b.Fatal(o.Code)
				}
				i++
			}
			lat.Report(b)
		})
	}
}

// BenchmarkStreamChunkOutput is the per-delta cost of plugins/output's
// response_chunk phase in Wasm through pipeline.RunChunk, with the demo's
// config (canary, secrets, PII, verbatim runs of 12 words of the system
// prompt) on an exchange with a ~600-byte system prompt: 16-byte deltas of
// ordinary prose, and the same with an e-mail and a key to redact in every
// kilobyte (split across deltas).
func BenchmarkStreamChunkOutput(b *testing.B) {
	ctx := context.Background()
	h := newHost(b, wasmhost.Options{})
	for _, c := range []struct{ name, config string }{
		{"defaults", `{"canary_key":"ward-bench-canary-key-0123456789abcdef"}`},
		{"demo-runs", `{"canary_key":"ward-bench-canary-key-0123456789abcdef","min_run_words":12}`},
	} {
		g, err := h.Load(ctx, wasmhost.Spec{Name: "output", Wasm: built["output"], PoolSize: 1, ConfigJSON: []byte(c.config)})
		if err != nil {
			b.Fatal(err)
		}
		defer g.Close(ctx)
		p := pipeline.New([]pipeline.Step{{Guard: g}})
		x := dataExchange("What is our returns policy for tents?")
		system, err := os.ReadFile("../plugins/output/testdata/system-prompt.txt")
		if err != nil {
			b.Fatal(err)
		}
		x.Messages = append([]abi.Message{{Role: "system", Text: string(system)}}, x.Messages...)
		var o pipeline.Outcome
		p.Run(ctx, x, &o) // the request phase appends the canary
		for _, d := range []struct {
			name   string
			deltas []string
		}{
			{"plain-16B", []string{"The committee re", "viewed the quarte", "rly numbers and "}},
			{"findings-per-KB", findingDeltas()},
		} {
			b.Run(c.name+"/"+d.name, func(b *testing.B) {
				var st pipeline.ChunkState
				var lat guesttest.Latencies
				y := *x
				n := len(y.Annotations)
				i, held, maxHeld := 0, 0, 0
				for b.Loop() {
					y.Annotations = y.Annotations[:n]
					t0 := time.Now()
					p.RunChunk(ctx, &y, &st, d.deltas[i%len(d.deltas)], false, &o)
					lat.Add(time.Since(t0))
					if o.Denied {
						b.Fatal(o.Code)
					}
					// How much text the guard keeps from the client.
					held += st.Held()
					maxHeld = max(maxHeld, st.Held())
					i++
				}
				lat.Report(b)
				b.ReportMetric(float64(held)/float64(max(i, 1)), "held-mean-B")
				b.ReportMetric(float64(maxHeld), "held-max-B")
			})
		}
	}
}

// findingDeltas is ~1 KB of answer in 16-byte deltas: prose, then an
// e-mail and an AWS key id each split over two deltas.
func findingDeltas() []string {
	text := strings.Repeat("The committee reviewed the quarterly numbers and the board agreed. ", 14)[:900] +
		" Write to jane.doe@example.com with the key AKIAQ7XH3LMZ5RT2WPNC today, thanks."
	var d []string
	for len(text) > 16 {
		d = append(d, text[:16])
		text = text[16:]
	}
	return append(d, text)
}
