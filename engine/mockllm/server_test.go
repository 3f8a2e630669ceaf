package mockllm

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

const (
	chatBody      = `{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"What is the capital of France?"}]}`
	chatPartsBody = `{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"first"},{"type":"image_url","image_url":{"url":"x"}},{"type":"text","text":"second part"}]}]}`
	complBody     = `{"model":"gpt-3.5-turbo-instruct","prompt":"Say hello to the world"}`
	embBody       = `{"model":"text-embedding-3-small","input":["alpha beta","gamma"]}`
	respBody      = `{"model":"gpt-4.1","instructions":"Be kind.","input":[{"role":"user","content":[{"type":"input_text","text":"Tell me a joke"}]}]}`
	respStrBody   = `{"model":"gpt-4.1","input":"Plain string input"}`
	anthBody      = `{"model":"claude-sonnet-4-5","max_tokens":256,"system":"Be terse.","messages":[{"role":"user","content":"Hello Claude, how are you?"}]}`
)

func withStream(body, extra string) string {
	return strings.TrimSuffix(body, "}") + `,"stream":true` + extra + "}"
}

func TestJSONAnswers(t *testing.T) {
	_, addr := startServer(t, Options{})
	tests := []struct {
		name  string
		path  string
		body  string
		check func(t *testing.T, m map[string]any)
	}{
		{"chat", "/v1/chat/completions", chatBody, func(t *testing.T, m map[string]any) {
			want := AnswerFor("What is the capital of France?")
			eq(t, path(t, m, "object"), "chat.completion")
			eq(t, path(t, m, "model"), "gpt-4o-mini")
			eq(t, path(t, m, "created"), float64(Created))
			eq(t, path(t, m, "choices", "0", "message", "role"), "assistant")
			eq(t, path(t, m, "choices", "0", "message", "content"), want)
			eq(t, path(t, m, "choices", "0", "finish_reason"), "stop")
			eq(t, path(t, m, "usage", "prompt_tokens"), float64(8))
			eq(t, path(t, m, "usage", "completion_tokens"), float64(countWords(want)))
			eq(t, path(t, m, "usage", "total_tokens"), float64(8+countWords(want)))
			if id := path(t, m, "id").(string); !strings.HasPrefix(id, "chatcmpl-") || len(id) != len("chatcmpl-")+24 {
				t.Errorf("id %q", id)
			}
		}},
		{"chat content parts", "/v1/chat/completions", chatPartsBody, func(t *testing.T, m map[string]any) {
			eq(t, path(t, m, "choices", "0", "message", "content"), AnswerFor("first\nsecond part"))
			eq(t, path(t, m, "usage", "prompt_tokens"), float64(3))
		}},
		{"completions", "/v1/completions", complBody, func(t *testing.T, m map[string]any) {
			eq(t, path(t, m, "object"), "text_completion")
			eq(t, path(t, m, "choices", "0", "text"), AnswerFor("Say hello to the world"))
			eq(t, path(t, m, "choices", "0", "finish_reason"), "stop")
			eq(t, path(t, m, "usage", "prompt_tokens"), float64(5))
		}},
		{"completions token prompt", "/v1/completions", `{"model":"m","prompt":[[1,2,3],"last one"]}`, func(t *testing.T, m map[string]any) {
			eq(t, path(t, m, "choices", "0", "text"), AnswerFor("last one"))
			eq(t, path(t, m, "usage", "prompt_tokens"), float64(5))
		}},
		{"embeddings", "/v1/embeddings", embBody, func(t *testing.T, m map[string]any) {
			eq(t, path(t, m, "object"), "list")
			eq(t, path(t, m, "model"), "text-embedding-3-small")
			data := path(t, m, "data").([]any)
			if len(data) != 2 {
				t.Fatalf("data has %d items", len(data))
			}
			for i := range data {
				eq(t, path(t, m, "data", strconv.Itoa(i), "index"), float64(i))
				vec := path(t, m, "data", strconv.Itoa(i), "embedding").([]any)
				if len(vec) != DefaultEmbeddingDims {
					t.Fatalf("dims %d", len(vec))
				}
				var n float64
				for _, x := range vec {
					n += x.(float64) * x.(float64)
				}
				if math.Abs(n-1) > 1e-4 {
					t.Errorf("vector %d norm² %v, want 1", i, n)
				}
			}
			eq(t, path(t, m, "usage", "prompt_tokens"), float64(3))
		}},
		{"embeddings base64 dims", "/v1/embeddings", `{"model":"e","input":"x","encoding_format":"base64","dimensions":5}`, func(t *testing.T, m map[string]any) {
			raw, err := base64.StdEncoding.DecodeString(path(t, m, "data", "0", "embedding").(string))
			if err != nil || len(raw) != 20 {
				t.Fatalf("base64 embedding: %d bytes, %v", len(raw), err)
			}
		}},
		{"responses", "/v1/responses", respBody, func(t *testing.T, m map[string]any) {
			eq(t, path(t, m, "object"), "response")
			eq(t, path(t, m, "status"), "completed")
			eq(t, path(t, m, "output", "0", "type"), "message")
			eq(t, path(t, m, "output", "0", "content", "0", "type"), "output_text")
			eq(t, path(t, m, "output", "0", "content", "0", "text"), AnswerFor("Tell me a joke"))
			eq(t, path(t, m, "usage", "input_tokens"), float64(6))
			eq(t, path(t, m, "instructions"), "Be kind.")
		}},
		{"responses string input", "/v1/responses", respStrBody, func(t *testing.T, m map[string]any) {
			eq(t, path(t, m, "output", "0", "content", "0", "text"), AnswerFor("Plain string input"))
		}},
		{"messages", "/v1/messages", anthBody, func(t *testing.T, m map[string]any) {
			eq(t, path(t, m, "type"), "message")
			eq(t, path(t, m, "role"), "assistant")
			eq(t, path(t, m, "content", "0", "type"), "text")
			eq(t, path(t, m, "content", "0", "text"), AnswerFor("Hello Claude, how are you?"))
			eq(t, path(t, m, "stop_reason"), "end_turn")
			eq(t, path(t, m, "stop_sequence"), nil)
			eq(t, path(t, m, "usage", "input_tokens"), float64(7))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustDo(t, addr, "POST", tc.path, nil, tc.body)
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			if ct := r.header["content-type"]; ct != contentJSON {
				t.Errorf("content-type %q", ct)
			}
			if got := r.header[HeaderBodySHA256]; got != sha(tc.body) {
				t.Errorf("%s = %q, want %q", HeaderBodySHA256, got, sha(tc.body))
			}
			tc.check(t, jsonOf(t, r.body))
			again := mustDo(t, addr, "POST", tc.path, nil, tc.body)
			if !bytes.Equal(again.body, r.body) {
				t.Errorf("answer not deterministic:\n%s\n%s", r.body, again.body)
			}
		})
	}
}

