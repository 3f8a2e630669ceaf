package proxy

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/exchange"
	"github.com/wardgate/ward/engine/mockllm"
	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/wasmhost"
	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// TestStreamRestoresTokensEndToEnd: the real pii guard tokenizes an
// e-mail in a streamed request; the mock upstream echoes the prompt back
// in 1-, 3- and 4-rune deltas, so the placeholder arrives split; the
// client receives the e-mail restored, for OpenAI chat, Anthropic and the
// Responses API, while the upstream saw only the placeholder.
func TestStreamRestoresTokensEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Wasm guard")
	}
	ctx := context.Background()
	host, err := wasmhost.New(ctx, wasmhost.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { host.Close(ctx) })
	pii, err := host.Load(ctx, wasmhost.Spec{Name: "pii", Wasm: guesttest.Build(t, "../../plugins/pii/module"), PoolSize: 2,
		ConfigJSON: []byte(`{"tokenize_key":"stream-test-key-0123456789abcdefghij","actions":{"EMAIL":"tokenize"}}`)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pii.Close(ctx) })
	const email = "jane.doe@example.com"
	for _, chunk := range []int{1, 3, 4} {
		e := start(t, oneRoute, map[string][]pipeline.Step{"llm": {{Guard: pii}}}, mockllm.Options{ChunkSize: chunk})
		for _, c := range []struct {
			path, body string
			api        abi.API
		}{
			{"/v1/chat/completions", `{"model":"m","stream":true,"messages":[{"role":"user","content":"Write to ` + email + ` today"}]}`, abi.APIOpenAIChat},
			{"/v1/messages", `{"model":"m","stream":true,"max_tokens":100,"messages":[{"role":"user","content":"Write to ` + email + ` today"}]}`, abi.APIAnthropicMessages},
			{"/v1/responses", `{"model":"m","stream":true,"input":"Write to ` + email + ` today"}`, abi.APIOpenAIResponses},
		} {
			req, _ := http.NewRequest("POST", e.base+c.path, strings.NewReader(c.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(mockllm.HeaderEchoHeaders, "1")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
				t.Fatalf("%s: status %d %s", c.path, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			var s exchange.SSE
			var ev exchange.Events
			ev.Reset(c.api)
			var text strings.Builder
			r := bufio.NewReader(resp.Body)
			buf := make([]byte, 512)
			for {
				n, err := r.Read(buf)
				s.Write(buf[:n])
				for {
					e, ok, _ := s.Next()
					if !ok {
						break
					}
					name, data, _, _ := s.EventFields(e)
					k, perr := ev.Parse(name, data)
					if perr != nil || k == exchange.EventError {
						t.Fatalf("%s chunk %d: event %q: %v %s", c.path, chunk, e, perr, ev.Message)
					}
					for i, pt := range ev.Parts {
						if !pt.Whole {
							text.WriteString(ev.Texts[i].Text)
						}
					}
				}
				if err != nil {
					break
				}
			}
			resp.Body.Close()
			got := text.String()
			if !strings.Contains(got, "Write to "+email+" today") || strings.Contains(got, "<EMAIL") {
				t.Fatalf("%s chunk %d: client text %q", c.path, chunk, got)
			}
		}
		// What the upstream saw: the placeholder, never the address.
		resp, b := post(t, e.base+"/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"Write to `+email+`"}]}`, map[string]string{mockllm.HeaderEchoHeaders: "1"})
		var m struct {
			Received string `json:"received_body"`
		}
		if resp.StatusCode != 200 || json.Unmarshal(b, &m) != nil || strings.Contains(m.Received, email) || !strings.Contains(m.Received, "<EMAIL_1>") {
			t.Fatalf("upstream saw %q (status %d)", m.Received, resp.StatusCode)
		}
	}
}

// usageGuard passes chunks and records the usage the response phase sees.
type usageGuard struct{ seen chan abi.Response }

func (usageGuard) Name() string    { return "usage" }
func (usageGuard) Version() string { return "1" }
func (usageGuard) Handles(p abi.Phase) bool {
	return p == abi.PhaseResponse || p == abi.PhaseResponseChunk
}
func (g usageGuard) Check(_ context.Context, x *abi.Exchange, v *abi.Verdict) error {
	v.Reset()
	if x.Phase == abi.PhaseResponse {
		g.seen <- x.Response
	}
	return nil
}

// TestStreamUsageReachesResponsePhase: after a guarded stream ends, the
// response phase runs once with the stream's token usage (what rate
// limits reconcile), for OpenAI chat with include_usage and Anthropic.
func TestStreamUsageReachesResponsePhase(t *testing.T) {
	g := usageGuard{seen: make(chan abi.Response, 4)}
	e := start(t, oneRoute, map[string][]pipeline.Step{"llm": {{Guard: g}}}, mockllm.Options{ChunkSize: 3})
	for _, c := range []struct{ path, body string }{
		{"/v1/chat/completions", `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"count my tokens please"}]}`},
		{"/v1/messages", `{"model":"m","stream":true,"max_tokens":100,"messages":[{"role":"user","content":"count my tokens please"}]}`},
	} {
		resp, b := post(t, e.base+c.path, c.body, nil)
		if resp.StatusCode != 200 || !strings.Contains(string(b), "data: ") {
			t.Fatalf("%s: %d %s", c.path, resp.StatusCode, b)
		}
		r := <-g.seen
		if r.PromptTokens == 0 || r.CompletionTokens == 0 {
			t.Errorf("%s: response phase saw usage %+v", c.path, r)
		}
	}
}

// TestStreamUpstreamCutEndsWithError: an upstream that breaks off
// mid-stream gives the client the API's error event, not a hang or a
// silently truncated answer.
func TestStreamUpstreamCutEndsWithError(t *testing.T) {
	g := usageGuard{seen: make(chan abi.Response, 4)}
	e := start(t, oneRoute, map[string][]pipeline.Step{"llm": {{Guard: g}}}, mockllm.Options{ChunkSize: 2})
	for _, c := range []struct {
		path, body, want string
	}{
		{"/v1/chat/completions", `{"model":"m","stream":true,"messages":[{"role":"user","content":"a long enough prompt to cut"}]}`, `"code":"upstream_stream_broken"`},
		{"/v1/messages", `{"model":"m","stream":true,"max_tokens":100,"messages":[{"role":"user","content":"a long enough prompt to cut"}]}`, "event: error"},
	} {
		resp, b := post(t, e.base+c.path, c.body, map[string]string{mockllm.HeaderFault: mockllm.FaultStreamCut})
		if resp.StatusCode != 200 || !strings.Contains(string(b), c.want) {
			t.Fatalf("%s: %d, no %q at the end of %q", c.path, resp.StatusCode, c.want, b[max(0, len(b)-300):])
		}
	}
}

// TestStreamClientGoneCancelsUpstream: a client that stops reading a
// guarded stream makes Ward close the upstream connection, which ends the
// generation upstream instead of letting it run to the end.
func TestStreamClientGoneCancelsUpstream(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := make(chan time.Duration, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		req, err := http.ReadRequest(r)
		if err != nil {
			return
		}
		io.Copy(io.Discard, req.Body)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
		start := time.Now()
		for i := 0; i < 1000; i++ {
			ev := fmt.Sprintf(`data: {"choices":[{"index":0,"delta":{"content":"word%d "},"finish_reason":null}]}`+"\n\n", i)
			if _, err := fmt.Fprintf(c, "%x\r\n%s\r\n", len(ev), ev); err != nil {
				gone <- time.Since(start)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	defer ln.Close()
	g := usageGuard{seen: make(chan abi.Response, 4)}
	e2 := start(t, strings.ReplaceAll(strings.ReplaceAll(oneRoute, "{{UP}}", "http://"+ln.Addr().String()), `timeout = "500ms"`, `timeout = "30s"`), map[string][]pipeline.Step{"llm": {{Guard: g}}}, mockllm.Options{})
	req, _ := http.NewRequest("POST", e2.base+"/v1/chat/completions", strings.NewReader(`{"model":"m","stream":true,"messages":[{"role":"user","content":"go on forever"}]}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close() // the client goes away after the first bytes
	select {
	case d := <-gone:
		if d > 5*time.Second {
			t.Errorf("upstream noticed after %v", d)
		}
	case <-time.After(8 * time.Second):
		t.Fatal("the upstream connection stayed open after the client left")
	}
}

// streamRecords keeps a copy of each request record.
type streamRecords struct{ c chan Record }

func (o streamRecords) ObserveRequest(r *Record) {
	c := *r
	c.Guards = append([]pipeline.Record(nil), r.Guards...)
	c.Annotations = nil
	c.Prompt, c.Answer = nil, nil
	c.RequestID, c.Route, c.Model, c.Code, c.StreamEnd = strings.Clone(r.RequestID), strings.Clone(r.Route), strings.Clone(r.Model), strings.Clone(r.Code), strings.Clone(r.StreamEnd)
	o.c <- c
}

// TestStreamRecordedAtItsEnd: a stream the guards check is recorded (audit,
// metrics, console) once it has ended, with how it ended, its token usage
// and the chunk guard that stopped it.
func TestStreamRecordedAtItsEnd(t *testing.T) {
	obs := streamRecords{c: make(chan Record, 8)}
	deny := chunkGuard{func(x *abi.Exchange, v *abi.Verdict) {
		if strings.Contains(x.Chunk.Delta, "secret") || strings.Contains(x.Chunk.Window, "secret") {
			v.Decision, v.Status, v.Code = abi.Deny, 403, "output.secret"
		}
	}}
	g := usageGuard{seen: make(chan abi.Response, 8)}
	e := startWith(t, oneRoute, map[string][]pipeline.Step{"llm": {{Guard: g}, {Guard: deny}}}, mockllm.Options{ChunkSize: 3},
		func(s *Server) { s.SetObserver(obs, false) })
	for _, c := range []struct {
		name, body  string
		hdrs        map[string]string
		end, code   string
		tokens      bool
		guardDenied string
	}{
		{"completed", `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"count my tokens please"}]}`, nil, "completed", "", true, ""},
		{"cut", `{"model":"m","stream":true,"messages":[{"role":"user","content":"a long enough prompt to cut"}]}`, map[string]string{mockllm.HeaderFault: mockllm.FaultStreamCut}, "stopped", "upstream_stream_broken", false, ""},
		{"denied", `{"model":"m","stream":true,"messages":[{"role":"user","content":"tell me the secret word"}]}`, nil, "stopped", "output.secret", false, "chunk"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, _ := post(t, e.base+"/v1/chat/completions", c.body, c.hdrs)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			var r Record
			select {
			case r = <-obs.c:
			case <-time.After(5 * time.Second):
				t.Fatal("no record")
			}
			if !r.Stream || r.StreamEnd != c.end || r.Code != c.code || r.StreamDuration < r.Duration || r.Status != 200 {
				t.Fatalf("record: stream %v end %q code %q stream %v / decided %v status %d", r.Stream, r.StreamEnd, r.Code, r.StreamDuration, r.Duration, r.Status)
			}
			if c.tokens && (r.PromptTokens == 0 || r.CompletionTokens == 0) {
				t.Errorf("no usage in the record: %d/%d", r.PromptTokens, r.CompletionTokens)
			}
			found := c.guardDenied == ""
			for _, gr := range r.Guards {
				if gr.Guard == c.guardDenied && gr.Phase == abi.PhaseResponseChunk && gr.Outcome == pipeline.OutcomeDeny && gr.Code == "output.secret" {
					found = true
				}
			}
			if !found {
				t.Errorf("the chunk guard's denial is not in the record: %+v", r.Guards)
			}
		})
	}
}

// wholeGuard checks whole answers only (no response_chunk): it denies an
// answer that says "forbidden", rewrites one that says "rewrite-me", and
// sends every whole answer it sees on seen.
type wholeGuard struct{ seen chan abi.Response }

func (wholeGuard) Name() string             { return "whole" }
func (wholeGuard) Version() string          { return "1" }
func (wholeGuard) Handles(p abi.Phase) bool { return p == abi.PhaseResponse }
func (g wholeGuard) Check(_ context.Context, x *abi.Exchange, v *abi.Verdict) error {
	v.Reset()
	g.seen <- x.Response
	for i, m := range x.Response.Messages {
		switch {
		case strings.Contains(m.Text, "forbidden"):
			v.Decision, v.Status, v.Code, v.Message = abi.Deny, 451, "whole.forbidden", "answer withheld"
			return nil
		case strings.Contains(m.Text, "rewrite-me"):
			v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: uint32(i), Text: "[redacted]"})
		}
	}
	return nil
}

// TestStreamHeldForWholeAnswerGuard: on a route whose enforcing guard
// checks whole answers only, a streamed answer is held until that guard
// has seen all of its text (put together from the deltas, with the
// stream's usage): a denial answers the API's error instead of the
// stream, a rewrite puts the new text in the events, an allow relays the
// stream as the upstream sent it, through the chunk guards when the route
// also has some; the guard is not called again with the
// stream's usage at its end. For OpenAI chat, Anthropic and the
// Responses API, with and without a chunk guard beside it.
func TestStreamHeldForWholeAnswerGuard(t *testing.T) {
	for _, withChunks := range []bool{false, true} {
		g := wholeGuard{seen: make(chan abi.Response, 8)}
		steps := []pipeline.Step{{Guard: g}}
		var usage usageGuard
		if withChunks {
			usage = usageGuard{seen: make(chan abi.Response, 8)}
			steps = append(steps, pipeline.Step{Guard: usage})
		}
		e := start(t, oneRoute, map[string][]pipeline.Step{"llm": steps}, mockllm.Options{ChunkSize: 3})
		for _, c := range []struct {
			api        abi.API
			path, body string
		}{
			{abi.APIOpenAIChat, "/v1/chat/completions", `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"PROMPT"}]}`},
			{abi.APIAnthropicMessages, "/v1/messages", `{"model":"m","stream":true,"max_tokens":100,"messages":[{"role":"user","content":"PROMPT"}]}`},
			{abi.APIOpenAIResponses, "/v1/responses", `{"model":"m","stream":true,"input":"PROMPT"}`},
		} {
			name, api := fmt.Sprintf("%s chunks=%v", c.path, withChunks), c.api
			// Allowed: the stream as the upstream sent it.
			resp, b := post(t, e.base+c.path, strings.Replace(c.body, "PROMPT", "tell me a story", 1), nil)
			if got := streamText(t, api, b); resp.StatusCode != 200 || got != "Mock answer to: tell me a story" || !strings.Contains(resp.Header.Get("Content-Type"), "text/event-stream") {
				t.Fatalf("%s: allowed stream: %d, text %q in %s", name, resp.StatusCode, got, b)
			}
			r := seen(t, g.seen, name)
			if len(r.Messages) != 1 || r.Messages[0].Text != "Mock answer to: tell me a story" || r.Messages[0].Role != "assistant" {
				t.Fatalf("%s: the guard saw %+v", name, r.Messages)
			}
			if r.PromptTokens == 0 || r.CompletionTokens == 0 {
				t.Errorf("%s: the guard saw usage %d/%d", name, r.PromptTokens, r.CompletionTokens)
			}
			if withChunks {
				if u := seen(t, usage.seen, name); u.CompletionTokens == 0 {
					t.Errorf("%s: the chunk guard's usage call saw %+v", name, u)
				}
			}
			// Denied: the API's error, no stream.
			resp, b = post(t, e.base+c.path, strings.Replace(c.body, "PROMPT", "say something forbidden", 1), nil)
			if resp.StatusCode != 451 || !strings.Contains(string(b), "whole.forbidden") || strings.Contains(string(b), "data: ") {
				t.Fatalf("%s: denied stream: %d %s", name, resp.StatusCode, b)
			}
			seen(t, g.seen, name)
			// Rewritten: the new text in the events, the old nowhere.
			resp, b = post(t, e.base+c.path, strings.Replace(c.body, "PROMPT", "rewrite-me please", 1), nil)
			if got := streamText(t, api, b); resp.StatusCode != 200 || got != "[redacted]" || strings.Contains(string(b), "me please") {
				t.Fatalf("%s: rewritten stream: %d, text %q in %s", name, resp.StatusCode, got, b)
			}
			seen(t, g.seen, name)
			if withChunks {
				seen(t, usage.seen, name)
			}
			select {
			case r := <-g.seen:
				t.Fatalf("%s: the whole-answer guard was called again: %+v", name, r)
			default:
			}
		}
	}
}

// seen receives what a guard saw, failing the test when it saw nothing in
// 10 s (the guard was not called).
func seen(t *testing.T, ch chan abi.Response, what string) abi.Response {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: the guard was not called", what)
		return abi.Response{}
	}
}

// streamText is the answer text of the SSE stream b of api: every text
// delta of every channel, in order.
func streamText(t *testing.T, api abi.API, b []byte) string {
	t.Helper()
	var (
		sse exchange.SSE
		ev  exchange.Events
		out strings.Builder
	)
	ev.Reset(api)
	sse.Write(b)
	for {
		e, ok, err := sse.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return out.String()
		}
		name, data, _, _ := sse.EventFields(e)
		if _, err := ev.Parse(name, data); err != nil {
			t.Fatalf("%v in %q", err, e)
		}
		for i, pt := range ev.Parts {
			if !pt.Whole {
				out.WriteString(ev.Texts[i].Text)
			}
		}
	}
}

// usageOnlyGuard checks whole answers but reads only their usage (as a
// rate limit does): it sends what its response phase sees on seen.
type usageOnlyGuard struct{ seen chan abi.Response }

func (usageOnlyGuard) Name() string    { return "usage-only" }
func (usageOnlyGuard) Version() string { return "1" }
func (usageOnlyGuard) Handles(p abi.Phase) bool {
	return p == abi.PhaseRequest || p == abi.PhaseResponse
}
func (usageOnlyGuard) Reads() abi.Parts { return abi.ReadAnnotations | abi.ReadMessages }
func (g usageOnlyGuard) Check(_ context.Context, x *abi.Exchange, v *abi.Verdict) error {
	v.Reset()
	if x.Phase == abi.PhaseResponse {
		g.seen <- x.Response
	}
	return nil
}

// TestStreamUsageWithoutChunkGuards: on a route whose only answer guard
// reads the usage (no chunk guard), a stream passes as it comes, not held
// (its first event arrives before the upstream's last), and the guard's
// response phase runs after it with the stream's usage, as a rate limit
// needs to reconcile the tokens it reserved.
func TestStreamUsageWithoutChunkGuards(t *testing.T) {
	g := usageOnlyGuard{seen: make(chan abi.Response, 4)}
	delay := 60 * time.Millisecond
	e := start(t, oneRoute, map[string][]pipeline.Step{"llm": {{Guard: g}}}, mockllm.Options{ChunkSize: 4, ChunkDelay: delay})
	req, _ := http.NewRequest("POST", e.base+"/v1/chat/completions", strings.NewReader(`{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"count my tokens please"}]}`))
	req.Header.Set("Content-Type", "application/json")
	t0 := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	var first, last time.Duration
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "data: ") {
			if first == 0 {
				first = time.Since(t0)
			}
			last = time.Since(t0)
		}
	}
	if first == 0 || first > last-3*delay {
		t.Fatalf("first event at %v, last at %v: the stream was held", first, last)
	}
	r := seen(t, g.seen, "usage-only guard")
	if len(r.Messages) != 0 || r.PromptTokens == 0 || r.CompletionTokens == 0 {
		t.Fatalf("the response phase saw %+v, want the usage and no text", r)
	}
}

// TestStreamHeldKeepalive: a held stream that takes longer than the route's
// hold_keepalive gets its headers then, SSE comments while it is read,
// and then what a held stream gets (the events as the upstream sent them,
// or rewritten), or the API's error event in place of the events when the
// whole-answer guard denies it; the request is recorded as stopped by that
// code. A stream that comes whole within hold_keepalive is answered as
// before (a denial is an error status). For OpenAI chat, Anthropic and the
// Responses API.
func TestStreamHeldKeepalive(t *testing.T) {
	obs := streamRecords{c: make(chan Record, 16)}
	g := wholeGuard{seen: make(chan abi.Response, 16)}
	// ~15 events 25 ms apart: ~350 ms of stream against 40 ms.
	route := strings.Replace(oneRoute, "timeout = \"500ms\"", "timeout = \"5s\"\nhold_keepalive = \"40ms\"", 1)
	e := startWith(t, route, map[string][]pipeline.Step{"llm": {{Guard: g}}}, mockllm.Options{ChunkSize: 3, ChunkDelay: 25 * time.Millisecond},
		func(s *Server) { s.SetObserver(obs, false) })
	record := func(name string) Record {
		t.Helper()
		select {
		case r := <-obs.c:
			return r
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no record", name)
			return Record{}
		}
	}
	for _, c := range []struct {
		api        abi.API
		path, body string
		stop       string // what the error event says
	}{
		{abi.APIOpenAIChat, "/v1/chat/completions", `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"PROMPT"}]}`, `"code":"whole.forbidden"`},
		{abi.APIAnthropicMessages, "/v1/messages", `{"model":"m","stream":true,"max_tokens":100,"messages":[{"role":"user","content":"PROMPT"}]}`, "event: error"},
		{abi.APIOpenAIResponses, "/v1/responses", `{"model":"m","stream":true,"input":"PROMPT"}`, `"code":"whole.forbidden"`},
	} {
		name, api := c.path, c.api
		comments := func(b []byte) int { return strings.Count(string(b), keepaliveComment) }
		// Allowed: comments first, then the stream whole.
		resp, b := post(t, e.base+c.path, strings.Replace(c.body, "PROMPT", "tell me a story", 1), nil)
		if got := streamText(t, api, b); resp.StatusCode != 200 || got != "Mock answer to: tell me a story" {
			t.Fatalf("%s: allowed: %d, text %q in %s", name, resp.StatusCode, got, b)
		}
		if n := comments(b); n < 2 || !strings.HasPrefix(string(b), keepaliveComment) {
			t.Fatalf("%s: allowed: %d comments, want them first: %q", name, n, b)
		}
		if i, j := strings.LastIndex(string(b), keepaliveComment), strings.Index(string(b), "data: "); i > j {
			t.Fatalf("%s: a comment after the events: %q", name, b)
		}
		seen(t, g.seen, name)
		if r := record(name); r.StreamEnd != "completed" || r.Status != 200 {
			t.Fatalf("%s: allowed: record %q %q %d", name, r.StreamEnd, r.Code, r.Status)
		}
		// Denied: 200 (the headers left), comments, the error event, no text.
		resp, b = post(t, e.base+c.path, strings.Replace(c.body, "PROMPT", "say something forbidden", 1), nil)
		if resp.StatusCode != 200 || comments(b) < 2 || !strings.Contains(string(b), c.stop) || strings.Contains(string(b), "Mock answer") {
			t.Fatalf("%s: denied: %d %q", name, resp.StatusCode, b)
		}
		if got := streamText(t, api, b); got != "" {
			t.Fatalf("%s: denied: text %q reached the client", name, got)
		}
		seen(t, g.seen, name)
		if r := record(name); r.StreamEnd != "stopped" || r.Code != "whole.forbidden" {
			t.Fatalf("%s: denied: record %q %q", name, r.StreamEnd, r.Code)
		}
		// Rewritten: the new text in the events.
		resp, b = post(t, e.base+c.path, strings.Replace(c.body, "PROMPT", "rewrite-me please", 1), nil)
		if got := streamText(t, api, b); resp.StatusCode != 200 || got != "[redacted]" || strings.Contains(string(b), "me please") || comments(b) < 2 {
			t.Fatalf("%s: rewritten: %d, text %q in %q", name, resp.StatusCode, got, b)
		}
		seen(t, g.seen, name)
		record(name)
	}
	// A stream that comes whole in time: no comment, a denial's status.
	fast := startWith(t, strings.Replace(oneRoute, "timeout = \"500ms\"", "timeout = \"5s\"\nhold_keepalive = \"5s\"", 1),
		map[string][]pipeline.Step{"llm": {{Guard: g}}}, mockllm.Options{ChunkSize: 3}, nil)
	resp, b := post(t, fast.base+"/v1/chat/completions", `{"model":"m","stream":true,"messages":[{"role":"user","content":"say something forbidden"}]}`, nil)
	if resp.StatusCode != 451 || strings.Contains(string(b), keepaliveComment) {
		t.Fatalf("in time, denied: %d %q", resp.StatusCode, b)
	}
	seen(t, g.seen, "in time")
}

// TestStreamHeldKeepaliveFaults: after a late hold sent the headers, an
// upstream that breaks off, sends more than max_response_body or falls
// silent ends the stream with the API's error event (the status the
// client would have got otherwise, in the event), and a client that
// leaves while the stream is held closes the upstream connection and is
// recorded as gone.
func TestStreamHeldKeepaliveFaults(t *testing.T) {
	obs := streamRecords{c: make(chan Record, 16)}
	g := wholeGuard{seen: make(chan abi.Response, 16)}
	route := strings.Replace(oneRoute, "timeout = \"500ms\"", "timeout = \"300ms\"\nhold_keepalive = \"30ms\"\nmax_response_body = \"4KiB\"", 1)
	e := startWith(t, route, map[string][]pipeline.Step{"llm": {{Guard: g}}}, mockllm.Options{ChunkSize: 3, ChunkDelay: 20 * time.Millisecond},
		func(s *Server) { s.SetObserver(obs, false) })
	const body = `{"model":"m","stream":true,"messages":[{"role":"user","content":"PROMPT"}]}`
	for _, c := range []struct {
		name, prompt string
		hdrs         map[string]string
		want         string
	}{
		{"cut", "a long enough prompt to cut", map[string]string{mockllm.HeaderFault: mockllm.FaultStreamCut}, `"code":"upstream_unreachable"`},
		{"too large", strings.Repeat("many words ", 60), nil, `"code":"upstream_too_large"`},
	} {
		resp, b := post(t, e.base+"/v1/chat/completions", strings.Replace(body, "PROMPT", c.prompt, 1), c.hdrs)
		if resp.StatusCode != 200 || !strings.Contains(string(b), keepaliveComment) || !strings.Contains(string(b), c.want) || !strings.HasSuffix(string(b), "data: [DONE]\n\n") {
			t.Fatalf("%s: %d %q", c.name, resp.StatusCode, b)
		}
		if strings.Contains(string(b), "Mock answer") {
			t.Fatalf("%s: unchecked text reached the client: %q", c.name, b)
		}
		select {
		case r := <-obs.c:
			if r.StreamEnd != "stopped" || !strings.Contains(c.want, r.Code) {
				t.Fatalf("%s: record %q %q", c.name, r.StreamEnd, r.Code)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no record", c.name)
		}
	}

	// A silent upstream (after its headers and one event) and a client
	// that leaves: an upstream that notes when Ward closes its connection.
	closed := make(chan struct{}, 4)
	up := newScriptedUpstream(t, func(c *net.TCPConn, _ *http.Request) {
		io.WriteString(c, sseHead+sseChunk(0))
		io.Copy(io.Discard, c) // until Ward closes the connection
		closed <- struct{}{}
	})
	raw := startWith(t, strings.Replace(strings.ReplaceAll(route, "{{UP}}", "http://"+up.addr), "max_response_body = \"4KiB\"", "", 1),
		map[string][]pipeline.Step{"llm": {{Guard: g}}}, mockllm.Options{}, func(s *Server) { s.SetObserver(obs, false) })
	const silent = `{"model":"m","stream":true,"messages":[{"role":"user","content":"and then nothing"}]}`
	resp, b := post(t, raw.base+"/v1/chat/completions", silent, nil)
	if resp.StatusCode != 200 || !strings.Contains(string(b), keepaliveComment) || !strings.Contains(string(b), `"code":"upstream_timeout"`) || strings.Contains(string(b), "w0 ") {
		t.Fatalf("silent upstream: %d %q", resp.StatusCode, b)
	}
	<-closed
	if r := <-obs.c; r.StreamEnd != "stopped" || r.Code != "upstream_timeout" {
		t.Fatalf("silent upstream: record %q %q", r.StreamEnd, r.Code)
	}
	// The client leaves after the first comment: the held read stops, the
	// upstream connection closes (before the upstream's 300 ms timeout
	// could have closed it), the record says the client left.
	req, _ := http.NewRequest("POST", raw.base+"/v1/chat/completions", strings.NewReader(silent))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(res.Body).ReadString('\n')
	if err != nil || line+"\n" != keepaliveComment {
		t.Fatalf("first line %q, %v", line, err)
	}
	res.Body.Close()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the upstream connection stayed open after the client left")
	}
	select {
	case r := <-obs.c:
		if r.StreamEnd != "client_gone" {
			t.Fatalf("client gone: record %q %q", r.StreamEnd, r.Code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("client gone: no record")
	}
}
