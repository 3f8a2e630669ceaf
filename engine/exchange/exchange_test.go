package exchange

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

func TestDetectAPI(t *testing.T) {
	tests := []struct {
		method, path string
		want         abi.API
	}{
		{"POST", "/v1/chat/completions", abi.APIOpenAIChat},
		{"POST", "/openai/deployments/x/chat/completions?api-version=2024", abi.APIOpenAIChat},
		{"POST", "/v1/completions", abi.APIOpenAICompletions},
		{"POST", "/v1/embeddings", abi.APIOpenAIEmbeddings},
		{"POST", "/v1/responses", abi.APIOpenAIResponses},
		{"POST", "/v1/messages", abi.APIAnthropicMessages},
		{"POST", "/anthropic/v1/messages?beta=true", abi.APIAnthropicMessages},
		{"GET", "/v1/chat/completions", abi.APIUnknown},
		{"post", "/v1/chat/completions", abi.APIUnknown},
		{"POST", "/v1/messages/count_tokens", abi.APIUnknown},
		{"POST", "/v1/chat/completions/", abi.APIUnknown},
		{"POST", "/v1/models", abi.APIUnknown},
		{"POST", "", abi.APIUnknown},
		{"POST", "/v1/chat/completionsX", abi.APIUnknown},
	}
	for _, tt := range tests {
		if got := DetectAPI([]byte(tt.method), []byte(tt.path)); got != tt.want {
			t.Errorf("DetectAPI(%s %s) = %v, want %v", tt.method, tt.path, got, tt.want)
		}
	}
}

func TestAppendErrorBody(t *testing.T) {
	tests := []struct {
		api     abi.API
		status  int
		code    string
		message string
		want    string
	}{
		{abi.APIOpenAIChat, 400, "invalid_json", `bad "body"` + "\n", `{"error":{"message":"bad \"body\"\n","type":"invalid_request_error","code":"invalid_json"}}`},
		{abi.APIUnknown, 403, "denied", "no", `{"error":{"message":"no","type":"permission_error","code":"denied"}}`},
		{abi.APIOpenAIResponses, 401, "c", "m", `{"error":{"message":"m","type":"authentication_error","code":"c"}}`},
		{abi.APIOpenAIChat, 429, "c", "m", `{"error":{"message":"m","type":"rate_limit_error","code":"c"}}`},
		{abi.APIOpenAIChat, 502, "c", "m", `{"error":{"message":"m","type":"upstream_error","code":"c"}}`},
		{abi.APIOpenAIChat, 504, "c", "m", `{"error":{"message":"m","type":"upstream_error","code":"c"}}`},
		{abi.APIOpenAIChat, 500, "c", "m", `{"error":{"message":"m","type":"server_error","code":"c"}}`},
		{abi.APIOpenAIEmbeddings, 413, "c", "m", `{"error":{"message":"m","type":"invalid_request_error","code":"c"}}`},
		{abi.APIAnthropicMessages, 400, "c", "m\x01\xff", `{"type":"error","error":{"type":"invalid_request_error","message":"m\u0001\ufffd","code":"c"}}`},
		{abi.APIAnthropicMessages, 401, "c", "m", `{"type":"error","error":{"type":"authentication_error","message":"m","code":"c"}}`},
		{abi.APIAnthropicMessages, 403, "c", "m", `{"type":"error","error":{"type":"permission_error","message":"m","code":"c"}}`},
		{abi.APIAnthropicMessages, 404, "c", "m", `{"type":"error","error":{"type":"not_found_error","message":"m","code":"c"}}`},
		{abi.APIAnthropicMessages, 413, "c", "m", `{"type":"error","error":{"type":"request_too_large","message":"m","code":"c"}}`},
		{abi.APIAnthropicMessages, 429, "c", "m", `{"type":"error","error":{"type":"rate_limit_error","message":"m","code":"c"}}`},
		{abi.APIAnthropicMessages, 500, "c", "m", `{"type":"error","error":{"type":"api_error","message":"m","code":"c"}}`},
		{abi.APIAnthropicMessages, 502, "c", "m", `{"type":"error","error":{"type":"api_error","message":"m","code":"c"}}`},
		{abi.APIAnthropicMessages, 529, "c", "m", `{"type":"error","error":{"type":"overloaded_error","message":"m","code":"c"}}`},
		{abi.APIAnthropicMessages, 503, "c", "m", `{"type":"error","error":{"type":"overloaded_error","message":"m","code":"c"}}`},
	}
	for _, tt := range tests {
		got := AppendErrorBody([]byte("x"), tt.api, tt.status, tt.code, tt.message)
		if string(got) != "x"+tt.want {
			t.Errorf("%v %d:\n got %s\nwant x%s", tt.api, tt.status, got, tt.want)
		}
		if !json.Valid(got[1:]) {
			t.Errorf("%v %d: invalid JSON %s", tt.api, tt.status, got)
		}
	}
}