func TestModels(t *testing.T) {
	_, addr := startServer(t, Options{})
	r := mustDo(t, addr, "GET", "/v1/models", nil, "")
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	eq(t, path(t, jsonOf(t, r.body), "data", "0", "id"), DefaultModel)
}

func eq(t *testing.T, got, want any) {
	t.Helper()
	if got != want {
		t.Errorf("got %#v, want %#v", got, want)
	}
}

// streamCase describes one streaming API and how to read its events.
type streamCase struct {
	name string
	path string
	body string
	want string // full answer text
	// check validates the event sequence and returns the concatenated text.
	check func(t *testing.T, evs []sseEvent) string
}

func openAIChatStream(usage bool) func(t *testing.T, evs []sseEvent) string {
	return func(t *testing.T, evs []sseEvent) string {
		t.Helper()
		if last := evs[len(evs)-1]; last.data != "[DONE]" || last.name != "" {
			t.Fatalf("last event %+v, want data: [DONE]", last)
		}
		evs = evs[:len(evs)-1]
		var text strings.Builder
		finishAt, usageAt := -1, -1
		for i, ev := range evs {
			if ev.name != "" {
				t.Errorf("event %d has event: line %q", i, ev.name)
			}
			m := jsonOf(t, []byte(ev.data))
			eq(t, m["object"], "chat.completion.chunk")
			if _, ok := m["usage"]; ok != usage {
				t.Errorf("event %d: usage key present=%v, want %v", i, ok, usage)
			}
			choices := m["choices"].([]any)
			if len(choices) == 0 {
				usageAt = i
				eq(t, path(t, m, "usage", "completion_tokens"), float64(countWords(text.String())))
				continue
			}
			if m["usage"] != nil {
				t.Errorf("event %d: usage %v on a content chunk", i, m["usage"])
			}
			delta := path(t, m, "choices", "0", "delta").(map[string]any)
			if i == 0 {
				eq(t, delta["role"], "assistant")
				eq(t, delta["content"], "")
			} else if _, ok := delta["role"]; ok {
				t.Errorf("event %d repeats role", i)
			}
			if c, ok := delta["content"].(string); ok {
				if finishAt >= 0 {
					t.Errorf("content after finish_reason")
				}
				text.WriteString(c)
			}
			if fr := path(t, m, "choices", "0", "finish_reason"); fr != nil {
				eq(t, fr, "stop")
				finishAt = i
			}
		}
		if finishAt < 0 {
			t.Error("no finish_reason chunk")
		}
		if usage && usageAt != len(evs)-1 {
			t.Errorf("usage chunk at %d, want last (%d)", usageAt, len(evs)-1)
		}
		if !usage && usageAt >= 0 {
			t.Error("usage chunk without include_usage")
		}
		return text.String()
	}
}

