package exchange

import (
	"strconv"
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

// chatBody builds a realistic chat body of about size bytes: a system
// prompt, alternating turns, a multi-part user turn, a tool call and its
// result, and a tool definition.
func chatBody(size int) []byte {
	var b strings.Builder
	b.WriteString(`{"model":"gpt-4o-mini","stream":false,"max_tokens":512,"temperature":0.2,"messages":[`)
	b.WriteString(`{"role":"system","content":"You are a helpful assistant. Answer briefly and cite sources."},`)
	b.WriteString(`{"role":"user","content":[{"type":"text","text":"Look at this picture"},{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]},`)
	b.WriteString(`{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"search","arguments":"{\"q\":\"cats\"}"}}]},`)
	b.WriteString(`{"role":"tool","tool_call_id":"call_1","content":"Cats are small carnivorous mammals \u2014 \"felis catus\"."},`)
	for i := 0; b.Len() < size-300; i++ {
		role := "user"
		if i%2 == 1 {
			role = "assistant"
		}
		b.WriteString(`{"role":"` + role + `","content":"Turn ` + strconv.Itoa(i) + `: the quick brown fox jumps over the lazy dog, and then it asks a question about the weather in Paris."},`)
	}
	b.WriteString(`{"role":"user","content":"Thanks!"}],"tools":[{"type":"function","function":{"name":"search","description":"Web search","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}}]}`)
	return []byte(b.String())
}

func BenchmarkParseChat(b *testing.B) {
	for _, size := range []int{1 << 10, 16 << 10} {
		body := chatBody(size)
		b.Run(strconv.Itoa(len(body))+"B", func(b *testing.B) {
			var r Request
			if err := r.Parse(abi.APIOpenAIChat, body); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if err := r.Parse(abi.APIOpenAIChat, body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRewriteChat(b *testing.B) {
	body := chatBody(16 << 10)
	var r Request
	if err := r.Parse(abi.APIOpenAIChat, body); err != nil {
		b.Fatal(err)
	}
	dirty := make([]bool, len(r.X.Messages))
	dirty[len(dirty)-1] = true
	r.X.Messages[len(dirty)-1].Text = "Thanks, [REDACTED]!"
	dst := make([]byte, 0, 2*len(body))
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var err error
		if dst, err = r.Rewrite(dst[:0], body, dirty); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseAnthropicResponse(b *testing.B) {
	body := []byte(`{"id":"msg_01","type":"message","role":"assistant","model":"claude","content":[{"type":"text","text":"` +
		strings.Repeat("All work and no play makes Jack a dull boy. ", 40) + `"},{"type":"tool_use","id":"t","name":"n","input":{"a":1}}],"stop_reason":"end_turn","usage":{"input_tokens":10,"output_tokens":20}}`)
	var rs Response
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if err := rs.Parse(abi.APIAnthropicMessages, 200, body); err != nil {
			b.Fatal(err)
		}
	}
}
