package exchange_test

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
	"github.com/wardgate/ward/engine/exchange"
	"github.com/wardgate/ward/engine/mockllm"
	"github.com/wardgate/ward/sdk/abi"
)

// mockAnswer returns the mock upstream's answer body to body at path.
func mockAnswer(t *testing.T, chunk int, path, body string) []byte {
	t.Helper()
	s := mockllm.New(mockllm.Options{ChunkSize: chunk})
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetMethod("POST")
	ctx.Request.SetRequestURI(path)
	ctx.Request.Header.SetContentType("application/json")
	ctx.Request.SetBodyString(body)
	s.Handler()(&ctx)
	if ctx.Response.StatusCode() != 200 {
		t.Fatalf("%s: status %d: %s", path, ctx.Response.StatusCode(), ctx.Response.Body())
	}
	return bytes.Clone(ctx.Response.Body())
}

var streamCases = []struct {
	name, path string
	api        abi.API
	body       string // %s: "stream":true or false
}{
	{"openai chat", "/v1/chat/completions", abi.APIOpenAIChat,
		`{"model":"gpt-4o",%s,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Tell me about the quarterly numbers, the board and jane.doe@example.com in a few sentences."}]}`},
	{"openai chat n=2", "/v1/chat/completions", abi.APIOpenAIChat,
		`{"model":"gpt-4o",%s,"n":2,"messages":[{"role":"user","content":"Two answers about streaming, please."}]}`},
	{"anthropic", "/v1/messages", abi.APIAnthropicMessages,
		`{"model":"claude-sonnet-4",%s,"max_tokens":200,"messages":[{"role":"user","content":"Describe Server-Sent Events in détail, with ünïcode and 日本語."}]}`},
	{"responses", "/v1/responses", abi.APIOpenAIResponses,
		`{"model":"gpt-4o",%s,"input":"Explain the event stream of the Responses API."}`},
	{"completions", "/v1/completions", abi.APIOpenAICompletions,
		`{"model":"gpt-3.5-turbo-instruct",%s,"prompt":"Once upon a time"}`},
}

func body(c string, stream bool) string {
	if stream {
		return strings.Replace(c, "%s", `"stream":true`, 1)
	}
	return strings.Replace(c, "%s", `"stream":false`, 1)
}

// readStream feeds sse to an SSE splitter in random pieces and returns its
// events and the bytes left over.
func readStream(t *testing.T, sse []byte, r *rand.Rand) (events [][]byte) {
	t.Helper()
	var s exchange.SSE
	for rest := sse; len(rest) > 0; {
		n := 1 + r.IntN(min(len(rest), 64))
		s.Write(rest[:n])
		rest = rest[n:]
		for {
			ev, ok, err := s.Next()
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				break
			}
			events = append(events, bytes.Clone(ev))
		}
	}
	if p := s.Pending(); len(p) != 0 {
		t.Fatalf("%d bytes after the last event: %q", len(p), p)
	}
	if got := bytes.Join(events, nil); !bytes.Equal(got, sse) {
		t.Fatal("events do not add up to the stream")
	}
	return events
}

// TestEventsMatchWholeAnswer: for every API, chunk size and way of cutting
// the byte stream, the deltas of each channel add up to the texts of the
// same answer unstreamed, the summary texts repeat their channel's deltas,
// and the usage is the unstreamed usage.
func TestEventsMatchWholeAnswer(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, c := range streamCases {
		for _, chunk := range []int{1, 3, 16} {
			whole := mockAnswer(t, chunk, c.path, body(c.body, false))
			var resp exchange.Response
			if err := resp.Parse(c.api, 200, whole); err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, m := range resp.R.Messages {
				if m.Kind == abi.KindText {
					want = append(want, m.Text)
				}
			}
			sse := mockAnswer(t, chunk, c.path, body(c.body, true))
			var s exchange.SSE
			var ev exchange.Events
			ev.Reset(c.api)
			texts := map[uint32]*strings.Builder{}
			var order []uint32
			done, wholes := false, 0
			for _, e := range readStream(t, sse, r) {
				name, data, _, _ := s.EventFields(e)
				kind, err := ev.Parse(name, data)
				if err != nil {
					t.Fatalf("%s: %v in %q", c.name, err, e)
				}
				if done {
					t.Fatalf("%s: event after the end: %q", c.name, e)
				}
				done = kind == exchange.EventDone
				for i, pt := range ev.Parts {
					b := texts[pt.Chan]
					if b == nil {
						b = &strings.Builder{}
						texts[pt.Chan] = b
						order = append(order, pt.Chan)
					}
					if pt.Whole {
						wholes++
						if ev.Texts[i].Text != b.String() {
							t.Fatalf("%s: whole text %q of channel %#x, deltas so far %q", c.name, ev.Texts[i].Text, pt.Chan, b.String())
						}
						continue
					}
					b.WriteString(ev.Texts[i].Text)
				}
			}
			if !done {
				t.Fatalf("%s: no end event", c.name)
			}
			var got []string
			for _, ch := range order {
				if texts[ch].Len() > 0 {
					got = append(got, texts[ch].String())
				}
			}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Fatalf("%s chunk %d:\nstreamed %q\nwhole    %q", c.name, chunk, got, want)
			}
			if c.api == abi.APIOpenAIResponses && wholes == 0 {
				t.Errorf("%s: no summary texts seen", c.name)
			}
			usage := c.api == abi.APIAnthropicMessages || c.api == abi.APIOpenAIResponses || strings.Contains(c.body, "include_usage")
			if usage && (ev.PromptTokens != resp.R.PromptTokens || ev.CompletionTokens != resp.R.CompletionTokens) {
				t.Errorf("%s: usage %d/%d, whole answer %d/%d", c.name, ev.PromptTokens, ev.CompletionTokens, resp.R.PromptTokens, resp.R.CompletionTokens)
			}
		}
	}
}

