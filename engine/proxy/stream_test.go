package proxy

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/valyala/fasthttp"

	"github.com/wardgate/ward/engine/exchange"
	"github.com/wardgate/ward/engine/mockllm"
	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/sdk/abi"
)

// chunkGuard is a response_chunk guard for tests: fn answers each call.
type chunkGuard struct {
	fn func(x *abi.Exchange, v *abi.Verdict)
}

func (chunkGuard) Name() string             { return "chunk" }
func (chunkGuard) Version() string          { return "1" }
func (chunkGuard) Handles(p abi.Phase) bool { return p == abi.PhaseResponseChunk }
func (g chunkGuard) Check(_ context.Context, x *abi.Exchange, v *abi.Verdict) error {
	v.Reset()
	g.fn(x, v)
	return nil
}

// upperHolding upper-cases text and holds the last partial word until the
// next delta: the client must get every word, upper-cased, once.
func upperHolding(x *abi.Exchange, v *abi.Verdict) {
	in := x.Chunk.Delta
	hold := ""
	if !x.Chunk.Final {
		hold = in[strings.LastIndexAny(in, " \n.,")+1:]
		if hold == "" && in != "" {
			// Hold the last character too, so that every channel ends
			// with text held for the final release.
			_, n := utf8.DecodeLastRuneInString(in)
			hold = in[len(in)-n:]
		}
	}
	v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: 0, Text: strings.ToUpper(in[:len(in)-len(hold)])})
	if hold != "" {
		v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: 1, Text: hold})
	}
}

// slowReader returns its bytes a few at a time, as a network would.
type slowReader struct {
	b []byte
	r *rand.Rand
}

func (s *slowReader) Read(p []byte) (int, error) {
	if len(s.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), 1+s.r.IntN(40))], s.b)
	s.b = s.b[n:]
	return n, nil
}

func mockStream(t *testing.T, chunk int, path, body string) []byte {
	t.Helper()
	s := mockllm.New(mockllm.Options{ChunkSize: chunk})
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetMethod("POST")
	ctx.Request.SetRequestURI(path)
	ctx.Request.Header.SetContentType("application/json")
	ctx.Request.SetBodyString(body)
	s.Handler()(&ctx)
	return bytes.Clone(ctx.Response.Body())
}

// clientTexts reads a stream as a client would: the text of each channel
// from its deltas, checked against the summary texts.
func clientTexts(t *testing.T, api abi.API, stream []byte) (texts []string, lastErr string) {
	t.Helper()
	var s exchange.SSE
	var ev exchange.Events
	ev.Reset(api)
	s.Write(stream)
	byChan := map[uint32]*strings.Builder{}
	var order []uint32
	for {
		e, ok, err := s.Next()
		if err != nil || !ok {
			break
		}
		name, data, _, _ := s.EventFields(e)
		k, err := ev.Parse(name, data)
		if err != nil {
			t.Fatalf("client cannot parse %q: %v", e, err)
		}
		if k == exchange.EventError {
			lastErr = ev.Code
		}
		for i, pt := range ev.Parts {
			b := byChan[pt.Chan]
			if b == nil {
				b = &strings.Builder{}
				byChan[pt.Chan] = b
				order = append(order, pt.Chan)
			}
			if pt.Whole {
				if ev.Texts[i].Text != b.String() {
					t.Fatalf("summary text %q, deltas %q", ev.Texts[i].Text, b.String())
				}
				continue
			}
			b.WriteString(ev.Texts[i].Text)
		}
	}
	if len(s.Pending()) != 0 {
		t.Fatalf("unterminated event %q", s.Pending())
	}
	for _, ch := range order {
		if byChan[ch].Len() > 0 {
			texts = append(texts, byChan[ch].String())
		}
	}
	return texts, lastErr
}

