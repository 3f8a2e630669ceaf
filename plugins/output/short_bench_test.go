package output

import (
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

// The exchange of benchmarks/cmd/loadbench (the core pipeline's load): a
// one-sentence system prompt, a ~200-byte user question and the mock
// upstream's one-line answer, with loadbench's output config (canary and
// prompt runs). Both phases, as each load request runs them:
//
//	go test -run '^$' -bench BenchmarkWasmShortExchange -benchtime 5000x -count 6 ./plugins/output/
const shortConfig = `{"canary_key":"ward-loadbench-canary-key-never-use-in-production","min_run_words":12}`

func shortExchange(phase abi.Phase) *abi.Exchange {
	const filler = "Summarise the main trade-offs between running a reverse proxy in front of an LLM provider and calling the provider directly from each service. "
	x := &abi.Exchange{Phase: phase, API: abi.APIOpenAIChat, RequestID: "4f1c2a9e7b3d5a60000000000000a1b2", Route: "openai",
		Path: "/v1/chat/completions", Model: "gpt-4o-mini",
		Headers: []abi.KV{{Key: "content-type", Value: "application/json"}, {Key: "user-agent", Value: "wrk"}},
		Messages: []abi.Message{
			{Role: "system", Text: "You are a helpful assistant. Answer briefly and precisely."},
			{Turn: 1, Role: "user", Text: strings.TrimSpace((filler + filler)[:203])},
		}}
	if phase == abi.PhaseResponse {
		x.Messages[0].Text += "\n\n" + canaryOpen + newCanaryMaker("ward-loadbench-canary-key-never-use-in-production").canary(x.Route, x.RequestID) + canaryClose
		x.Response = abi.Response{Status: 200, Messages: []abi.Message{{Role: "assistant",
			Text: "Mock answer to: Summarise the main trade-offs between running a reverse proxy in front of an LLM"}}}
	}
	return x
}

func BenchmarkWasmShortExchange(b *testing.B) {
	for _, c := range []struct {
		name  string
		phase abi.Phase
	}{{"request", abi.PhaseRequest}, {"response", abi.PhaseResponse}} {
		phase := c.phase
		b.Run(c.name, func(b *testing.B) {
			g := newWasmGuard(b)
			if err := g.Configure([]byte(shortConfig)); err != nil {
				b.Fatal(err)
			}
			var v abi.Verdict
			if err := g.Check(shortExchange(phase), &v); err != nil || (phase == abi.PhaseRequest) != (len(v.Rewrites) == 1) || len(v.Reasons) != 0 {
				b.Fatalf("%s: verdict %+v %v", c.name, v, err)
			}
			g.BenchCall(b, "ward_"+c.name, abi.AppendExchange(nil, shortExchange(phase)))
		})
	}
}
