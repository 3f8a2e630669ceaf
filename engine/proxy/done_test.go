package proxy

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/wardgate/ward/engine/mockllm"
	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/wasmhost"
	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// phaseCounter is a guard for every phase that counts its calls by phase
// (the server calls it from its own goroutines).
type phaseCounter struct {
	name string
	fn   func(x *abi.Exchange, v *abi.Verdict)

	mu    sync.Mutex
	calls [4]int
	ann   string // the value of the annotation "tok.n" it last saw
}

func (g *phaseCounter) Name() string    { return g.name }
func (g *phaseCounter) Version() string { return "1" }
func (g *phaseCounter) Handles(p abi.Phase) bool {
	return p >= abi.PhaseRequest && p <= abi.PhaseResponseChunk
}
func (g *phaseCounter) Check(_ context.Context, x *abi.Exchange, v *abi.Verdict) error {
	v.Reset()
	g.mu.Lock()
	g.calls[x.Phase]++
	for _, a := range x.Annotations {
		if a.Key == "tok.n" {
			g.ann = a.Value
		}
	}
	g.mu.Unlock()
	if g.fn != nil {
		g.fn(x, v)
	}
	return nil
}

// take returns the calls by phase since the last take, and the annotation.
func (g *phaseCounter) take() ([4]int, string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c, a := g.calls, g.ann
	g.calls, g.ann = [4]int{}, ""
	return c, a
}

// tokenizer rewrites "alice@example.com" to a placeholder and annotates
// how many it replaced; with none replaced it says done (abi.CodeDone),
// like the pii guard. Its later phases put the address back.
func tokenizer() *phaseCounter {
	return &phaseCounter{name: "tok", fn: func(x *abi.Exchange, v *abi.Verdict) {
		switch x.Phase {
		case abi.PhaseRequest:
			n := 0
			for i, m := range x.Messages {
				if strings.Contains(m.Text, "alice@example.com") {
					v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: uint32(i), Text: strings.ReplaceAll(m.Text, "alice@example.com", "<EMAIL_1>")})
					n++
				}
			}
			v.Annotations = append(v.Annotations, abi.KV{Key: "tok.n", Value: string(rune('0' + n))})
			if n == 0 {
				v.Code = abi.CodeDone
			}
		case abi.PhaseResponse:
			for i, m := range x.Response.Messages {
				if strings.Contains(m.Text, "<EMAIL_1>") {
					v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: uint32(i), Text: strings.ReplaceAll(m.Text, "<EMAIL_1>", "alice@example.com")})
				}
			}
		case abi.PhaseResponseChunk:
			// A placeholder split over deltas is held until its '>'.
			d, hold := x.Chunk.Delta, ""
			if i := strings.LastIndexByte(d, '<'); i >= 0 && !strings.Contains(d[i:], ">") && !x.Chunk.Final {
				hold = d[i:]
			}
			send := strings.ReplaceAll(d[:len(d)-len(hold)], "<EMAIL_1>", "alice@example.com")
			if send != d {
				v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: 0, Text: send})
				if hold != "" {
					v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: 1, Text: hold})
				}
			}
		}
	}}
}

func streamChat(text string) string {
	return `{"model":"m","stream":true,"messages":[{"role":"user","content":"` + text + `"}]}`
}

// TestDoneGuardSkippedByProxy: through the server, a guard that says done
// in the request phase is not called for the whole answer nor for the
// stream's chunks (nor the usage call after the stream), its rewrite and
// annotation still apply, a guard after it is called in every phase; a
// guard that replaced something is called in every phase and restores.
func TestDoneGuardSkippedByProxy(t *testing.T) {
	tok, other := tokenizer(), &phaseCounter{name: "other"}
	e := start(t, oneRoute, map[string][]pipeline.Step{"llm": {{Guard: tok}, {Guard: other}}}, mockllm.Options{})
	const (
		req, resp, chunk = abi.PhaseRequest, abi.PhaseResponse, abi.PhaseResponseChunk
	)

	// Nothing to replace: done after the request phase.
	r, b := post(t, e.base+"/v1/chat/completions", chat("hello there"), nil)
	tc, _ := tok.take()
	oc, ann := other.take()
	if r.StatusCode != 200 || !strings.Contains(string(b), "hello there") {
		t.Fatalf("whole answer: %d %s", r.StatusCode, b)
	}
	if tc != [4]int{0, 1, 0, 0} || oc[req] != 1 || oc[resp] != 1 || ann != "0" {
		t.Fatalf("whole answer, done: tok calls %v, other calls %v (saw tok.n=%q)", tc, oc, ann)
	}
	r, b = post(t, e.base+"/v1/chat/completions", streamChat("hello there"), nil)
	tc, _ = tok.take()
	oc, ann = other.take()
	if r.StatusCode != 200 || !strings.Contains(string(b), "data: ") {
		t.Fatalf("stream: %d %s", r.StatusCode, b)
	}
	if tc != [4]int{0, 1, 0, 0} || oc[chunk] < 2 || ann != "0" {
		t.Fatalf("stream, done: tok calls %v, other calls %v (saw tok.n=%q)", tc, oc, ann)
	}

	// Something replaced: every phase, and the answer comes back restored.
	r, b = post(t, e.base+"/v1/chat/completions", chat("mail alice@example.com now"), map[string]string{mockllm.HeaderEchoHeaders: "1"})
	tc, _ = tok.take()
	oc, ann = other.take()
	if r.StatusCode != 200 || !strings.Contains(string(b), "mail alice@example.com now") || !strings.Contains(string(b), `<EMAIL_1>`) {
		// The echoed request body shows the placeholder upstream; the answer text is restored.
		t.Fatalf("whole answer: %d %s", r.StatusCode, b)
	}
	if tc[req] != 1 || tc[resp] != 1 || oc[resp] != 1 || ann != "1" {
		t.Fatalf("whole answer, not done: tok calls %v, other calls %v", tc, oc)
	}
	r, b = post(t, e.base+"/v1/chat/completions", streamChat("mail alice@example.com now"), nil)
	tc, _ = tok.take()
	oc, _ = other.take()
	if r.StatusCode != 200 || !strings.Contains(string(b), "alice@example.com") || strings.Contains(string(b), "<EMAIL_1>") {
		t.Fatalf("stream: %d %s", r.StatusCode, b)
	}
	if tc[req] != 1 || tc[chunk] < 2 || oc[chunk] < 2 {
		t.Fatalf("stream, not done: tok calls %v, other calls %v", tc, oc)
	}
}

