package ward_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

// coreExchange is an exchange as the core pipeline's guards (auth,
// injection, output, pii) see it in loadbench: one identity header, the
// host's and auth's annotations, a system prompt carrying output's canary
// and a user question; in the response phase also the answer.
func coreExchange(phase abi.Phase) *abi.Exchange {
	x := &abi.Exchange{Phase: phase, API: abi.APIOpenAIChat, MaxTokens: 128,
		RequestID: "0f9a1c2b3d4e5f60718293a4b5c6d7e8", Route: "openai", Path: "/v1/chat/completions", Model: "gpt-4o-mini",
		Headers: []abi.KV{{Key: "authorization", Value: "Bearer ward-demo-analyst-key"}},
		Annotations: []abi.KV{{Key: "client.ip", Value: "127.0.0.1"}, {Key: "auth.method", Value: "api_key"},
			{Key: "identity.subject", Value: "alice"}, {Key: "identity.key_id", Value: "demo-analyst"}, {Key: "identity.roles", Value: "analyst"}},
		Messages: []abi.Message{
			{Role: "system", Text: "You are a helpful assistant. Answer briefly and precisely.\n\n<ward-canary:0123456789abcdef0123456789abcdef>"},
			{Turn: 1, Role: "user", Text: strings.Repeat("Summarise the main trade-offs between running a reverse proxy in front of an LLM provider. ", 2)},
		},
	}
	if phase == abi.PhaseResponse {
		x.Response = abi.Response{Status: 200, FinishReason: "stop", PromptTokens: 34, CompletionTokens: 17,
			Messages: []abi.Message{{Role: "assistant", Text: "Mock answer to: Summarise the main trade-offs between running a reverse proxy in front of an LLM"}}}
	}
	return x
}

// BenchmarkGuestCall is one host+guest call of a guard whose handlers do
// nothing (testdata/nopguard, ZeroCopy) on the core pipeline's exchanges:
// what every call of a Go guard costs besides its own work (copying the
// input in, the SDK's decoding and dispatch, wazero's call).
func BenchmarkGuestCall(b *testing.B) {
	g := newGuestOf(b, "./testdata/nopguard")
	if out, err := g.call("ward_configure", nil); err != nil || out != nil {
		b.Fatal(out, err)
	}
	for _, c := range []struct {
		name   string
		phase  abi.Phase
		export string
	}{{"request", abi.PhaseRequest, "ward_request"}, {"response", abi.PhaseResponse, "ward_response"}} {
		in := abi.AppendExchange(nil, coreExchange(c.phase))
		b.Run(c.name, func(b *testing.B) {
			fn := g.mod.ExportedFunction(c.export)
			ctx := context.Background()
			g.call(c.export, in)
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				g.mod.Memory().Write(g.buf, in)
				g.stack[0], g.stack[1] = uint64(g.buf), uint64(len(in))
				if err := fn.CallWithStack(ctx, g.stack[:]); err != nil || g.stack[0] != 0 {
					b.Fatal(err, g.stack[0])
				}
			}
		})
	}
}