// TestAppendJSONStringRoundTrip checks the encoder against encoding/json.
func TestAppendJSONStringRoundTrip(t *testing.T) {
	for _, s := range []string{"", "plain", "\x00\x1f\x7f", "\"\\/", "é日本🎉", "\xff\xfe", "a\xc3", "\u2028\u2029", "<>&", "\ud7ff"} {
		b := appendJSONString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%q -> %s: %v", s, b, err)
		}
		if want := strings.ToValidUTF8(s, "\uFFFD"); got != want && got != string([]rune(s)) {
			t.Errorf("%q -> %s -> %q", s, b, got)
		}
	}
}

func nest(n int) string {
	return `{"messages":[{"role":"user","content":"x","meta":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}]}`
}

func manyMessages(n int) string {
	var b strings.Builder
	b.WriteString(`{"messages":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"role":"user","content":"m"}`)
	}
	b.WriteString(`]}`)
	return b.String()
}

// TestParseRequestErrors covers generated and edge-case bad bodies.
func TestParseRequestErrors(t *testing.T) {
	tests := []struct {
		name string
		api  abi.API
		body string
		code string // "" = must parse
	}{
		{"empty", abi.APIOpenAIChat, "", CodeEmptyBody},
		{"whitespace", abi.APIOpenAIChat, " \n\t ", CodeEmptyBody},
		{"not json", abi.APIOpenAIChat, "hello", CodeInvalidJSON},
		{"string", abi.APIAnthropicMessages, `"hi"`, CodeNotObject},
		{"number", abi.APIOpenAIChat, `1`, CodeNotObject},
		{"null", abi.APIOpenAIChat, `null`, CodeNotObject},
		{"truncated", abi.APIOpenAIChat, `{"messages":[{"role":"user","content":"x"}`, CodeInvalidJSON},
		{"unterminated string", abi.APIOpenAIChat, `{"model":"x`, CodeInvalidJSON},
		{"bad literal", abi.APIOpenAIChat, `{"stream":tru}`, CodeInvalidJSON},
		{"leading zero", abi.APIOpenAIChat, `{"x":01}`, CodeInvalidJSON},
		{"bad exponent", abi.APIOpenAIChat, `{"x":1e}`, CodeInvalidJSON},
		{"bad fraction", abi.APIOpenAIChat, `{"x":1.}`, CodeInvalidJSON},
		{"bad unicode escape", abi.APIOpenAIChat, `{"x":"\u12g4"}`, CodeInvalidJSON},
		{"raw newline in string", abi.APIOpenAIChat, "{\"x\":\"a\nb\"}", CodeInvalidJSON},
		{"missing colon", abi.APIOpenAIChat, `{"x" 1}`, CodeInvalidJSON},
		{"missing comma", abi.APIOpenAIChat, `{"x":1 "y":2}`, CodeInvalidJSON},
		{"non-string key", abi.APIOpenAIChat, `{1:2}`, CodeInvalidJSON},
		{"leading comma", abi.APIOpenAIChat, `{"x":[,1]}`, CodeInvalidJSON},
		{"bad json in ignored field", abi.APIOpenAIChat, `{"messages":[],"x":[1,}`, CodeInvalidJSON},
		{"depth ok", abi.APIOpenAIChat, nest(MaxDepth - 3), ""},
		{"too deep", abi.APIOpenAIChat, nest(MaxDepth), CodeTooDeep},
		{"very deep", abi.APIOpenAIChat, strings.Repeat("[", 100000), CodeTooDeep},
		{"very deep object", abi.APIOpenAIChat, `{"a":` + strings.Repeat(`{"a":`, 100000), CodeTooDeep},
		{"max messages", abi.APIOpenAIChat, manyMessages(MaxMessages), ""},
		{"too many messages", abi.APIOpenAIChat, manyMessages(MaxMessages + 1), CodeTooManyMessages},
		{"too many prompts", abi.APIOpenAICompletions, `{"prompt":[` + strings.Repeat(`"a",`, MaxMessages) + `"a"]}`, CodeTooManyMessages},
		{"too many parts", abi.APIAnthropicMessages, `{"messages":[{"role":"user","content":[` + strings.Repeat(`{"type":"image"},`, MaxMessages) + `{"type":"text","text":"x"}]}]}`, CodeTooManyMessages},
		{"too many tools", abi.APIOpenAIResponses, `{"tools":[` + strings.Repeat(`{"name":"a"},`, MaxTools) + `{"name":"a"}]}`, CodeTooManyTools},
		{"model number", abi.APIOpenAIChat, `{"model":1}`, CodeInvalidField},
		{"role number", abi.APIAnthropicMessages, `{"messages":[{"role":1,"content":"x"}]}`, CodeInvalidField},
		{"message string", abi.APIOpenAIChat, `{"messages":["hi"]}`, CodeInvalidField},
		{"part string", abi.APIOpenAIChat, `{"messages":[{"role":"user","content":["hi"]}]}`, CodeInvalidField},
		{"function not object", abi.APIOpenAIChat, `{"tools":[{"type":"function","function":"f"}]}`, CodeInvalidField},
		{"arguments object", abi.APIOpenAIChat, `{"messages":[{"role":"assistant","tool_calls":[{"id":"a","function":{"name":"f","arguments":{}}}]}]}`, CodeInvalidField},
		{"tool_result content number", abi.APIAnthropicMessages, `{"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"x","content":1}]}]}`, CodeInvalidField},
		{"source string", abi.APIAnthropicMessages, `{"messages":[{"role":"user","content":[{"type":"document","source":"x"}]}]}`, CodeInvalidField},
		{"input number", abi.APIOpenAIResponses, `{"input":5}`, CodeInvalidField},
		{"responses role missing", abi.APIOpenAIResponses, `{"input":[{"content":"x"}]}`, CodeInvalidField},
		{"usage ignored in request", abi.APIOpenAIChat, `{"usage":"x"}`, ""},
		{"max_tokens huge clamps", abi.APIAnthropicMessages, `{"max_tokens":99999999999999999999999}`, ""},
		{"duplicate escaped key", abi.APIOpenAIChat, `{"model":"a","\u006dodel":"b"}`, CodeDuplicateKey},
		{"duplicate unknown key ok", abi.APIOpenAIChat, `{"x":1,"x":2}`, ""},
		{"unknown api not parsed", abi.APIUnknown, `not json at all`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Request
			err := asError(t, r.Parse(tt.api, []byte(tt.body)))
			if tt.code == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse succeeded, want %s", tt.code)
			}
			if err.Code != tt.code || err.Status != 400 || err.Type != "invalid_request_error" || err.Message == "" {
				t.Fatalf("got %+v, want code %s", err, tt.code)
			}
		})
	}
}

