package examples

import (
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/conformance"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// BenchmarkKeyword measures one ward_request call of the keyword guard in
// each language (host encode + wazero call + guest decode, scan of every
// user message for two keywords, verdict decode), on an exchange of about
// 1 KB and 16 KB that contains no keyword, so the whole text is scanned:
//
//	go test -run '^$' -bench BenchmarkKeyword -benchmem ./sdk/examples/
//
// It runs without fuel instrumentation (guesttest loads modules as they
// are), so it is the cost of the SDK and the language, not of Ward's CPU
// bound.
func BenchmarkKeyword(b *testing.B) {
	for _, k := range keywordGuards {
		wasm := conformance.BuildTB(b, k.lang, k.dir)
		for _, size := range []int{1 << 10, 16 << 10} {
			name := string(k.lang) + "/1KB"
			if size > 1<<10 {
				name = string(k.lang) + "/16KB"
			}
			b.Run(name, func(b *testing.B) {
				g := guesttest.New(b, wasm, nil)
				if err := g.Configure([]byte(`{"keywords":["secret","launch code"]}`)); err != nil {
					b.Fatal(err)
				}
				g.BenchCall(b, "ward_request", abi.AppendExchange(nil, benchExchange(size)))
			})
		}
	}
}

// benchExchange is a chat exchange of about size bytes: a system prompt and
// user and assistant turns of prose.
func benchExchange(size int) *abi.Exchange {
	prose := "The quick brown fox jumps over the lazy dog while the committee reviews the quarterly plan. "
	turn := strings.Repeat(prose, (size/4)/len(prose)+1)[:size/4]
	return &abi.Exchange{
		Phase: abi.PhaseRequest, API: abi.APIOpenAIChat, RequestID: "bench", Route: "chat", Path: "/v1/chat/completions", Model: "m",
		Messages: []abi.Message{
			{Turn: 0, Role: "system", Text: turn},
			{Turn: 1, Role: "user", Text: turn},
			{Turn: 2, Role: "assistant", Text: turn},
			{Turn: 3, Role: "user", Text: turn},
		},
	}
}