func completionsStream(t *testing.T, evs []sseEvent) string {
	t.Helper()
	if evs[len(evs)-1].data != "[DONE]" {
		t.Fatal("no [DONE]")
	}
	var text strings.Builder
	for i, ev := range evs[:len(evs)-1] {
		m := jsonOf(t, []byte(ev.data))
		eq(t, m["object"], "text_completion")
		text.WriteString(path(t, m, "choices", "0", "text").(string))
		fr := path(t, m, "choices", "0", "finish_reason")
		if (i == len(evs)-2) != (fr == "stop") {
			t.Errorf("event %d finish_reason %v", i, fr)
		}
	}
	return text.String()
}

func responsesStream(t *testing.T, evs []sseEvent) string {
	t.Helper()
	head := []string{"response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"}
	tail := []string{"response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"}
	names := eventNames(evs)
	if len(names) < len(head)+len(tail)+1 {
		t.Fatalf("events %v", names)
	}
	checkNames(t, names[:len(head)], head)
	checkNames(t, names[len(names)-len(tail):], tail)
	var text strings.Builder
	for i, ev := range evs {
		m := jsonOf(t, []byte(ev.data))
		eq(t, m["type"], ev.name)
		eq(t, m["sequence_number"], float64(i))
		if i >= len(head) && i < len(evs)-len(tail) {
			eq(t, ev.name, "response.output_text.delta")
			text.WriteString(m["delta"].(string))
		}
	}
	done := jsonOf(t, []byte(evs[len(evs)-4].data))
	eq(t, done["text"], text.String())
	final := jsonOf(t, []byte(evs[len(evs)-1].data))
	eq(t, path(t, final, "response", "status"), "completed")
	eq(t, path(t, final, "response", "output", "0", "content", "0", "text"), text.String())
	eq(t, path(t, final, "response", "usage", "output_tokens"), float64(countWords(text.String())))
	created := jsonOf(t, []byte(evs[0].data))
	eq(t, path(t, created, "response", "status"), "in_progress")
	return text.String()
}

func anthropicStream(t *testing.T, evs []sseEvent) string {
	t.Helper()
	names := eventNames(evs)
	head := []string{"message_start", "content_block_start", "ping"}
	tail := []string{"content_block_stop", "message_delta", "message_stop"}
	if len(names) < len(head)+len(tail)+1 {
		t.Fatalf("events %v", names)
	}
	checkNames(t, names[:len(head)], head)
	checkNames(t, names[len(names)-len(tail):], tail)
	var text strings.Builder
	for i, ev := range evs {
		m := jsonOf(t, []byte(ev.data))
		eq(t, m["type"], ev.name)
		if i >= len(head) && i < len(evs)-len(tail) {
			eq(t, ev.name, "content_block_delta")
			eq(t, path(t, m, "delta", "type"), "text_delta")
			text.WriteString(path(t, m, "delta", "text").(string))
		}
	}
	start := jsonOf(t, []byte(evs[0].data))
	eq(t, path(t, start, "message", "stop_reason"), nil)
	if c := path(t, start, "message", "content").([]any); len(c) != 0 {
		t.Errorf("message_start content %v", c)
	}
	md := jsonOf(t, []byte(evs[len(evs)-2].data))
	eq(t, path(t, md, "delta", "stop_reason"), "end_turn")
	eq(t, path(t, md, "usage", "output_tokens"), float64(countWords(text.String())))
	return text.String()
}

func eventNames(evs []sseEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.name
	}
	return out
}

func checkNames(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("events %v, want %v", got, want)
	}
}

func streamCases() []streamCase {
	return []streamCase{
		{"chat", "/v1/chat/completions", withStream(chatBody, ""), AnswerFor("What is the capital of France?"), openAIChatStream(false)},
		{"chat include_usage", "/v1/chat/completions", withStream(chatBody, `,"stream_options":{"include_usage":true}`), AnswerFor("What is the capital of France?"), openAIChatStream(true)},
		{"completions", "/v1/completions", withStream(complBody, ""), AnswerFor("Say hello to the world"), completionsStream},
		{"responses", "/v1/responses", withStream(respBody, ""), AnswerFor("Tell me a joke"), responsesStream},
		{"messages", "/v1/messages", withStream(anthBody, ""), AnswerFor("Hello Claude, how are you?"), anthropicStream},
	}
}

func TestStreams(t *testing.T) {
	for _, size := range []int{0, 1, 7} {
		_, addr := startServer(t, Options{ChunkSize: size})
		wantSize := size
		if wantSize == 0 {
			wantSize = DefaultChunkSize
		}
		for _, tc := range streamCases() {
			t.Run(tc.name+"/chunk"+strconv.Itoa(size), func(t *testing.T) {
				r := mustDo(t, addr, "POST", tc.path, nil, tc.body)
				if r.status != 200 {
					t.Fatalf("status %d: %s", r.status, r.body)
				}
				if ct := r.header["content-type"]; ct != contentSSE {
					t.Errorf("content-type %q", ct)
				}
				if te := r.header["transfer-encoding"]; te != "chunked" {
					t.Errorf("transfer-encoding %q", te)
				}
				if got := r.header[HeaderBodySHA256]; got != sha(tc.body) {
					t.Errorf("body sha %q", got)
				}
				evs, err := parseSSE(r.body)
				if err != nil {
					t.Fatalf("SSE: %v\n%s", err, r.body)
				}
				if got := tc.check(t, evs); got != tc.want {
					t.Errorf("streamed text %q, want %q", got, tc.want)
				}
				deltas := len(splitRunes(tc.want, wantSize))
				if want := (len(tc.want) + wantSize - 1) / wantSize; deltas != want {
					t.Fatalf("ASCII answer split into %d pieces, want %d", deltas, want)
				}
			})
		}
	}
}

