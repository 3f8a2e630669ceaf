//go:build !race

package exchange

import (
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

// TestHotPathAllocs pins the zero-allocation steady state of a reused
// Request/Response: Parse (escaped texts included), Rewrite into a
// sized dst, and AppendErrorBody.
func TestHotPathAllocs(t *testing.T) {
	chat := chatBody(16 << 10)
	anth := []byte(`{"system":"s","messages":[{"role":"user","content":[{"type":"text","text":"caf\u00e9 \"q\""},{"type":"tool_result","tool_use_id":"t1","content":"r"}]},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"n","input":{"a":1}}]}],"tools":[{"name":"n","description":"d"}]}`)
	resp := []byte(`{"choices":[{"message":{"role":"assistant","content":"hi","tool_calls":[{"id":"c","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2}}`)
	sysLast := []byte(`{"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}],"system":"s"}`)
	all := []bool{true, true, true}
	var r Request
	var rs Response
	dst := make([]byte, 0, 64<<10)
	dirty := []bool{true, false, true}
	tests := []struct {
		name string
		fn   func()
	}{
		{"parse chat 16KB", func() { must(t, r.Parse(abi.APIOpenAIChat, chat)) }},
		{"parse anthropic", func() { must(t, r.Parse(abi.APIAnthropicMessages, anth)) }},
		{"parse response", func() { must(t, rs.Parse(abi.APIOpenAIChat, 200, resp)) }},
		{"rewrite", func() {
			must(t, r.Parse(abi.APIOpenAIChat, chat))
			r.X.Messages[0].Text = "new\n"
			_, err := r.Rewrite(dst[:0], chat, dirty)
			must(t, err)
		}},
		{"rewrite out of body order", func() {
			must(t, r.Parse(abi.APIAnthropicMessages, sysLast))
			_, err := r.Rewrite(dst[:0], sysLast, all)
			must(t, err)
		}},
		{"error body", func() { AppendErrorBody(dst[:0], abi.APIAnthropicMessages, 403, "denied", "blocked \"by\" policy") }},
		{"detect", func() { DetectAPI([]byte("POST"), []byte("/v1/chat/completions")) }},
	}
	for _, tt := range tests {
		tt.fn() // warm up buffers
		if n := testing.AllocsPerRun(50, tt.fn); n != 0 {
			t.Errorf("%s: %v allocs, want 0", tt.name, n)
		}
	}
}

func must(t *testing.T, err error) {
	if err != nil {
		t.Fatal(err)
	}
}
