package denylist

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// This file drives the guard built with GOOS=wasip1 through
// sdk/go/guesttest, a native-ABI harness: it proves that sdk/go's exports
// follow sdk/ABI.md end to end, and measures what a call costs.

// newWasmGuard instantiates the guard (built once per test binary) as a
// host should: with a real monotonic clock. Under wazero's default fake
// clock (1 ms per reading) a Go guest that allocated 16 KB a call stopped
// reclaiming memory after ~17k calls and grew by the full garbage of every
// call (4 MB -> 400 MB in 40k calls); with WithSysNanotime it stayed at
// 7.9 MB.
func newWasmGuard(tb testing.TB) *guesttest.Guest {
	tb.Helper()
	return guesttest.New(tb, guesttest.Build(tb, "./module"), nil)
}

func mustConfigure(tb testing.TB, g *guesttest.Guest, config string) {
	tb.Helper()
	if err := g.Configure([]byte(config)); err != nil {
		tb.Fatalf("ward_configure(%s): %v", config, err)
	}
}

func TestWasmDescribe(t *testing.T) {
	d, err := newWasmGuard(t).Describe()
	if err != nil {
		t.Fatal(err)
	}
	guard := New()
	want := guard.Description()
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("describe = %+v, want %+v", d, want)
	}
}

// TestWasmGolden runs testdata/cases.json through the real module.
func TestWasmGolden(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			g := newWasmGuard(t)
			guesttest.RunCase(t, g, c)
			if c.Verdict == nil || c.Verdict.Decision != abi.Allow {
				return
			}
			// A plain allow costs nothing: the packed result is 0.
			out, err := g.Call("ward_request", abi.AppendExchange(nil, c.Exchange))
			if err != nil {
				t.Fatal(err)
			}
			if v := guesttest.NormalizeVerdict(*c.Verdict); v.IsPlainAllow() && out != nil {
				t.Fatalf("plain allow encoded as %d bytes, want packed 0", len(out))
			}
		})
	}
}

func TestWasmABIEdges(t *testing.T) {
	x := &abi.Exchange{Phase: abi.PhaseRequest, Messages: []abi.Message{{Role: "user", Text: "the secret word"}}}
	enc := abi.AppendExchange(nil, x)

	t.Run("unregistered phases allow", func(t *testing.T) {
		g := newWasmGuard(t)
		mustConfigure(t, g, `{"phrases":["secret"]}`)
		for _, fn := range []string{"ward_response", "ward_response_chunk"} {
			if out, err := g.Call(fn, enc); err != nil || out != nil {
				t.Fatalf("%s = %q, %v; want plain allow", fn, out, err)
			}
		}
	})
	t.Run("inputs reuse and outgrow the buffer", func(t *testing.T) {
		g := newWasmGuard(t)
		mustConfigure(t, g, `{"phrases":["secret"]}`)
		big := &abi.Exchange{Phase: abi.PhaseRequest, Messages: []abi.Message{
			{Role: "user", Text: strings.Repeat("lorem ipsum ", 20000)},
			{Role: "user", Text: "secret"},
		}}
		for i, in := range [][]byte{enc, abi.AppendExchange(nil, big), enc} {
			out, err := g.Call("ward_request", in)
			if err != nil {
				t.Fatal(err)
			}
			var v abi.Verdict
			if err := abi.DecodeVerdict(out, &v); err != nil || v.Decision != abi.Deny {
				t.Fatalf("call %d: verdict %+v, %v", i, v, err)
			}
		}
	})
	t.Run("handler before configure traps", func(t *testing.T) {
		g := newWasmGuard(t)
		if _, err := g.Call("ward_request", enc); err == nil {
			t.Fatal("ward_request before ward_configure succeeded")
		}
	})
	t.Run("malformed exchange traps", func(t *testing.T) {
		g := newWasmGuard(t)
		mustConfigure(t, g, `{"phrases":["secret"]}`)
		if _, err := g.Call("ward_request", enc[:len(enc)-1]); err == nil {
			t.Fatal("truncated exchange accepted")
		}
	})
	t.Run("config that is not an object", func(t *testing.T) {
		g := newWasmGuard(t)
		var ce *guesttest.ConfigError
		if err := g.Configure([]byte(`["secret"]`)); !errors.As(err, &ce) || ce.Key != "" || !strings.Contains(ce.Msg, "not a JSON object") {
			t.Fatalf("ward_configure: %v", err)
		}
	})
}

