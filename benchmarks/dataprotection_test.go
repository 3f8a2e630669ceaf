package benchmarks

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/wasmhost"
	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// The data-protection pipeline (secrets -> pii) as the demo runs it,
// priced per request on a 2 KB prompt: with personal data (tokenized and
// masked), and the same size of ordinary prose (nothing to rewrite).

// piiDemoConfig is the demo's pii config: e-mails and cards tokenized,
// every other kind on the guard's defaults.
const piiDemoConfig = `{"tokenize_key":"ward-bench-tokenize-key-0123456789abcdef","actions":{"EMAIL":"tokenize","CREDIT_CARD":"tokenize"}}`

// dataPrompt is a 2 KB user prompt with a few items of personal data among
// ordinary prose (plugins/pii's benchmark prompt); cleanPrompt is 2 KB
// without any.
func dataPrompt() string {
	b, err := os.ReadFile("../plugins/pii/testdata/prompt-2k.txt")
	if err != nil {
		panic(err)
	}
	return string(b)
}

func cleanPrompt() string {
	return strings.Repeat("The committee reviewed the quarterly numbers and asked the team to prepare a short summary. ", 25)[:2048]
}

func dataExchange(prompt string) *abi.Exchange {
	return &abi.Exchange{
		Phase: abi.PhaseRequest, API: abi.APIOpenAIChat, Model: "gpt-4o-mini",
		RequestID: "0123456789abcdef0123456789abcdef", Route: "llm", Path: "/v1/chat/completions",
		Messages: []abi.Message{{Turn: 0, Role: "user", Text: prompt}},
	}
}

func dataPipeline(tb testing.TB, h *wasmhost.Host) *pipeline.Pipeline {
	return dataPipelineWith(tb, h, piiDemoConfig)
}

// dataPipelineWith loads secrets (defaults) and pii with piiConfig.
func dataPipelineWith(tb testing.TB, h *wasmhost.Host, piiConfig string) *pipeline.Pipeline {
	tb.Helper()
	ctx := context.Background()
	sec, err := h.Load(ctx, wasmhost.Spec{Name: "secrets", Wasm: built["secrets"], PoolSize: 1})
	if err != nil {
		tb.Fatal(err)
	}
	pii, err := h.Load(ctx, wasmhost.Spec{Name: "pii", Wasm: built["pii"], PoolSize: 1, ConfigJSON: []byte(piiConfig)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { sec.Close(ctx); pii.Close(ctx) })
	return pipeline.New([]pipeline.Step{{Guard: sec}, {Guard: pii}})
}

// TestDataProtectionPipeline checks the benchmark's premise: the prompt
// with personal data is rewritten (placeholders for the e-mail and the
// card, the phone redacted, the IBAN masked), the clean one is not, and nothing is denied.
func TestDataProtectionPipeline(t *testing.T) {
	h := newHost(t, wasmhost.Options{})
	p := dataPipeline(t, h)
	var o pipeline.Outcome
	x := dataExchange(dataPrompt())
	p.Run(context.Background(), x, &o)
	if o.Denied || !o.Rewritten || len(o.Records) != 2 {
		t.Fatalf("data prompt: denied=%v code=%s rewritten=%v records=%d", o.Denied, o.Code, o.Rewritten, len(o.Records))
	}
	got := x.Messages[0].Text
	for _, want := range []string{"<EMAIL_1>", "<CREDIT_CARD_1>", "[PHONE]", "**30 00"} {
		if !strings.Contains(got, want) {
			t.Errorf("rewritten prompt lacks %q: %q", want, got)
		}
	}
	for _, leaked := range []string{"jane.doe@example.com", "4111 1111 1111 1111", "DE89 3704"} {
		if strings.Contains(got, leaked) {
			t.Errorf("rewritten prompt still has %q", leaked)
		}
	}
	x = dataExchange(cleanPrompt())
	p.Run(context.Background(), x, &o)
	if o.Denied || o.Rewritten {
		t.Fatalf("clean prompt: denied=%v rewritten=%v", o.Denied, o.Rewritten)
	}
}

// BenchmarkDataProtection: one request phase through secrets -> pii on a
// 2 KB prompt, beside an empty pipeline: pii as in the demo (e-mails and
// cards tokenized, the mapping sealed) and on its defaults (redact, mask). p50-ns and p99-ns are per-request
// percentiles of the run (time/op is the mean).
func BenchmarkDataProtection(b *testing.B) {
	h := newHost(b, wasmhost.Options{})
	p := dataPipeline(b, h)
	defaults := dataPipelineWith(b, h, `{}`)
	for _, c := range []struct {
		name   string
		p      *pipeline.Pipeline
		prompt string
	}{
		{"no-guards", pipeline.New(nil), dataPrompt()},
		{"secrets+pii/demo-tokenize/personal-data", p, dataPrompt()},
		{"secrets+pii/defaults/personal-data", defaults, dataPrompt()},
		{"secrets+pii/demo-tokenize/clean", p, cleanPrompt()},
	} {
		b.Run(c.name, func(b *testing.B) { runData(b, c.p, c.prompt) })
	}
}

func runData(b *testing.B, p *pipeline.Pipeline, prompt string) {
	x := dataExchange(prompt)
	var o pipeline.Outcome
	var lat guesttest.Latencies
	b.ReportAllocs()
	for b.Loop() {
		// The pipeline applies rewrites to the exchange: start each
		// request from the original prompt.
		x.Messages[0].Text = prompt
		x.Annotations = x.Annotations[:0]
		t0 := time.Now()
		p.Run(context.Background(), x, &o)
		lat.Add(time.Since(t0))
		if o.Denied {
			b.Fatal(o.Code)
		}
	}
	lat.Report(b)
}