// TestNoStream: with HeaderNoStream, every API answers a request that
// asks for a stream with its whole JSON answer, the same text.
func TestNoStream(t *testing.T) {
	_, addr := startServer(t, Options{})
	for _, tc := range streamCases() {
		t.Run(tc.name, func(t *testing.T) {
			r := mustDo(t, addr, "POST", tc.path, map[string]string{HeaderNoStream: "1"}, tc.body)
			if r.status != 200 || r.header["content-type"] != contentJSON {
				t.Fatalf("status %d, content-type %q: %s", r.status, r.header["content-type"], r.body)
			}
			if !strings.Contains(string(r.body), tc.want) {
				t.Fatalf("answer %s lacks %q", r.body, tc.want)
			}
		})
	}
}

func TestBadRequests(t *testing.T) {
	_, addr := startServer(t, Options{})
	tests := []struct {
		name, path, body string
		status           int
		anthropic        bool
		msgHas           string
	}{
		{"chat bad json", "/v1/chat/completions", `{"model":`, 400, false, "could not parse"},
		{"chat empty body", "/v1/chat/completions", ``, 400, false, "empty request body"},
		{"chat no messages", "/v1/chat/completions", `{"model":"m"}`, 400, false, "messages"},
		{"chat bad content", "/v1/chat/completions", `{"messages":[{"role":"user","content":5}]}`, 400, false, "messages[0].content"},
		{"chat max_tokens 0", "/v1/chat/completions", `{"messages":[{"role":"user","content":"x"}],"max_tokens":0}`, 400, false, "max_tokens"},
		{"completions bad json", "/v1/completions", `[1,2`, 400, false, "could not parse"},
		{"completions bad prompt", "/v1/completions", `{"prompt":{}}`, 400, false, "prompt"},
		{"embeddings bad json", "/v1/embeddings", `nope`, 400, false, "could not parse"},
		{"embeddings no input", "/v1/embeddings", `{"model":"e"}`, 400, false, "input"},
		{"embeddings dims", "/v1/embeddings", `{"input":"x","dimensions":0}`, 400, false, "dimensions"},
		{"embeddings format", "/v1/embeddings", `{"input":"x","encoding_format":"hex"}`, 400, false, "encoding_format"},
		{"responses bad json", "/v1/responses", `{"input":[}`, 400, false, "could not parse"},
		{"responses bad input", "/v1/responses", `{"input":5}`, 400, false, "input"},
		{"messages bad json", "/v1/messages", `{"messages":[{]}`, 400, true, "could not parse"},
		{"messages wrong type", "/v1/messages", `{"messages":"hi"}`, 400, true, "could not parse"},
		{"messages no messages", "/v1/messages", `{"max_tokens":5}`, 400, true, "messages"},
		{"messages bad system", "/v1/messages", `{"system":3,"messages":[{"role":"user","content":"x"}]}`, 400, true, "system"},
		{"unknown path", "/v2/whatever", `{}`, 404, false, "Unknown request URL"},
		{"bad fault", "/v1/messages", anthBody, 400, true, "unknown fault"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var hdr map[string]string
			if tc.name == "bad fault" {
				hdr = map[string]string{HeaderFault: "explode"}
			}
			r := mustDo(t, addr, "POST", tc.path, hdr, tc.body)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if r.header[HeaderBodySHA256] != sha(tc.body) {
				t.Error("missing body sha on error")
			}
			checkErrorShape(t, r.body, tc.anthropic, tc.msgHas)
		})
	}
}