// TestDoneEveryAnswerGuard: when every response and response_chunk guard
// is done after the request phase, the answer is forwarded without
// calling any guard, whole or streamed, and arrives intact.
func TestDoneEveryAnswerGuard(t *testing.T) {
	tok := tokenizer()
	e := start(t, oneRoute, map[string][]pipeline.Step{"llm": {{Guard: tok}}}, mockllm.Options{ChunkSize: 3})
	r, b := post(t, e.base+"/v1/chat/completions", chat("hello there"), nil)
	if tc, _ := tok.take(); r.StatusCode != 200 || !strings.Contains(string(b), "hello there") || tc != [4]int{0, 1, 0, 0} {
		t.Fatalf("whole answer: %d %s, tok calls %v", r.StatusCode, b, tc)
	}
	r, b = post(t, e.base+"/v1/chat/completions", streamChat("hello there"), nil)
	if tc, _ := tok.take(); r.StatusCode != 200 || !strings.Contains(string(b), "[DONE]") || tc != [4]int{0, 1, 0, 0} {
		t.Fatalf("stream: %d %s, tok calls %v", r.StatusCode, b, tc)
	}
	// The pooled request state does not carry the done guard over.
	r, b = post(t, e.base+"/v1/chat/completions", streamChat("mail alice@example.com now"), nil)
	if tc, _ := tok.take(); r.StatusCode != 200 || tc[abi.PhaseResponseChunk] == 0 || strings.Contains(string(b), "<EMAIL_1>") {
		t.Fatalf("stream after a done one: %d %s, tok calls %v", r.StatusCode, b, tc)
	}
}

// TestPIIDoneEndToEnd: the real pii guard, in Wasm, through the server. A
// request with nothing to tokenize costs one guest call (the request
// phase), whole answer or stream; one that tokenized an e-mail gets its
// response call, or its chunk calls (TestStreamRestoresTokensEndToEnd
// checks the streamed restoration), and the client gets the address back.
func TestPIIDoneEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Wasm guard")
	}
	ctx := context.Background()
	host, err := wasmhost.New(ctx, wasmhost.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { host.Close(ctx) })
	pii, err := host.Load(ctx, wasmhost.Spec{Name: "pii", Wasm: guesttest.Build(t, "../../plugins/pii/module"), PoolSize: 1,
		ConfigJSON: []byte(`{"tokenize_key":"done-test-key-0123456789abcdefghijkl","actions":{"EMAIL":"tokenize"}}`)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pii.Close(ctx) })
	e := start(t, oneRoute, map[string][]pipeline.Step{"llm": {{Guard: pii}}}, mockllm.Options{ChunkSize: 4})
	const email = "jane.doe@example.com"
	cases := []struct {
		name, body string
		calls      func(uint64) bool
		want       string
	}{
		{"whole, clean", chat("What is the capital of France?"), func(n uint64) bool { return n == 1 }, "capital of France"},
		{"stream, clean", streamChat("What is the capital of France?"), func(n uint64) bool { return n == 1 }, "[DONE]"},
		{"whole, tokenized", chat("Write to " + email + " today"), func(n uint64) bool { return n == 2 }, email},
		{"stream, tokenized", streamChat("Write to " + email + " today"), func(n uint64) bool { return n > 2 }, "[DONE]"},
	}
	for _, c := range cases {
		before := pii.Stats().Calls
		r, b := post(t, e.base+"/v1/chat/completions", c.body, nil)
		n := pii.Stats().Calls - before
		if r.StatusCode != 200 || !strings.Contains(string(b), c.want) || !c.calls(n) {
			t.Fatalf("%s: status %d, %d guest calls, answer %s", c.name, r.StatusCode, n, b)
		}
	}
}