// TestEventsRewrite replaces every text of every event and checks that the
// rewritten event parses to the new texts, and that nothing else changed.
func TestEventsRewrite(t *testing.T) {
	for _, c := range streamCases {
		sse := mockAnswer(t, 5, c.path, body(c.body, true))
		var s exchange.SSE
		s.Write(sse)
		var ev, again exchange.Events
		ev.Reset(c.api)
		again.Reset(c.api)
		for {
			e, ok, err := s.Next()
			if err != nil || !ok {
				break
			}
			name, data, at, one := s.EventFields(e)
			if _, err := ev.Parse(name, data); err != nil {
				t.Fatal(err)
			}
			if len(ev.Texts) == 0 {
				continue
			}
			if !one {
				t.Fatalf("%s: multi-line data %q", c.name, e)
			}
			dirty := make([]bool, len(ev.Texts))
			want := make([]string, len(ev.Texts))
			for i := range ev.Texts {
				want[i] = "«" + strings.ToUpper(ev.Texts[i].Text) + "\"\n»"
				ev.Texts[i].Text = want[i]
				dirty[i] = true
			}
			nd, err := ev.Rewrite(nil, data, dirty)
			if err != nil {
				t.Fatal(err)
			}
			out := append(append(append([]byte(nil), e[:at]...), nd...), e[at+len(data):]...)
			name2, data2, _, _ := s.EventFields(out)
			if _, err := again.Parse(name2, data2); err != nil {
				t.Fatalf("%s: rewritten event does not parse: %v\n%q", c.name, err, out)
			}
			for i := range want {
				if again.Texts[i].Text != want[i] {
					t.Fatalf("%s: text %d %q, want %q", c.name, i, again.Texts[i].Text, want[i])
				}
			}
		}
	}
}

func TestSSELineEndings(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"data: a\n\ndata: b\n\n", []string{"data: a\n\n", "data: b\n\n"}},
		{"data: a\r\n\r\ndata: b\r\rdata: c\n\r\n", []string{"data: a\r\n\r\n", "data: b\r\r", "data: c\n\r\n"}},
		{"event: x\ndata: 1\ndata: 2\n\n: comment\n\n", []string{"event: x\ndata: 1\ndata: 2\n\n", ": comment\n\n"}},
	} {
		for cut := 0; cut <= len(c.in); cut++ {
			var s exchange.SSE
			var got []string
			for _, part := range []string{c.in[:cut], c.in[cut:]} {
				s.Write([]byte(part))
				for {
					ev, ok, err := s.Next()
					if err != nil {
						t.Fatal(err)
					}
					if !ok {
						break
					}
					got = append(got, string(ev))
				}
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("%q cut at %d: %q, want %q", c.in, cut, got, c.want)
			}
		}
	}
	var s exchange.SSE
	name, data, _, one := s.EventFields([]byte("event: x\ndata: 1\ndata:2\nid: 7\n\n"))
	if string(name) != "x" || string(data) != "1\n2" || one {
		t.Errorf("fields %q %q %v", name, data, one)
	}
}

func TestSSETooLarge(t *testing.T) {
	var s exchange.SSE
	s.Write(bytes.Repeat([]byte("a"), exchange.MaxEventSize+1))
	if _, _, err := s.Next(); err == nil {
		t.Fatal("no error for an event larger than MaxEventSize")
	}
}