func TestParseClampsMaxTokens(t *testing.T) {
	var r Request
	if err := r.Parse(abi.APIAnthropicMessages, []byte(`{"max_tokens":99999999999999999999999}`)); err != nil {
		t.Fatal(err)
	}
	if r.X.MaxTokens != 1<<32-1 {
		t.Fatalf("MaxTokens %d", r.X.MaxTokens)
	}
}

// TestInvalidUTF8 checks that guards see valid UTF-8 while Rewrite keeps
// the original bytes of untouched texts.
func TestInvalidUTF8(t *testing.T) {
	body := []byte("{\"messages\":[{\"role\":\"user\",\"content\":\"bad \xff\xfe here\"},{\"role\":\"user\",\"content\":\"also \xc3 \\u00e9\"},{\"role\":\"user\",\"content\":\"fine\"}]}")
	var r Request
	if err := r.Parse(abi.APIOpenAIChat, body); err != nil {
		t.Fatal(err)
	}
	if got, want := r.X.Messages[0].Text, "bad \uFFFD\uFFFD here"; got != want {
		t.Errorf("text 0 %q, want %q", got, want)
	}
	if got, want := r.X.Messages[1].Text, "also \uFFFD é"; got != want {
		t.Errorf("text 1 %q, want %q", got, want)
	}
	r.X.Messages[2].Text = "FINE"
	out, err := r.Rewrite(nil, body, []bool{false, false, true})
	if err != nil {
		t.Fatal(err)
	}
	want := bytes.Replace(body, []byte(`"fine"`), []byte(`"FINE"`), 1)
	if !bytes.Equal(out, want) {
		t.Fatalf("got %q\nwant %q", out, want)
	}
}

