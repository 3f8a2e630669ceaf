package pii

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/detect"
	ward "github.com/wardgate/ward/sdk/go"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// This file drives the guard built with GOOS=wasip1 through
// sdk/go/guesttest: the golden cases in Wasm, and what a call costs.

func newWasmGuard(tb testing.TB) *guesttest.Guest {
	tb.Helper()
	return guesttest.New(tb, guesttest.Build(tb, "./module"), nil)
}

func TestWasmDescribe(t *testing.T) {
	d, err := newWasmGuard(t).Describe()
	if err != nil {
		t.Fatal(err)
	}
	g := New()
	if want := g.Description(); !reflect.DeepEqual(d, want) {
		t.Fatalf("describe = %+v, want %+v", d, want)
	}
}

// TestWasmGolden runs testdata/cases.json through the real module.
func TestWasmGolden(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			guesttest.RunCase(t, newWasmGuard(t), c)
		})
	}
}

// TestWasmRoundTrip tokenizes in one instance and restores in another, as
// pooled instances do.
func TestWasmRoundTrip(t *testing.T) {
	cfg := []byte(`{"default_action":"tokenize",` + testKey + `}`)
	a, b := newWasmGuard(t), newWasmGuard(t)
	for _, g := range []*guesttest.Guest{a, b} {
		if err := g.Configure(cfg); err != nil {
			t.Fatal(err)
		}
	}
	text := benchPrompt()
	x := &abi.Exchange{Phase: abi.PhaseRequest, RequestID: "w1", Messages: []abi.Message{{Role: "user", Text: text}}}
	var v abi.Verdict
	if err := a.Check(x, &v); err != nil || len(v.Rewrites) != 1 {
		t.Fatalf("request: %+v, %v", v, err)
	}
	y := &abi.Exchange{Phase: abi.PhaseResponse, RequestID: "w1", Annotations: slices.Clone(v.Annotations),
		Response: abi.Response{Status: 200, Messages: []abi.Message{{Role: "assistant", Text: v.Rewrites[0].Text}}}}
	var w abi.Verdict
	if err := b.Check(y, &w); err != nil || len(w.Rewrites) != 1 || w.Rewrites[0].Text != text {
		t.Fatalf("response: %+v, %v", w, err)
	}
}

// benchPrompt is a 2 KB prompt with a few personal data items among
// ordinary prose (also the prompt of benchmarks/dataprotection_test.go).
func benchPrompt() string {
	b, err := os.ReadFile("testdata/prompt-2k.txt")
	if err != nil {
		panic(err)
	}
	return string(b)
}

func benchRequest() []byte {
	x := &abi.Exchange{Phase: abi.PhaseRequest, API: abi.APIOpenAIChat, RequestID: "req-0123456789", Route: "chat",
		Path: "/v1/chat/completions", Model: "gpt-4o",
		Messages: []abi.Message{{Role: "user", Text: benchPrompt()}}}
	return abi.AppendExchange(nil, x)
}

// BenchmarkWasmRequest is the whole host+guest call of the built guard on
// a 2 KB prompt: "defaults" (redact and mask), "tokenize" (every kind
// tokenized and the mapping sealed), "names" (the defaults with PERSON and
// LOCATION redacted too, which scans every capitalised word) and "clean"
// (the same size without personal data). p50-ns is the median call.
func BenchmarkWasmRequest(b *testing.B) {
	clean := abi.AppendExchange(nil, &abi.Exchange{Phase: abi.PhaseRequest, RequestID: "r",
		Messages: []abi.Message{{Role: "user", Text: strings.Repeat("The committee reviewed the quarterly numbers. ", 45)[:2048]}}})
	for _, m := range []struct {
		name, config string
		in           []byte
	}{
		{"defaults", `{}`, benchRequest()},
		{"tokenize", `{"default_action":"tokenize",` + testKey + `}`, benchRequest()},
		{"names", `{"actions":{"PERSON":"redact","LOCATION":"redact"}}`, benchRequest()},
		{"clean", `{}`, clean},
	} {
		b.Run(m.name, func(b *testing.B) {
			g := newWasmGuard(b)
			if err := g.Configure([]byte(m.config)); err != nil {
				b.Fatal(err)
			}
			g.BenchCall(b, "ward_request", m.in)
		})
	}
}