// checkErrorShape asserts the API's error envelope and that the message
// contains msgHas.
func checkErrorShape(t *testing.T, body []byte, anthropic bool, msgHas string) {
	t.Helper()
	m := jsonOf(t, body)
	var msg string
	if anthropic {
		eq(t, m["type"], "error")
		if _, ok := path(t, m, "error", "type").(string); !ok {
			t.Error("error.type not a string")
		}
		msg, _ = path(t, m, "error", "message").(string)
	} else {
		if _, ok := path(t, m, "error", "type").(string); !ok {
			t.Error("error.type not a string")
		}
		if _, ok := m["error"].(map[string]any)["param"]; !ok {
			t.Error("error.param missing")
		}
		msg, _ = path(t, m, "error", "message").(string)
	}
	if !strings.Contains(msg, msgHas) {
		t.Errorf("message %q does not contain %q", msg, msgHas)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	_, addr := startServer(t, Options{})
	r := mustDo(t, addr, "GET", "/v1/chat/completions", nil, "")
	if r.status != 405 {
		t.Fatalf("status %d", r.status)
	}
	checkErrorShape(t, r.body, false, "not allowed")
	r = mustDo(t, addr, "GET", "/v1/messages", nil, "")
	if r.status != 405 {
		t.Fatalf("status %d", r.status)
	}
	checkErrorShape(t, r.body, true, "not allowed")
}

func TestOutputLimit(t *testing.T) {
	_, addr := startServer(t, Options{})
	tests := []struct {
		name, path, body string
		check            func(t *testing.T, m map[string]any)
	}{
		{"chat", "/v1/chat/completions", `{"messages":[{"role":"user","content":"one two three"}],"max_completion_tokens":3}`, func(t *testing.T, m map[string]any) {
			eq(t, path(t, m, "choices", "0", "message", "content"), "Mock answer to:")
			eq(t, path(t, m, "choices", "0", "finish_reason"), "length")
			eq(t, path(t, m, "usage", "completion_tokens"), float64(3))
		}},
		{"completions", "/v1/completions", `{"prompt":"a b","max_tokens":1}`, func(t *testing.T, m map[string]any) {
			eq(t, path(t, m, "choices", "0", "text"), "Mock")
			eq(t, path(t, m, "choices", "0", "finish_reason"), "length")
		}},
		{"responses", "/v1/responses", `{"input":"a b","max_output_tokens":2}`, func(t *testing.T, m map[string]any) {
			eq(t, path(t, m, "status"), "incomplete")
			eq(t, path(t, m, "incomplete_details", "reason"), "max_output_tokens")
			eq(t, path(t, m, "output", "0", "content", "0", "text"), "Mock answer")
		}},
		{"messages", "/v1/messages", `{"max_tokens":4,"messages":[{"role":"user","content":"a b"}]}`, func(t *testing.T, m map[string]any) {
			eq(t, path(t, m, "stop_reason"), "max_tokens")
			eq(t, path(t, m, "content", "0", "text"), "Mock answer to: a")
			eq(t, path(t, m, "usage", "output_tokens"), float64(4))
		}},
		{"messages limit not reached", "/v1/messages", `{"max_tokens":5,"messages":[{"role":"user","content":"a b"}]}`, func(t *testing.T, m map[string]any) {
			eq(t, path(t, m, "stop_reason"), "end_turn")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustDo(t, addr, "POST", tc.path, nil, tc.body)
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			tc.check(t, jsonOf(t, r.body))
		})
	}
}

func TestEchoHeaders(t *testing.T) {
	_, addr := startServer(t, Options{})
	hdr := map[string]string{
		HeaderEchoHeaders: "1",
		"X-Forwarded-For": "10.0.0.1, 10.0.0.2",
		"Keep-Alive":      "timeout=5",
		"Authorization":   "Bearer sk-test",
	}
	for _, tc := range []struct{ name, path, body string }{
		{"json", "/v1/chat/completions?x=1", chatBody},
		{"stream", "/v1/messages", withStream(anthBody, "")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, br := rawExchange(t, addr, tc.path, hdr, tc.body)
			// A raw second X-Dup header cannot be sent through the map; the
			// raw exchange above already carries the map's headers.
			_ = c
			status, rh := readHead(t, br)
			if !strings.Contains(status, " 200 ") {
				t.Fatalf("status %q", status)
			}
			body := readBody(t, br, rh)
			obj := body
			if tc.name == "stream" {
				evs, err := parseSSE(body)
				if err != nil {
					t.Fatal(err)
				}
				obj = []byte(evs[0].data)
			}
			m := jsonOf(t, obj)
			got := path(t, m, "received_headers").(map[string]any)
			for k, v := range hdr {
				vals, _ := got[strings.ToLower(k)].([]any)
				if len(vals) != 1 || vals[0] != v {
					t.Errorf("received %s = %v, want [%q]", k, got[strings.ToLower(k)], v)
				}
			}
			eq(t, path(t, m, "received_method"), "POST")
			eq(t, path(t, m, "received_uri"), tc.path)
			eq(t, path(t, m, "received_body"), tc.body)
			if _, ok := got["content-length"]; !ok {
				t.Error("content-length not echoed")
			}
		})
	}
	// Without the header there is no echo.
	r := mustDo(t, addr, "POST", "/v1/chat/completions", nil, chatBody)
	if _, ok := jsonOf(t, r.body)["received_headers"]; ok {
		t.Error("received_headers present without x-mock-echo-headers")
	}
}

