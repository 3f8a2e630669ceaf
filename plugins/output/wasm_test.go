package output

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
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

// TestWasmCanaryRoundTrip adds the canary in one instance and finds it in
// another, as pooled instances do: nothing but the key is shared.
func TestWasmCanaryRoundTrip(t *testing.T) {
	cfg := []byte(`{"canary_key":"` + testCanaryKey + `"}`)
	a, b := newWasmGuard(t), newWasmGuard(t)
	for _, g := range []*guesttest.Guest{a, b} {
		if err := g.Configure(cfg); err != nil {
			t.Fatal(err)
		}
	}
	x := benchExchangeNoCanary(t)
	x.Phase = abi.PhaseRequest
	var v abi.Verdict
	if err := a.Check(x, &v); err != nil || len(v.Rewrites) != 1 || v.Rewrites[0].Index != 0 {
		t.Fatalf("request: %+v, %v", v, err)
	}
	x.Messages[0].Text = strings.Clone(v.Rewrites[0].Text)
	x.Phase = abi.PhaseResponse
	x.Response.Messages[0].Text = "Here you go: " + x.Messages[0].Text[len(x.Messages[0].Text)-27:] + " done"
	if err := b.Check(x, &v); err != nil || len(v.Rewrites) != 1 || v.Rewrites[0].Text != "Here you go: [SYSTEM_PROMPT] done" {
		t.Fatalf("response: %+v, %v", v, err)
	}
}

func readTestdata(tb testing.TB, name string) string {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// benchExchange is the response phase of an exchange with a ~600-byte
// system prompt (ending with the canary of testCanaryKey, as the request
// phase leaves it), a short user question and a clean 2 KB answer
// (testdata/answer-2k.txt, customer-support prose).
func benchExchange(tb testing.TB) *abi.Exchange {
	x := benchExchangeNoCanary(tb)
	x.Messages[0].Text += "\n\n" + canaryOpen + newCanaryMaker(testCanaryKey).canary(x.Route, x.RequestID) + canaryClose
	return x
}

// benchExchangeNoCanary is benchExchange before the request phase added
// the canary to the system prompt.
func benchExchangeNoCanary(tb testing.TB) *abi.Exchange {
	return &abi.Exchange{Phase: abi.PhaseResponse, API: abi.APIOpenAIChat, RequestID: "req-0123456789", Route: "chat",
		Path: "/v1/chat/completions", Model: "gpt-4o",
		Messages: []abi.Message{
			{Role: "system", Text: readTestdata(tb, "system-prompt.txt")},
			{Turn: 1, Role: "user", Text: "Where is my order? And is the two-person tent good for winter?"},
		},
		Response: abi.Response{Status: 200, Messages: []abi.Message{{Role: "assistant", Text: readTestdata(tb, "answer-2k.txt")}}}}
}

// benchConfigs are the variants BenchmarkWasmResponse measures: the
// defaults (with and without a canary), each part alone ("nothing" is the
// SDK and host alone), and the defaults with the opt-in parts.
var benchConfigs = []struct{ name, config string }{
	{"defaults", `{"canary_key":"` + testCanaryKey + `"}`},
	{"defaults-no-canary", `{}`},
	{"only-canary", `{"canary_key":"` + testCanaryKey + `","actions":{"secret":"allow","pii":"allow"}}`},
	{"only-prompt-runs", `{"min_run_words":12,"actions":{"secret":"allow","pii":"allow"}}`},
	{"only-lists", `{"actions":{"secret":"allow","pii":"allow"},` + benchLists + `}`},
	{"only-secrets", `{"actions":{"pii":"allow"}}`},
	{"only-pii-default-kinds", `{"actions":{"secret":"allow"}}`},
	{"only-pii-all-kinds", `{"actions":{"secret":"allow"},"pii_kinds":["EMAIL","PHONE","CREDIT_CARD","IBAN","US_SSN","IP_ADDRESS","MAC_ADDRESS","CRYPTO","URL_CREDENTIALS","UK_NHS","ES_NIF","ES_NIE","IT_FISCAL_CODE","IN_AADHAAR","IN_PAN","AU_TFN","AU_ABN","AU_ACN","AU_MEDICARE","SG_NRIC","DATE_OF_BIRTH","PERSON","LOCATION"]}`},
	{"nothing", `{"actions":{"secret":"allow","pii":"allow"}}`},
	{"defaults+runs", `{"canary_key":"` + testCanaryKey + `","min_run_words":12}`},
	{"defaults+lists", `{"canary_key":"` + testCanaryKey + `",` + benchLists + `}`},
}

// benchLists is 50 deny terms, 5 patterns and 10 allowed values.
var benchLists = func() string {
	var b strings.Builder
	b.WriteString(`"deny_terms":[`)
	for i := range 50 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"codename-` + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `"`)
	}
	b.WriteString(`],"deny_patterns":["INV-\\d{6}","PRJ-\\a{3}-\\d+","\\w+.corp.internal","ticket #\\d{5}","\\x{8}-deadbeef"],"allow":[`)
	for i := range 10 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"public-` + string(rune('a'+i)) + `@northwind.example"`)
	}
	b.WriteString(`]`)
	return b.String()
}()