// BenchmarkWasmResponse restores four placeholders in a 2 KB answer.
func BenchmarkWasmResponse(b *testing.B) {
	g := newWasmGuard(b)
	if err := g.Configure([]byte(`{"default_action":"tokenize",` + testKey + `}`)); err != nil {
		b.Fatal(err)
	}
	x := &abi.Exchange{Phase: abi.PhaseRequest, RequestID: "req-0123456789", Messages: []abi.Message{{Role: "user", Text: benchPrompt()}}}
	var v abi.Verdict
	if err := g.Check(x, &v); err != nil || len(v.Rewrites) != 1 {
		b.Fatal(v, err)
	}
	y := &abi.Exchange{Phase: abi.PhaseResponse, RequestID: "req-0123456789", Annotations: slices.Clone(v.Annotations),
		Response: abi.Response{Status: 200, Messages: []abi.Message{{Role: "assistant", Text: strings.Clone(v.Rewrites[0].Text)}}}}
	g.BenchCall(b, "ward_response", abi.AppendExchange(nil, y))
}

// BenchmarkNativeSplit separates, natively, the detector's time from the
// guard's own (merging, rewriting, sealing) on the 2 KB prompt.
func BenchmarkNativeSplit(b *testing.B) {
	text := benchPrompt()
	b.Run("detect", func(b *testing.B) {
		g := &guardUnderTest{}
		g.init(b, `{}`)
		for i := 0; i < b.N; i++ {
			g.detect(text)
		}
	})
	for _, m := range []struct{ name, config string }{{"guard-defaults", `{}`}, {"guard-tokenize", `{"default_action":"tokenize",` + testKey + `}`}} {
		b.Run(m.name, func(b *testing.B) {
			in := configured(b, m.config)
			x := &abi.Exchange{Phase: abi.PhaseRequest, RequestID: "req-0123456789", Messages: []abi.Message{{Role: "user", Text: text}}}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := in.Check(x); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

type guardUnderTest struct{ p *pii }

func (g *guardUnderTest) init(tb testing.TB, config string) {
	g.p = &pii{}
	c, err := ward.ParseConfig([]byte(config))
	if err != nil {
		tb.Fatal(err)
	}
	if err := g.p.configure(c); err != nil {
		tb.Fatal(err)
	}
}

func (g *guardUnderTest) detect(text string) {
	g.p.found = detect.PII(text, g.p.found[:0], &g.p.opt)
}

// BenchmarkWasmCoreRequest is pii's request call of loadbench's core
// pipeline (benchmarks/corepipeline_test.go): its configuration, the
// short system prompt with output's canary appended (the one output
// derives for this route and request id), the 201-byte user question;
// the exchange has nothing to redact, so the guard says done. "plain" is
// the same without the canary.
func BenchmarkWasmCoreRequest(b *testing.B) {
	const filler = "Summarise the main trade-offs between running a reverse proxy in front of an LLM provider and calling the provider directly from each service. "
	x := &abi.Exchange{Phase: abi.PhaseRequest, API: abi.APIOpenAIChat, MaxTokens: 128, Model: "gpt-4o-mini",
		RequestID: "0f9a1c2b3d4e5f60718293a4b5c6d7e8", Route: "openai", Path: "/v1/chat/completions",
		Headers:     []abi.KV{{Key: "authorization", Value: "Bearer ward-demo-analyst-key"}},
		Annotations: []abi.KV{{Key: "client.ip", Value: "127.0.0.1"}, {Key: "identity.subject", Value: "alice"}},
		Messages: []abi.Message{
			{Role: "system", Text: "You are a helpful assistant. Answer briefly and precisely.\n\n[ward:3tw2y8cwvbxqrtx3rcwu]"},
			{Turn: 1, Role: "user", Text: strings.Repeat(filler, 2)[:201]}}}
	g := newWasmGuard(b)
	if err := g.Configure([]byte(`{"tokenize_key":"ward-loadbench-tokenize-key-never-use-in-production","actions":{"EMAIL":"tokenize","CREDIT_CARD":"tokenize"}}`)); err != nil {
		b.Fatal(err)
	}
	b.Run("canary", func(b *testing.B) { g.BenchCall(b, "ward_request", abi.AppendExchange(nil, x)) })
	x.Messages[0].Text = "You are a helpful assistant. Answer briefly and precisely."
	b.Run("plain", func(b *testing.B) { g.BenchCall(b, "ward_request", abi.AppendExchange(nil, x)) })
}

// BenchmarkWasmConversation is an agent's conversation as the guard sees
// it (guesttest.Conversation: each request carries the conversation so
// far, and each turn adds a short user message and a 2 KB tool result;
// conv/N: N turns, no findings), per request, averaged over the
// conversation's requests. The Redactor does not give find the earlier
// messages it found clean before, only the new ones.
func BenchmarkWasmConversation(b *testing.B) {
	guesttest.BenchConversations(b, newWasmGuard, []byte(`{}`), "ward_request", guesttest.AllowsUnchanged)
}