func TestRewriteErrors(t *testing.T) {
	body := []byte(`{"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"a","name":"n","input":{}}]}]}`)
	var r Request
	if err := r.Parse(abi.APIAnthropicMessages, body); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		body  []byte
		text  string
		dirty []bool
		code  string
	}{
		{"index past messages", body, "{}", []bool{false, true}, CodeRewriteMismatch},
		{"other body", body[:10], "{}", []bool{true}, CodeRewriteMismatch},
		{"not json", body, "nope", []bool{true}, CodeBadRewrite},
		{"array", body, "[1]", []bool{true}, CodeBadRewrite},
		{"two objects", body, "{} {}", []bool{true}, CodeBadRewrite},
		{"invalid utf8", body, "{\"a\":\"\xff\"}", []bool{true}, CodeBadRewrite},
		{"truncated", body, `{"a":`, []bool{true}, CodeBadRewrite},
		{"ok with spaces", body, ` {"a": [1, "x"]} `, []bool{true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.X.Messages[0].Text = tt.text
			out, err := r.Rewrite([]byte("keep"), tt.body, tt.dirty)
			e := asError(t, err)
			if tt.code == "" {
				if e != nil {
					t.Fatal(e)
				}
				if !json.Valid(out[4:]) {
					t.Fatalf("invalid %s", out)
				}
				return
			}
			if e == nil || e.Code != tt.code || e.Status != 500 {
				t.Fatalf("got %v, want %s", err, tt.code)
			}
			if string(out) != "keep" {
				t.Fatalf("dst changed to %q", out)
			}
		})
	}
}

func TestResponseNotParsed(t *testing.T) {
	tests := []struct {
		status int
		body   string
		api    abi.API
	}{
		{400, `{"error":{"message":"bad"}}`, abi.APIOpenAIChat},
		{500, `upstream exploded`, abi.APIAnthropicMessages},
		{429, ``, abi.APIOpenAIChat},
		{200, ``, abi.APIOpenAIChat},
		{204, "  ", abi.APIOpenAIResponses},
		{200, `not json`, abi.APIUnknown},
	}
	for _, tt := range tests {
		var rs Response
		if err := rs.Parse(tt.api, tt.status, []byte(tt.body)); err != nil {
			t.Errorf("%d %q: %v", tt.status, tt.body, err)
		}
		if rs.R.Status != uint16(tt.status) || len(rs.R.Messages) != 0 {
			t.Errorf("%d %q: %+v", tt.status, tt.body, rs.R)
		}
		out, err := rs.Rewrite(nil, []byte(tt.body), nil)
		if err != nil || string(out) != tt.body {
			t.Errorf("%d: rewrite %q %v", tt.status, out, err)
		}
	}
}

// TestReuse parses different bodies with one Request and checks nothing
// leaks from one parse into the next.
func TestReuse(t *testing.T) {
	var r Request
	a := []byte(`{"model":"a","stream":true,"max_tokens":5,"system":"s","messages":[{"role":"user","content":"caf\u00e9"}],"tools":[{"name":"t"}]}`)
	b := []byte(`{"messages":[{"role":"user","content":"b"}]}`)
	if err := r.Parse(abi.APIAnthropicMessages, a); err != nil {
		t.Fatal(err)
	}
	r.X.RequestID = "req-1"
	if err := r.Parse(abi.APIOpenAIChat, []byte(`{"messages":1}`)); err == nil {
		t.Fatal("want error")
	}
	if err := r.Parse(abi.APIOpenAIChat, b); err != nil {
		t.Fatal(err)
	}
	if r.X.Model != "" || r.X.Stream || r.X.MaxTokens != 0 || len(r.X.Tools) != 0 || r.X.RequestID != "" ||
		len(r.X.Messages) != 1 || r.X.Messages[0] != (abi.Message{Role: "user", Text: "b"}) || r.X.API != abi.APIOpenAIChat {
		t.Fatalf("stale state: %+v", r.X)
	}
	out, err := r.Rewrite(nil, b, []bool{true})
	if err != nil || !bytes.Equal(out, b) {
		t.Fatalf("rewrite %s %v", out, err)
	}
	r.Reset()
	if r.p.b != nil || len(r.X.Messages) != 0 {
		t.Fatal("Reset kept the body")
	}
}