func runGuarded(t *testing.T, api abi.API, upstream []byte, steps []pipeline.Step, r *rand.Rand) []byte {
	t.Helper()
	up := fasthttp.AcquireResponse()
	up.SetBodyStream(&slowReader{b: upstream, r: r}, -1)
	closed := false
	g := newGuardedStream(context.Background(), pipeline.New(steps), &abi.Exchange{API: api, Stream: true}, api, up, func(*guardedStream) { closed = true })
	var out bytes.Buffer
	buf := make([]byte, 1+r.IntN(100))
	for {
		n, err := g.Read(buf)
		out.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	g.Close()
	if !closed {
		t.Fatal("done not called")
	}
	return out.Bytes()
}

var guardedCases = []struct {
	name, path, body string
	api              abi.API
}{
	{"chat", "/v1/chat/completions", `{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"n":2,"messages":[{"role":"user","content":"Say something about streams and guards."}]}`, abi.APIOpenAIChat},
	{"anthropic", "/v1/messages", `{"model":"claude","stream":true,"max_tokens":300,"messages":[{"role":"user","content":"Say something about streams, guards and ünïcode."}]}`, abi.APIAnthropicMessages},
	{"responses", "/v1/responses", `{"model":"gpt-4o","stream":true,"input":"Say something about the Responses API."}`, abi.APIOpenAIResponses},
}

// TestGuardedStreamEveryChunking: for every API and chunk size, the client
// gets the upstream's text transformed by the guard exactly as the whole
// text would be, summary events included, and well-formed events.
func TestGuardedStreamEveryChunking(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 3))
	for _, c := range guardedCases {
		for _, chunk := range []int{1, 2, 7, 50} {
			upstream := mockStream(t, chunk, c.path, c.body)
			want, _ := clientTexts(t, c.api, upstream)
			for i := range want {
				want[i] = strings.ToUpper(want[i])
			}
			out := runGuarded(t, c.api, upstream, []pipeline.Step{{Guard: chunkGuard{upperHolding}}}, r)
			got, errCode := clientTexts(t, c.api, out)
			if errCode != "" || strings.Join(got, "|") != strings.Join(want, "|") {
				t.Fatalf("%s chunk %d: error %q\nclient %q\nwant   %q", c.name, chunk, errCode, got, want)
			}
		}
	}
}

// TestGuardedStreamDeny: a guard that denies mid-stream ends it with the
// API's error event; nothing after the denied delta reaches the client.
func TestGuardedStreamDeny(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 5))
	for _, c := range guardedCases {
		upstream := mockStream(t, 3, c.path, c.body)
		calls := 0
		deny := func(x *abi.Exchange, v *abi.Verdict) {
			calls++
			if calls == 4 {
				v.Decision, v.Status, v.Code, v.Message = abi.Deny, 403, "output.blocked", "blocked"
			}
		}
		out := runGuarded(t, c.api, upstream, []pipeline.Step{{Guard: chunkGuard{deny}}}, r)
		texts, code := clientTexts(t, c.api, out)
		if code != "output.blocked" && code != "permission_error" {
			t.Fatalf("%s: error code %q in %q", c.name, code, out)
		}
		if n := len(strings.Join(texts, "")); n > 3*4*4 {
			t.Errorf("%s: %d bytes of text after a deny at the 4th delta", c.name, n)
		}
	}
}

// TestGuardedStreamUpstreamCut: an upstream that breaks off mid-event
// ends the client's stream with an error event.
func TestGuardedStreamUpstreamCut(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 7))
	for _, c := range guardedCases {
		upstream := mockStream(t, 3, c.path, c.body)
		out := runGuarded(t, c.api, upstream[:len(upstream)/2], []pipeline.Step{{Guard: chunkGuard{upperHolding}}}, r)
		if _, code := clientTexts(t, c.api, out); code == "" {
			t.Fatalf("%s: no error event after a cut upstream: %q", c.name, out[max(0, len(out)-200):])
		}
	}
}