// BenchmarkWasmResponse is the whole host+guest call of the built guard
// on the response phase of benchExchange (2 KB clean answer), per config
// variant. p50-ns is the median call.
//
//	go test -run '^$' -bench BenchmarkWasmResponse -count 6 ./plugins/output/
func BenchmarkWasmResponse(b *testing.B) {
	in := abi.AppendExchange(nil, benchExchange(b))
	for _, m := range benchConfigs {
		b.Run(m.name, func(b *testing.B) {
			g := newWasmGuard(b)
			if err := g.Configure([]byte(m.config)); err != nil {
				b.Fatal(err)
			}
			var v abi.Verdict
			if err := g.Check(benchExchange(b), &v); err != nil || !v.IsPlainAllow() {
				b.Fatalf("the clean answer is not a plain allow: %+v %v", v, err)
			}
			g.BenchCall(b, "ward_response", in)
		})
	}
	// The canary derived (HMAC-SHA256) rather than read back from the
	// system message: what a response costs when the system message was
	// rewritten after the request phase.
	b.Run("defaults-canary-derived", func(b *testing.B) {
		g := newWasmGuard(b)
		if err := g.Configure([]byte(benchConfigs[0].config)); err != nil {
			b.Fatal(err)
		}
		g.BenchCall(b, "ward_response", abi.AppendExchange(nil, benchExchangeNoCanary(b)))
	})
}

// BenchmarkWasmResponseLeak is the same answer with a secret, an e-mail
// address and the canary in it: the cost of redacting.
func BenchmarkWasmResponseLeak(b *testing.B) {
	x := benchExchange(b)
	g := newWasmGuard(b)
	if err := g.Configure([]byte(benchConfigs[0].config)); err != nil {
		b.Fatal(err)
	}
	tok := newCanaryMaker(testCanaryKey).canary(x.Route, x.RequestID)
	text := x.Response.Messages[0].Text
	x.Response.Messages[0].Text = text[:600] + " write to someone@corp.example; key 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; [ward:" + tok + "] " + text[700:]
	var v abi.Verdict
	if err := g.Check(x, &v); err != nil || len(v.Rewrites) != 1 || strings.Count(v.Rewrites[0].Text, "[") != 3 {
		b.Fatalf("leak not redacted: %+v %v", v, err)
	}
	g.BenchCall(b, "ward_response", abi.AppendExchange(nil, x))
}

// BenchmarkWasmRequest is the request phase: the canary added to the
// system prompt.
func BenchmarkWasmRequest(b *testing.B) {
	x := benchExchangeNoCanary(b)
	x.Phase = abi.PhaseRequest
	x.Response = abi.Response{}
	g := newWasmGuard(b)
	if err := g.Configure([]byte(benchConfigs[0].config)); err != nil {
		b.Fatal(err)
	}
	g.BenchCall(b, "ward_request", abi.AppendExchange(nil, x))
}
