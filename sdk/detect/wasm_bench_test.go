package detect

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// The Wasm benchmark runs the detectors where the gateway runs them: in a
// Go guest (testdata/benchguest, built for wasip1 by guesttest) called
// through wazero with the native ABI. The guest reports its finding counts
// as scores (count/1000), which are checked against native runs so a
// benchmark never measures a guest that finds something else.

const benchGuestDir = "testdata/benchguest"

// newBenchGuest builds (once per process) and instantiates the bench guard
// in mode ("none", "pii", "secrets" or "both").
func newBenchGuest(tb testing.TB, mode string) *guesttest.Guest {
	tb.Helper()
	g := guesttest.New(tb, guesttest.Build(tb, benchGuestDir), nil)
	if err := g.Configure(fmt.Appendf(nil, `{"mode":%q}`, mode)); err != nil {
		tb.Fatal(err)
	}
	return g
}

// guestCounts runs the guest on text and returns its PII and secrets
// finding counts.
func guestCounts(tb testing.TB, g *guesttest.Guest, text string, v *abi.Verdict) (pii, sec int) {
	tb.Helper()
	x := abi.Exchange{Phase: abi.PhaseRequest, Messages: []abi.Message{{Role: "user", Text: text}}}
	if err := g.Check(&x, v); err != nil {
		tb.Fatal(err)
	}
	pii, sec = -1, -1
	for _, s := range v.Scores {
		n := int(math.Round(s.Value * 1000))
		switch s.Name {
		case "pii":
			pii = n
		case "secrets":
			sec = n
		}
	}
	if pii < 0 || sec < 0 {
		tb.Fatalf("guest verdict lacks pii/secrets scores: %+v", v)
	}
	return pii, sec
}

// TestWasmDetectMatchesNative checks that the detectors compiled to Wasm
// find as many PII and secrets findings as natively.
func TestWasmDetectMatchesNative(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Wasm guest")
	}
	g := newBenchGuest(t, "both")
	texts := []string{benchPrompt, secBenchPrompt(false), secBenchPrompt(true), ""}
	for _, c := range []string{
		"Call me at (415) 555-0132 or +1 415 555 0132.",
		"IBAN: DE89 3704 0044 0532 0130 00. eth 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
		"from 192.168.1.1, 10.0.0.0/8 and 2001:db8::1; MAC 00:1A:2B:3C:4D:5E",
		"Hi, my name is Alice Johnson; she lives in Springfield now, near London. born 12 March 1990",
	} {
		texts = append(texts, c)
	}
	var v abi.Verdict
	for _, text := range texts {
		pii, sec := guestCounts(t, g, text, &v)
		if want := len(PII(text, nil, nil)); pii != want {
			t.Errorf("PII in Wasm found %d, natively %d, in %.60q", pii, want, text)
		}
		if want := len(Secrets(text, nil)); sec != want {
			t.Errorf("Secrets in Wasm found %d, natively %d, in %.60q", sec, want, text)
		}
	}
}

// BenchmarkWasmDetect measures a whole host-to-guest call (ABI encode,
// copy in, decode in the guest, detectors, verdict) per 2 KB prompt, for
// each mode; "none" is the cost of the call alone, to subtract. Besides
// ns/op (the mean) it reports the median and 99th percentile of single
// calls (p50-ns, p99-ns): the gateway's budget is set on the median.
//
//	go test -run '^$' -bench BenchmarkWasmDetect -count 3 ./sdk/detect/
func BenchmarkWasmDetect(b *testing.B) {
	prompts := []struct{ name, text string }{
		{"prompt=pii-2KB", benchPrompt},              // BenchmarkPII's prompt
		{"prompt=secrets-2KB", secBenchPrompt(true)}, // BenchmarkSecrets/2KB-two-secrets
	}
	for _, p := range prompts {
		for _, mode := range []string{"none", "pii", "secrets", "both"} {
			b.Run(p.name+"/mode="+mode, func(b *testing.B) {
				g := newBenchGuest(b, mode)
				var v abi.Verdict
				pii, sec := guestCounts(b, g, p.text, &v)
				if mode == "pii" || mode == "both" {
					if want := len(PII(p.text, nil, nil)); pii != want {
						b.Fatalf("PII in Wasm found %d, natively %d", pii, want)
					}
				}
				if mode == "secrets" || mode == "both" {
					if want := len(Secrets(p.text, nil)); sec != want {
						b.Fatalf("Secrets in Wasm found %d, natively %d", sec, want)
					}
				}
				benchGuestCalls(b, g, p.text)
			})
		}
	}
}