// readBody reads a Content-Length or chunked body completely.
func readBody(t *testing.T, br *bufio.Reader, hdr map[string]string) []byte {
	t.Helper()
	if cl, ok := hdr["content-length"]; ok {
		n, _ := strconv.Atoi(cl)
		b := make([]byte, n)
		if _, err := io.ReadFull(br, b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	var out []byte
	for {
		size, err := readChunk(br)
		if err != nil {
			t.Fatal(err)
		}
		if size == nil {
			return out
		}
		out = append(out, size...)
	}
}

// readChunk reads one chunk of a chunked body; nil, nil at the last chunk.
func readChunk(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadString('\n')
	if err != nil {
		return nil, err
	}
	n, err := strconv.ParseInt(strings.TrimSpace(line), 16, 64)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		_, err := br.ReadString('\n')
		return nil, err
	}
	b := make([]byte, n+2)
	if _, err := io.ReadFull(br, b); err != nil {
		return nil, err
	}
	return b[:n], nil
}

func TestFaults(t *testing.T) {
	s, addr := startServer(t, Options{ChunkSize: 2})

	t.Run("reset", func(t *testing.T) {
		_, err := do(t, addr, "POST", "/v1/chat/completions", map[string]string{HeaderFault: "reset"}, chatBody)
		if err == nil {
			t.Fatal("request succeeded")
		}
		_, br := rawExchange(t, addr, "/v1/chat/completions", map[string]string{HeaderFault: "RESET"}, chatBody)
		n, err := br.Read(make([]byte, 1))
		if n != 0 || err == nil {
			t.Fatalf("read %d bytes, err %v; want nothing and an error", n, err)
		}
	})

	t.Run("slow", func(t *testing.T) {
		r := mustDo(t, addr, "POST", "/v1/chat/completions", map[string]string{HeaderFault: "slow", HeaderDelay: "300ms"}, chatBody)
		if r.status != 200 || r.elapsed < 300*time.Millisecond || r.elapsed > 3*time.Second {
			t.Fatalf("status %d after %v", r.status, r.elapsed)
		}
		r = mustDo(t, addr, "POST", "/v1/chat/completions", map[string]string{HeaderFault: "slow", HeaderDelay: "soon"}, chatBody)
		if r.status != 400 {
			t.Fatalf("bad delay: status %d", r.status)
		}
		checkErrorShape(t, r.body, false, HeaderDelay)
	})

	t.Run("truncate", func(t *testing.T) {
		for _, body := range []string{chatBody, withStream(chatBody, "")} {
			if _, err := do(t, addr, "POST", "/v1/chat/completions", map[string]string{HeaderFault: "truncate"}, body); err == nil {
				t.Fatal("client accepted a truncated body")
			}
			_, br := rawExchange(t, addr, "/v1/chat/completions", map[string]string{HeaderFault: "truncate"}, body)
			status, hdr := readHead(t, br)
			if !strings.Contains(status, " 200 ") {
				t.Fatalf("status %q", status)
			}
			if hdr[HeaderBodySHA256] != sha(body) {
				t.Error("no body sha on truncated answer")
			}
			declared, _ := strconv.Atoi(hdr["content-length"])
			got, err := io.ReadAll(br)
			if err != nil && !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			if declared == 0 || len(got) >= declared {
				t.Fatalf("content-length %d, received %d", declared, len(got))
			}
		}
	})

	t.Run("status", func(t *testing.T) {
		for _, tc := range []struct {
			path      string
			body      string
			code      int
			anthropic bool
			errType   string
		}{
			{"/v1/chat/completions", chatBody, 503, false, "server_error"},
			{"/v1/chat/completions", chatBody, 429, false, "requests"},
			{"/v1/responses", respBody, 401, false, "invalid_request_error"},
			{"/v1/messages", anthBody, 529, true, "overloaded_error"},
			{"/v1/messages", withStream(anthBody, ""), 429, true, "rate_limit_error"},
		} {
			r := mustDo(t, addr, "POST", tc.path, map[string]string{HeaderFault: "status:" + strconv.Itoa(tc.code)}, tc.body)
			if r.status != tc.code {
				t.Fatalf("%s: status %d, want %d", tc.path, r.status, tc.code)
			}
			checkErrorShape(t, r.body, tc.anthropic, "injected")
			eq(t, path(t, jsonOf(t, r.body), "error", "type"), tc.errType)
			if (tc.code == 429) != (r.header["retry-after"] == "1") {
				t.Errorf("retry-after %q for %d", r.header["retry-after"], tc.code)
			}
		}
		for _, bad := range []string{"status:200", "status:600", "status:x"} {
			r := mustDo(t, addr, "POST", "/v1/chat/completions", map[string]string{HeaderFault: bad}, chatBody)
			if r.status != 400 {
				t.Errorf("%s: status %d", bad, r.status)
			}
		}
	})

	t.Run("stream-cut", func(t *testing.T) {
		for _, tc := range streamCases() {
			if _, err := do(t, addr, "POST", tc.path, map[string]string{HeaderFault: "stream-cut"}, tc.body); err == nil {
				t.Fatalf("%s: client accepted a cut stream", tc.name)
			}
			_, br := rawExchange(t, addr, tc.path, map[string]string{HeaderFault: "stream-cut"}, tc.body)
			status, hdr := readHead(t, br)
			if !strings.Contains(status, " 200 ") || hdr["transfer-encoding"] != "chunked" || hdr["content-type"] != contentSSE {
				t.Fatalf("%s: head %q %v", tc.name, status, hdr)
			}
			var got []byte
			for {
				c, err := readChunk(br)
				if err != nil {
					break // connection closed mid-body: expected
				}
				if c == nil {
					t.Fatalf("%s: stream ended cleanly", tc.name)
				}
				got = append(got, c...)
			}
			evs, err := parseSSE(got)
			if err != nil {
				t.Fatalf("%s: received part is not well-formed SSE: %v", tc.name, err)
			}
			full := mustDo(t, addr, "POST", tc.path, nil, tc.body)
			all, _ := parseSSE(full.body)
			if len(evs) == 0 || len(evs) >= len(all) {
				t.Fatalf("%s: got %d of %d events", tc.name, len(evs), len(all))
			}
			for i := range evs {
				if evs[i] != all[i] {
					t.Fatalf("%s: event %d differs from the full stream", tc.name, i)
				}
			}
		}
		// A JSON answer is cut too.
		if _, err := do(t, addr, "POST", "/v1/embeddings", map[string]string{HeaderFault: "stream-cut"}, embBody); err == nil {
			t.Fatal("client accepted a cut JSON answer")
		}
	})

	if s.Requests() < 20 {
		t.Errorf("Requests() = %d", s.Requests())
	}
}

// TestChunkDelay checks that events are flushed one by one: with a delay
// between events, each arrives at least ~delay after the previous one.
func TestChunkDelay(t *testing.T) {
	const delay = 60 * time.Millisecond
	_, addr := startServer(t, Options{ChunkSize: 16, ChunkDelay: delay})
	body := withStream(anthBody, "")
	start := time.Now()
	_, br := rawExchange(t, addr, "/v1/messages", nil, body)
	_, hdr := readHead(t, br)
	if hdr["transfer-encoding"] != "chunked" {
		t.Fatalf("not chunked: %v", hdr)
	}
	headAt := time.Since(start)
	var arrivals []time.Duration
	var buf []byte
	for {
		c, err := readChunk(br)
		if err != nil {
			t.Fatal(err)
		}
		if c == nil {
			break
		}
		buf = append(buf, c...)
		// An event is complete when the buffer ends in a blank line.
		for bytes.Count(buf, []byte("\n\n")) > len(arrivals) {
			arrivals = append(arrivals, time.Since(start))
		}
	}
	evs, err := parseSSE(buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(arrivals) != len(evs) || len(evs) < 6 {
		t.Fatalf("%d arrivals for %d events", len(arrivals), len(evs))
	}
	// Lower bounds only: the server sleeps delay between two events, so
	// event i cannot be complete before i delays have passed since the
	// request was sent; a loaded machine can only make the reader later.
	// (Gaps between arrivals are no test: a reader that was descheduled
	// reads two events back to back.)
	for i := 1; i < len(arrivals); i++ {
		if arrivals[i] < time.Duration(i)*delay {
			t.Errorf("event %d complete after %v; want >= %v (%d delays of %v)", i, arrivals[i], time.Duration(i)*delay, i, delay)
		}
	}
	// The headers are flushed before the first delay, not held back with
	// the body: they arrive at least one delay before the last event,
	// which cannot be sent before len-1 delays have passed.
	last := arrivals[len(arrivals)-1]
	if headAt > last-delay {
		t.Errorf("headers after %v, the last event after %v; want the headers sent before the events' delays", headAt, last)
	}
}

func TestLatency(t *testing.T) {
	_, addr := startServer(t, Options{Latency: 150 * time.Millisecond})
	r := mustDo(t, addr, "POST", "/v1/chat/completions", nil, chatBody)
	if r.status != 200 || r.elapsed < 150*time.Millisecond {
		t.Fatalf("status %d after %v", r.status, r.elapsed)
	}
}

// TestCloseCutsDelays checks that Close does not wait out long chunk delays:
// the in-flight stream completes promptly and Serve returns nil.
func TestCloseCutsDelays(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{ChunkSize: 1, ChunkDelay: time.Second})
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	_, br := rawExchange(t, ln.Addr().String(), "/v1/chat/completions", nil, withStream(chatBody, ""))
	readHead(t, br)
	if _, err := readChunk(br); err != nil { // first event, before any delay
		t.Fatal(err)
	}
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Close took %v", d)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	// The stream was finished, not dropped.
	var rest []byte
	for {
		c, err := readChunk(br)
		if err != nil {
			t.Fatalf("stream dropped after Close: %v", err)
		}
		if c == nil {
			break
		}
		rest = append(rest, c...)
	}
	if !bytes.HasSuffix(rest, doneFrame) {
		t.Errorf("stream did not end with [DONE]: %q", rest)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	ln2, _ := net.Listen("tcp", "127.0.0.1:0")
	if err := s.Serve(ln2); !errors.Is(err, ErrClosed) {
		t.Errorf("Serve after Close = %v, want ErrClosed", err)
	}
}

// TestHandlerInMemory uses Handler without a listener, as an embedding
// server would.
func TestHandlerInMemory(t *testing.T) {
	s := New(Options{})
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetMethod("POST")
	ctx.Request.SetRequestURI("/v1/chat/completions")
	ctx.Request.Header.Set(HeaderEchoHeaders, "1")
	ctx.Request.Header.Set("X-Test", "yes")
	ctx.Request.SetBodyString(chatBody)
	s.Handler()(&ctx)
	if ctx.Response.StatusCode() != 200 {
		t.Fatalf("status %d", ctx.Response.StatusCode())
	}
	var m struct {
		Received map[string][]string `json:"received_headers"`
	}
	if err := json.Unmarshal(ctx.Response.Body(), &m); err != nil {
		t.Fatal(err)
	}
	if v := m.Received["x-test"]; len(v) != 1 || v[0] != "yes" {
		t.Errorf("x-test echoed as %v", v)
	}
	if s.Requests() != 1 {
		t.Errorf("Requests() = %d", s.Requests())
	}
}

func TestLeakSystemPrompt(t *testing.T) {
	_, addr := startServer(t, Options{})
	leak := map[string]string{HeaderLeakSystem: "1"}
	for _, tc := range []struct {
		name, path, body string
		text             []string // path to the answer text
		want             string
	}{
		{"chat", "/v1/chat/completions", `{"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"developer","content":[{"type":"text","text":"No jokes."}]},{"role":"user","content":"Hi"}]}`,
			[]string{"choices", "0", "message", "content"}, AnswerFor("Hi") + LeakPrefix + "Be brief.\nNo jokes."},
		{"chat without system", "/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"Hi"}]}`,
			[]string{"choices", "0", "message", "content"}, AnswerFor("Hi")},
		{"responses", "/v1/responses", `{"model":"m","instructions":"Be kind.","input":[{"role":"system","content":"Cite sources."},{"role":"user","content":"Hi"}]}`,
			[]string{"output", "0", "content", "0", "text"}, AnswerFor("Hi") + LeakPrefix + "Be kind.\nCite sources."},
		{"messages", "/v1/messages", anthBody, []string{"content", "0", "text"}, AnswerFor("Hello Claude, how are you?") + LeakPrefix + "Be terse."},
		{"completions has no system prompt", "/v1/completions", complBody, []string{"choices", "0", "text"}, AnswerFor("Say hello to the world")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustDo(t, addr, "POST", tc.path, leak, tc.body)
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			eq(t, path(t, jsonOf(t, r.body), tc.text...), tc.want)
		})
	}
	// Without the header nothing leaks; the max-tokens cut applies to the
	// leaked text too.
	r := mustDo(t, addr, "POST", "/v1/chat/completions", nil, chatBody)
	eq(t, path(t, jsonOf(t, r.body), "choices", "0", "message", "content"), AnswerFor("What is the capital of France?"))
	r = mustDo(t, addr, "POST", "/v1/messages", leak, `{"model":"m","max_tokens":9,"system":"Be terse and kind.","messages":[{"role":"user","content":"Hi"}]}`)
	m := jsonOf(t, r.body)
	eq(t, path(t, m, "content", "0", "text"), "Mock answer to: Hi My instructions are: Be terse")
	eq(t, path(t, m, "stop_reason"), "max_tokens")
	// Streams leak the same text.
	r = mustDo(t, addr, "POST", "/v1/chat/completions", leak, withStream(chatBody, ""))
	evs, err := parseSSE(r.body)
	if err != nil {
		t.Fatal(err)
	}
	if got := openAIChatStream(false)(t, evs); got != AnswerFor("What is the capital of France?")+LeakPrefix+"Be brief." {
		t.Errorf("streamed %q", got)
	}
}

func TestAppendHeader(t *testing.T) {
	_, addr := startServer(t, Options{})
	hdr := map[string]string{HeaderAppend: "The deploy key is AKIAQ7XH3LMZ5RT2WPNC.", HeaderLeakSystem: "1"}
	r := mustDo(t, addr, "POST", "/v1/chat/completions", hdr, `{"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]}`)
	eq(t, path(t, jsonOf(t, r.body), "choices", "0", "message", "content"), AnswerFor("Hi")+LeakPrefix+"Be brief. The deploy key is AKIAQ7XH3LMZ5RT2WPNC.")
	r = mustDo(t, addr, "POST", "/v1/chat/completions", map[string]string{HeaderAppend: "Bye."}, withStream(chatBody, ""))
	evs, err := parseSSE(r.body)
	if err != nil {
		t.Fatal(err)
	}
	if got := openAIChatStream(false)(t, evs); got != AnswerFor("What is the capital of France?")+" Bye." {
		t.Errorf("streamed %q", got)
	}
}
