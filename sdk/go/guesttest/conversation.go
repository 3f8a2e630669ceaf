package guesttest

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/sdk/abi"
)

// Conversation returns the request exchanges of an agent's conversation
// of turns turns, encoded: each turn adds a short user message and a tool
// result of docBytes bytes, and each request carries the conversation so
// far, as a stateless chat API's client sends it. n numbers the
// conversation: every one has texts of its own, so that nothing a guard
// remembers of one helps with another.
func Conversation(n, turns, docBytes int) [][]byte {
	const para = "The harbour authority published its yearly tonnage figures, a note on dredging and the berth schedule. "
	x := &abi.Exchange{Phase: abi.PhaseRequest, API: abi.APIOpenAIChat, RequestID: "req-" + strconv.Itoa(n), Route: "chat",
		Path: "/v1/chat/completions", Model: "gpt-4o", Messages: []abi.Message{{Role: "system", Text: "You are a research agent."}}}
	ins := make([][]byte, 0, turns)
	for t := 1; t <= turns; t++ {
		id := strconv.Itoa(n) + "." + strconv.Itoa(t)
		doc := "Result " + id + ": " + strings.Repeat(para, docBytes/len(para)+1)
		x.Messages = append(x.Messages,
			abi.Message{Turn: uint32(t), Role: "user", Text: "Look up source " + id + ", please."},
			abi.Message{Turn: uint32(t), Role: "tool", Kind: abi.KindToolResult, Text: doc[:docBytes]})
		ins = append(ins, abi.AppendExchange(nil, x))
	}
	return ins
}

// BenchConversation runs conversations of turns turns (Conversation, 2 KB
// tool results) through export of g until b.N requests have been made, and
// reports the time per request ("ns/request": ns/op counts b.N, the
// requests made may be up to turns-1 more) and the process's CPU time per
// request ("cpu-ns/request"). Building the exchanges is not timed. check
// is called with every answer.
func (g *Guest) BenchConversation(b *testing.B, export string, turns int, check func(tb testing.TB, out []byte)) {
	b.ReportAllocs()
	b.ResetTimer()
	b.StopTimer()
	var cpu time.Duration
	calls := 0
	for n := 0; calls < b.N; n++ {
		ins := Conversation(n, turns, 2048)
		b.StartTimer()
		c0 := ProcessCPU()
		for _, in := range ins {
			out, err := g.Call(export, in)
			if err != nil {
				b.Fatal(err)
			}
			check(b, out)
			calls++
		}
		cpu += ProcessCPU() - c0
		b.StopTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(calls), "ns/request")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(calls), "cpu-ns/request")
	}
}

// ConversationTurns are the conversation lengths BenchConversations runs.
var ConversationTurns = []int{1, 4, 16}

// BenchConversations runs BenchConversation as sub-benchmarks conv/N for
// each of ConversationTurns, each on a guest newGuest makes, configured
// with config.
func BenchConversations(b *testing.B, newGuest func(testing.TB) *Guest, config []byte, export string, check func(tb testing.TB, out []byte)) {
	for _, turns := range ConversationTurns {
		b.Run("conv/"+strconv.Itoa(turns), func(b *testing.B) {
			g := newGuest(b)
			if err := g.Configure(config); err != nil {
				b.Fatal(err)
			}
			g.BenchConversation(b, export, turns, check)
		})
	}
}

// AllowsUnchanged fails tb unless out (a handler's output) allows and
// rewrites nothing.
func AllowsUnchanged(tb testing.TB, out []byte) {
	tb.Helper()
	var v abi.Verdict
	if err := abi.DecodeVerdict(out, &v); err != nil || v.Decision != abi.Allow || len(v.Rewrites) > 0 {
		tb.Fatalf("verdict %+v, %v: want an allow that rewrites nothing", v, err)
	}
}