func FuzzEvents(f *testing.F) {
	f.Add(uint8(abi.APIOpenAIChat), []byte("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}\n\ndata: [DONE]\n\n"))
	f.Add(uint8(abi.APIAnthropicMessages), []byte("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n"))
	f.Add(uint8(abi.APIOpenAIResponses), []byte("event: response.output_text.done\ndata: {\"type\":\"response.output_text.done\",\"output_index\":0,\"content_index\":0,\"text\":\"Hi\"}\n\n"))
	f.Fuzz(func(t *testing.T, api uint8, in []byte) {
		var s exchange.SSE
		var ev exchange.Events
		ev.Reset(abi.API(api % 6))
		s.Write(in)
		for {
			e, ok, err := s.Next()
			if err != nil || !ok {
				return
			}
			name, data, _, _ := s.EventFields(e)
			if _, err := ev.Parse(name, data); err != nil {
				continue
			}
			if len(ev.Texts) != len(ev.Parts) {
				t.Fatalf("%d texts, %d parts", len(ev.Texts), len(ev.Parts))
			}
			dirty := make([]bool, len(ev.Texts))
			for i := range dirty {
				dirty[i] = true
				ev.Texts[i].Text += "x"
			}
			if _, err := ev.Rewrite(nil, data, dirty); err != nil {
				t.Fatalf("rewrite of a parsed event: %v", err)
			}
		}
	})
}

// FuzzSSE: cutting a byte stream anywhere yields the same events as
// writing it whole.
func FuzzSSE(f *testing.F) {
	f.Add([]byte("data: a\r\n\r\ndata: b\r\rdata: c\n\r\n: x\n\n"), uint16(7))
	f.Fuzz(func(t *testing.T, in []byte, cut uint16) {
		events := func(parts ...[]byte) (out []string) {
			var s exchange.SSE
			for _, p := range parts {
				s.Write(p)
				for {
					ev, ok, err := s.Next()
					if err != nil || !ok {
						break
					}
					out = append(out, string(ev))
				}
			}
			return out
		}
		c := int(cut) % (len(in) + 1)
		a, b := events(in), events(in[:c], in[c:])
		if strings.Join(a, "\x00|") != strings.Join(b, "\x00|") {
			t.Fatalf("whole %q\ncut at %d %q", a, c, b)
		}
	})
}

// TestAppendStop: the stop events of every API parse back as an error
// carrying the code and message (then, for OpenAI, the end of the stream).
func TestAppendStop(t *testing.T) {
	for _, api := range []abi.API{abi.APIOpenAIChat, abi.APIOpenAICompletions, abi.APIAnthropicMessages, abi.APIOpenAIResponses} {
		var ev exchange.Events
		ev.Reset(api)
		stop := ev.AppendStop(nil, 403, "output.blocked", `answer stopped: "secret" found`)
		var s exchange.SSE
		s.Write(stop)
		var kinds []exchange.EventKind
		for {
			e, ok, err := s.Next()
			if err != nil || !ok {
				break
			}
			name, data, _, _ := s.EventFields(e)
			k, err := ev.Parse(name, data)
			if err != nil {
				t.Fatalf("%v: %v in %q", api, err, e)
			}
			if k == exchange.EventError && (ev.Code != "output.blocked" && ev.Code != "permission_error" || !strings.Contains(ev.Message, `"secret"`)) {
				t.Errorf("%v: error event code %q message %q", api, ev.Code, ev.Message)
			}
			kinds = append(kinds, k)
		}
		if len(kinds) == 0 || kinds[0] != exchange.EventError || len(s.Pending()) != 0 {
			t.Errorf("%v: stop events %v in %q", api, kinds, stop)
		}
		// OpenAI and Anthropic streams also get their end event.
		if api != abi.APIOpenAIResponses && (len(kinds) != 2 || kinds[1] != exchange.EventDone) {
			t.Errorf("%v: stop events %v, want an error then the end", api, kinds)
		}
	}
}

// TestAppendText: a copy of a channel's text event with another text.
func TestAppendText(t *testing.T) {
	for _, c := range streamCases {
		sse := mockAnswer(t, 4, c.path, body(c.body, true))
		var s exchange.SSE
		s.Write(sse)
		var ev exchange.Events
		ev.Reset(c.api)
		for {
			e, ok, err := s.Next()
			if err != nil || !ok {
				break
			}
			name, data, _, _ := s.EventFields(e)
			if k, _ := ev.Parse(name, data); k != exchange.EventText || ev.Parts[0].Whole {
				continue
			}
			ch := ev.Parts[0].Chan
			out, err := ev.AppendText(nil, e, ch, "released <text>")
			if err != nil {
				t.Fatal(err)
			}
			name, data, _, _ = s.EventFields(out)
			if _, err := ev.Parse(name, data); err != nil || len(ev.Texts) == 0 || ev.Texts[0].Text != "released <text>" || ev.Parts[0].Chan != ch {
				t.Fatalf("%s: %q parses to %+v, %v", c.name, out, ev.Texts, err)
			}
			break
		}
	}
}