// TestWasmMemoryBounded checks that garbage made per call (each denial
// builds its message) is collected: memory must stay flat over many calls.
func TestWasmMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("40k calls")
	}
	testMemoryBounded(t, newWasmGuard(t))
}

func testMemoryBounded(t *testing.T, g *guesttest.Guest) {
	in := benchExchange(4 << 10)
	mustConfigure(t, g, `{"phrases":["lazy dog"]}`)
	// ~200 bytes of garbage a call, 8 MB in all: more than the guest's
	// steady-state memory (7.9 MB measured) may grow by if it is collected.
	for i := 1; i <= 40000; i++ {
		if _, err := g.Call("ward_request", in); err != nil {
			t.Fatal(i, err)
		}
	}
	if end := g.Module().Memory().Size(); end > 12<<20 {
		t.Fatalf("guest memory is %d KiB after 40k calls, want <= 12 MiB", end>>10)
	}
}

// benchExchange returns a request of about size bytes of user/system text
// that matches none of benchPhrases.
func benchExchange(size int) []byte {
	x := &abi.Exchange{Phase: abi.PhaseRequest, API: abi.APIOpenAIChat, RequestID: "req-0123456789",
		Route: "chat", Path: "/v1/chat/completions", Model: "gpt-4o"}
	x.Messages = append(x.Messages, abi.Message{Role: "system", Text: "You are a helpful assistant. Answer briefly."})
	para := "The quick brown fox jumps over the lazy dog while the committee reviews the quarterly numbers. "
	for turn := uint32(1); abi.ExchangeSize(x) < size; turn++ {
		n := size - abi.ExchangeSize(x) - 40
		text := strings.Repeat(para, n/len(para)+1)
		if n < 0 {
			n = 0
		}
		if n > 2000 {
			n = 2000
		}
		x.Messages = append(x.Messages, abi.Message{Turn: turn, Role: "user", Text: text[:n]})
	}
	return abi.AppendExchange(nil, x)
}

const benchPhrases = `["ignore previous instructions","reveal the system prompt","developer mode","jailbreak",` +
	`"do anything now","disregard all rules","pretend you are","without any restrictions","api key","password dump"]`

// BenchmarkWasmRequest is the whole host+guest call of the built guard:
// write the exchange into guest memory, ward_request, read the verdict.
// "scan" scans every message with 10 phrases; "skip" configures roles that
// no message has, so the guard does nothing: the SDK and host overhead;
// "deny" matches early in the first user message.
func BenchmarkWasmRequest(b *testing.B) {
	for _, size := range []int{1 << 10, 16 << 10} {
		in := benchExchange(size)
		for _, mode := range []struct{ name, config string }{
			{"scan", `{"phrases":` + benchPhrases + `}`},
			{"skip", `{"phrases":` + benchPhrases + `,"roles":["assistant"]}`},
			{"deny", `{"phrases":["lazy dog"]}`},
		} {
			b.Run(fmt.Sprintf("%s/%dKB", mode.name, size>>10), func(b *testing.B) {
				g := newWasmGuard(b)
				mustConfigure(b, g, mode.config)
				var v abi.Verdict
				b.SetBytes(int64(len(in)))
				b.ReportAllocs()
				b.ResetTimer()
				cpu := guesttest.ProcessCPU()
				for i := 0; i < b.N; i++ {
					out, err := g.Call("ward_request", in)
					if err != nil {
						b.Fatal(err)
					}
					if err := abi.DecodeVerdict(out, &v); err != nil || (v.Decision == abi.Deny) != (mode.name == "deny") {
						b.Fatalf("verdict %+v, %v", v, err)
					}
				}
				if cpu > 0 {
					b.ReportMetric(float64(guesttest.ProcessCPU()-cpu)/float64(b.N), "cpu-ns/op")
				}
			})
		}
	}
}

// BenchmarkFind is the matcher alone, natively, for comparison.
func BenchmarkFind(b *testing.B) {
	var phrases []string
	if err := json.Unmarshal([]byte(benchPhrases), &phrases); err != nil {
		b.Fatal(err)
	}
	m, _, err := newMatcher(phrases, false, false)
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat("The quick brown fox jumps over the lazy dog. ", 16<<10/45)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	cpu := guesttest.ProcessCPU()
	for i := 0; i < b.N; i++ {
		if _, ok := m.Find(text); ok {
			b.Fatal("match")
		}
	}
	if cpu > 0 {
		b.ReportMetric(float64(guesttest.ProcessCPU()-cpu)/float64(b.N), "cpu-ns/op")
	}
}