// benchGuestCalls times g on text, reporting the median and 99th
// percentile of single calls besides the mean.
func benchGuestCalls(b *testing.B, g *guesttest.Guest, text string) {
	var v abi.Verdict
	x := abi.Exchange{Phase: abi.PhaseRequest, Messages: []abi.Message{{Role: "user", Text: text}}}
	var lat guesttest.Latencies
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if err := g.Check(&x, &v); err != nil {
			b.Fatal(err)
		}
		lat.Add(time.Since(t0))
	}
	b.StopTimer()
	lat.Report(b)
}

// proseBenchPrompt is 2 KB of prose without personal data (the "clean"
// prompt of plugins/pii's BenchmarkWasmRequest).
var proseBenchPrompt = strings.Repeat("The committee reviewed the quarterly numbers. ", 45)[:2048]

// guardBenchPrompt is plugins/pii's benchmark prompt: 2 KB of prose with
// five items of personal data.
var guardBenchPrompt = func() string {
	para := "The committee reviewed the quarterly numbers and asked the team to prepare a short summary of the findings for the board. "
	var b strings.Builder
	b.WriteString("Please draft a reply to Jane (jane.doe@example.com, +1 415 555 0132) about invoice 2024-117. ")
	for b.Len() < 1500 {
		b.WriteString(para)
	}
	b.WriteString("Her card on file is 4111 1111 1111 1111 and the refund goes to IBAN DE89 3704 0044 0532 0130 00. ")
	for b.Len() < 2048 {
		b.WriteString(para)
	}
	return b.String()[:2048]
}()

// BenchmarkWasmPIIFamilies splits PII's cost inside Wasm by detector
// family (PIIOptions.Kinds selects the families that run), on the dense
// benchmark prompt, on prose without personal data, and on lower-case
// prose (no capitalised word nor birth word: the bare cost of the skip
// loops).
//
//	go test -run '^$' -bench BenchmarkWasmPIIFamilies -count 3 ./sdk/detect/
func BenchmarkWasmPIIFamilies(b *testing.B) {
	families := []struct{ name, kinds string }{
		{"all", ""},
		{"at", "EMAIL,URL_CREDENTIALS"},
		{"tokens", "PHONE,CREDIT_CARD,IBAN,US_SSN,CRYPTO,UK_NHS,ES_NIF,ES_NIE,IT_FISCAL_CODE,IN_AADHAAR,IN_PAN,AU_TFN,AU_ABN,AU_ACN,AU_MEDICARE,SG_NRIC"},
		{"net", "IP_ADDRESS,MAC_ADDRESS"},
		{"words", "DATE_OF_BIRTH,PERSON,LOCATION"},
		{"dob", "DATE_OF_BIRTH"},
		// plugins/pii's default: every kind its built-in actions do not allow.
		{"guard-default", "EMAIL,PHONE,CREDIT_CARD,IBAN,US_SSN,CRYPTO,URL_CREDENTIALS,UK_NHS,ES_NIF,ES_NIE,IT_FISCAL_CODE,IN_AADHAAR,IN_PAN,AU_TFN,AU_MEDICARE,SG_NRIC,DATE_OF_BIRTH"},
	}
	for _, p := range []struct{ name, text string }{{"pii-2KB", benchPrompt}, {"guard-2KB", guardBenchPrompt}, {"prose-2KB", proseBenchPrompt}, {"lower-2KB", strings.Repeat("the committee reviewed the quarterly results. ", 45)[:2048]}} {
		for _, f := range families {
			b.Run("prompt="+p.name+"/family="+f.name, func(b *testing.B) {
				g := guesttest.New(b, guesttest.Build(b, benchGuestDir), nil)
				if err := g.Configure(fmt.Appendf(nil, `{"mode":"pii","kinds":%q}`, f.kinds)); err != nil {
					b.Fatal(err)
				}
				benchGuestCalls(b, g, p.text)
			})
		}
	}
}
