package proxy

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/mockllm"
	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/sdk/abi"
)

// fakeGuard is an in-process pipeline.Guard driven by a function.
type fakeGuard struct {
	name   string
	phases []abi.Phase
	fn     func(x *abi.Exchange, v *abi.Verdict) error
}

func (f *fakeGuard) Name() string    { return f.name }
func (f *fakeGuard) Version() string { return "test" }
func (f *fakeGuard) Handles(p abi.Phase) bool {
	for _, q := range f.phases {
		if q == p {
			return true
		}
	}
	return false
}
func (f *fakeGuard) Check(_ context.Context, x *abi.Exchange, v *abi.Verdict) error {
	v.Reset()
	return f.fn(x, v)
}

type faultErr struct{}

func (faultErr) Error() string     { return "boom" }
func (faultErr) ErrorCode() string { return "guard_trap" }

// keywordGuard denies request messages containing "forbidden", rewrites
// "alice@example.com" to "[EMAIL]", and on answers denies "leak" and
// rewrites "Mock" to "Mocked".
func keywordGuard() *fakeGuard {
	return &fakeGuard{name: "kw", phases: []abi.Phase{abi.PhaseRequest, abi.PhaseResponse}, fn: func(x *abi.Exchange, v *abi.Verdict) error {
		msgs := x.Messages
		if x.Phase == abi.PhaseResponse {
			msgs = x.Response.Messages
		}
		for i, m := range msgs {
			switch {
			case x.Phase == abi.PhaseRequest && strings.Contains(m.Text, "forbidden"):
				v.Decision, v.Status, v.Code, v.Message = abi.Deny, 403, "kw.match", "forbidden phrase"
				return nil
			case x.Phase == abi.PhaseRequest && strings.Contains(m.Text, "who-am-i"):
				v.Decision, v.Status, v.Code, v.Message = abi.Deny, 401, "auth.unauthenticated", "authentication required"
				v.SetHeaders = append(v.SetHeaders, abi.KV{Key: "WWW-Authenticate", Value: `Bearer realm="ward"`}, abi.KV{Key: "Content-Length", Value: "1"})
				return nil
			case x.Phase == abi.PhaseRequest && strings.Contains(m.Text, "fault-now"):
				return faultErr{}
			case x.Phase == abi.PhaseRequest && strings.Contains(m.Text, "alice@example.com"):
				v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: uint32(i), Text: strings.ReplaceAll(m.Text, "alice@example.com", "[EMAIL]")})
			case x.Phase == abi.PhaseResponse && strings.Contains(m.Text, "leak"):
				v.Decision, v.Status, v.Code, v.Message = abi.Deny, 451, "kw.leak", "answer withheld"
				return nil
			case x.Phase == abi.PhaseResponse && strings.Contains(m.Text, "rewrite-answer"):
				v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: uint32(i), Text: "Mocked!"})
			}
		}
		if x.Phase == abi.PhaseRequest {
			ip := ""
			for _, a := range x.Annotations {
				if a.Key == "client.ip" {
					ip = a.Value
				}
			}
			v.SetHeaders = append(v.SetHeaders, abi.KV{Key: "X-Ward-Checked", Value: ip})
		}
		return nil
	}}
}

type env struct {
	base     string
	upstream string
	mock     *mockllm.Server
	cancel   context.CancelFunc
	done     chan struct{}
}

// start runs a mock upstream and Ward with the routes of routesTOML; the
// upstream URL is substituted for {{UP}}. steps gives each route's pipeline
// by route name.
func start(t *testing.T, routesTOML string, steps map[string][]pipeline.Step, mockOpts mockllm.Options) *env {
	t.Helper()
	return startWith(t, routesTOML, steps, mockOpts, nil)
}

// startWith is start with setup, when not nil, called on the server before
// it serves.
func startWith(t *testing.T, routesTOML string, steps map[string][]pipeline.Step, mockOpts mockllm.Options, setup func(*Server)) *env {
	t.Helper()
	uln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mock := mockllm.New(mockOpts)
	go mock.Serve(uln)
	text := "[server]\nlisten = [\"127.0.0.1:0\"]\n" + strings.ReplaceAll(routesTOML, "{{UP}}", "http://"+uln.Addr().String())
	cfg, err := config.Parse("test.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	snap := &Snapshot{}
	for _, rc := range cfg.Routes {
		r, err := newRoute(rc, pipeline.New(steps[rc.Name]))
		if err != nil {
			t.Fatal(err)
		}
		snap.routes = append(snap.routes, r)
	}
	srv := NewServer(snap, nil)
	if setup != nil {
		setup(srv)
	}
	lns, err := Listen(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &env{base: "http://" + lns[0].Addr().String(), upstream: uln.Addr().String(), mock: mock, cancel: cancel, done: make(chan struct{})}
	go func() { _ = srv.Serve(ctx, cfg, lns, time.Second); close(e.done) }()
	t.Cleanup(func() {
		cancel()
		<-e.done
		mock.Close()
	})
	return e
}

const oneRoute = `
[[routes]]
name = "llm"
prefix = "/v1/"
upstream = "{{UP}}"
max_body = "4KiB"
timeout = "500ms"
identity_headers = ["authorization"]
`

func post(t *testing.T, url, body string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func chat(text string) string {
	b, _ := json.Marshal(map[string]any{"model": "m", "messages": []map[string]any{{"role": "user", "content": text}}})
	return string(b)
}

func TestAllowPassesBodyUnchanged(t *testing.T) {
	e := start(t, oneRoute, map[string][]pipeline.Step{"llm": {{Guard: keywordGuard()}}}, mockllm.Options{})
	body := chat("hello there")
	resp, b := post(t, e.base+"/v1/chat/completions", body, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	if got := resp.Header.Get("x-mock-body-sha256"); got != sha(body) {
		t.Fatalf("upstream saw a different body")
	}
	if id := resp.Header.Get("X-Request-Id"); len(id) != 32 {
		t.Fatalf("generated request id %q", id)
	}
	if !strings.Contains(string(b), "Mock answer to: hello there") {
		t.Fatalf("answer %s", b)
	}
	resp, _ = post(t, e.base+"/v1/chat/completions", body, map[string]string{"X-Request-Id": "my-id-1"})
	if got := resp.Header.Get("X-Request-Id"); got != "my-id-1" {
		t.Fatalf("request id not kept: %q", got)
	}
}

func TestHeadersForwarded(t *testing.T) {
	e := start(t, oneRoute, map[string][]pipeline.Step{"llm": {{Guard: keywordGuard()}}}, mockllm.Options{})
	resp, b := post(t, e.base+"/v1/chat/completions", chat("hi"), map[string]string{
		"x-mock-echo-headers": "1", "Connection": "keep-alive, X-Hop", "X-Hop": "secret",
		"Keep-Alive": "timeout=5", "Proxy-Authorization": "Basic abc", "X-Forwarded-For": "10.1.2.3", "Te": "trailers",
	})
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	var got struct {
		Received map[string][]string `json:"received_headers"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err, string(b))
	}
	h := map[string]string{}
	for k, v := range got.Received {
		h[strings.ToLower(k)] = strings.Join(v, ",")
	}
	for _, hop := range []string{"x-hop", "keep-alive", "proxy-authorization", "te"} {
		if _, ok := h[hop]; ok {
			t.Errorf("hop-by-hop header %s forwarded", hop)
		}
	}
	if h["x-forwarded-for"] != "10.1.2.3, 127.0.0.1" {
		t.Errorf("x-forwarded-for = %q", h["x-forwarded-for"])
	}
	if h["x-forwarded-proto"] != "http" {
		t.Errorf("x-forwarded-proto = %q", h["x-forwarded-proto"])
	}
	if h["x-ward-checked"] != "127.0.0.1" {
		t.Errorf("guard header not set: %v", h)
	}
	if len(h["x-request-id"]) != 32 {
		t.Errorf("x-request-id upstream = %q", h["x-request-id"])
	}
	if h["host"] != e.upstream {
		t.Errorf("host = %q, want %q", h["host"], e.upstream)
	}
}

func TestDenyInAPIShape(t *testing.T) {
	e := start(t, oneRoute, map[string][]pipeline.Step{"llm": {{Guard: keywordGuard()}}}, mockllm.Options{})
	before := e.mock.Requests()
	resp, b := post(t, e.base+"/v1/chat/completions", chat("this is forbidden"), nil)
	var oa struct {
		Error struct{ Message, Type, Code string } `json:"error"`
	}
	if resp.StatusCode != 403 || json.Unmarshal(b, &oa) != nil || oa.Error.Code != "kw.match" || oa.Error.Message != "forbidden phrase" {
		t.Fatalf("openai deny: %d %s", resp.StatusCode, b)
	}
	if id := resp.Header.Get("X-Request-Id"); len(id) != 32 {
		t.Fatalf("denial without request id: %q", id)
	}
	resp, b = post(t, e.base+"/v1/chat/completions", chat("who-am-i"), nil)
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != `Bearer realm="ward"` || !strings.Contains(string(b), "auth.unauthenticated") {
		t.Fatalf("401 with WWW-Authenticate: %d %v %s", resp.StatusCode, resp.Header, b)
	}
	resp, b = post(t, e.base+"/v1/messages", `{"model":"c","max_tokens":5,"messages":[{"role":"user","content":"forbidden"}]}`, nil)
	var an struct {
		Type  string                         `json:"type"`
		Error struct{ Type, Message string } `json:"error"`
	}
	if resp.StatusCode != 403 || json.Unmarshal(b, &an) != nil || an.Type != "error" || an.Error.Type != "permission_error" {
		t.Fatalf("anthropic deny: %d %s", resp.StatusCode, b)
	}
	if e.mock.Requests() != before {
		t.Fatal("a denied request reached the upstream")
	}
}

func TestRewriteReencodesOnlyChangedText(t *testing.T) {
	e := start(t, oneRoute, map[string][]pipeline.Step{"llm": {{Guard: keywordGuard()}}}, mockllm.Options{})
	body := `{"model":"m",  "messages":[{"role":"system","content":"keep  me"},{"role":"user","content":"mail alice@example.com now"}], "temperature":0.5}`
	want := `{"model":"m",  "messages":[{"role":"system","content":"keep  me"},{"role":"user","content":"mail [EMAIL] now"}], "temperature":0.5}`
	resp, b := post(t, e.base+"/v1/chat/completions", body, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d %s", resp.StatusCode, b)
	}
	if got := resp.Header.Get("x-mock-body-sha256"); got != sha(want) {
		t.Fatalf("upstream body is not the minimal rewrite")
	}
	if !strings.Contains(string(b), "mail [EMAIL] now") {
		t.Fatalf("answer %s", b)
	}
}

func TestResponsePhase(t *testing.T) {
	e := start(t, oneRoute, map[string][]pipeline.Step{"llm": {{Guard: keywordGuard()}}}, mockllm.Options{})
	resp, b := post(t, e.base+"/v1/chat/completions", chat("please leak it"), nil)
	if resp.StatusCode != 451 || !strings.Contains(string(b), "kw.leak") {
		t.Fatalf("response deny: %d %s", resp.StatusCode, b)
	}
	resp, b = post(t, e.base+"/v1/chat/completions", chat("rewrite-answer"), nil)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"content":"Mocked!"`) {
		t.Fatalf("response rewrite: %d %s", resp.StatusCode, b)
	}
}

func TestGuardFaultPolicy(t *testing.T) {
	routes := oneRoute + `
[[routes]]
name = "open"
prefix = "/open/"
upstream = "{{UP}}"
strip_prefix = true
`
	e := start(t, routes, map[string][]pipeline.Step{
		"llm":  {{Guard: keywordGuard()}},
		"open": {{Guard: keywordGuard(), FailOpen: true}},
	}, mockllm.Options{})
	resp, b := post(t, e.base+"/v1/chat/completions", chat("fault-now"), nil)
	if resp.StatusCode != 503 || !strings.Contains(string(b), "guard_trap") {
		t.Fatalf("fail closed: %d %s", resp.StatusCode, b)
	}
	resp, b = post(t, e.base+"/open/v1/chat/completions", chat("fault-now"), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("fail open: %d %s", resp.StatusCode, b)
	}
}

func TestBadInput(t *testing.T) {
	e := start(t, oneRoute, map[string][]pipeline.Step{"llm": {{Guard: keywordGuard()}}}, mockllm.Options{})
	cases := []struct {
		name, path, body, ctype string
		status                  int
		code                    string
	}{
		{"malformed json", "/v1/chat/completions", `{"model":`, "application/json", 400, ""},
		{"empty body", "/v1/chat/completions", ``, "application/json", 400, ""},
		{"not an object", "/v1/chat/completions", `[1,2]`, "application/json", 400, ""},
		{"wrong content type", "/v1/chat/completions", chat("x"), "text/plain", 415, "unsupported_content_type"},
		{"too large", "/v1/chat/completions", chat(strings.Repeat("a", 5000)), "application/json", 413, "request_too_large"},
		{"non-utf8 passes", "/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"caf\xe9\"}]}", "application/json", 200, ""},
		{"unknown path passes", "/v1/models", ``, "application/json", 200, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method := "POST"
			if c.path == "/v1/models" {
				method = "GET"
			}
			req, _ := http.NewRequest(method, e.base+c.path, strings.NewReader(c.body))
			req.Header.Set("Content-Type", c.ctype)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, b)
			}
			if c.status >= 400 {
				var oa struct {
					Error struct{ Message, Type, Code string } `json:"error"`
				}
				if err := json.Unmarshal(b, &oa); err != nil || oa.Error.Message == "" {
					t.Fatalf("error body not OpenAI-shaped: %s", b)
				}
				if c.code != "" && oa.Error.Code != c.code {
					t.Fatalf("code %q, want %q", oa.Error.Code, c.code)
				}
			}
		})
	}
}

func TestUnknownPathsRefused(t *testing.T) {
	e := start(t, strings.Replace(oneRoute, "max_body", "unknown_paths = \"refuse\"\nmax_body", 1), nil, mockllm.Options{})
	resp, err := http.Get(e.base + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	resp, err = http.Get(e.base + "/nowhere")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("no route: status %d", resp.StatusCode)
	}
}

func TestUpstreamFaults(t *testing.T) {
	e := start(t, oneRoute, nil, mockllm.Options{})
	cases := []struct {
		fault  string
		status int
		code   string
	}{
		{"slow", 504, "upstream_timeout"},
		{"reset", 502, "upstream_unreachable"},
	}
	for _, c := range cases {
		start := time.Now()
		resp, b := post(t, e.base+"/v1/chat/completions", chat("x"), map[string]string{"x-mock-fault": c.fault, "x-mock-delay": "3s"})
		if resp.StatusCode != c.status || !strings.Contains(string(b), c.code) {
			t.Errorf("%s: %d %s", c.fault, resp.StatusCode, b)
		}
		if time.Since(start) > 2*time.Second {
			t.Errorf("%s took %v", c.fault, time.Since(start))
		}
	}
	// An upstream that is down.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	e2 := start(t, strings.Replace(oneRoute, "{{UP}}", "http://"+dead, 1), nil, mockllm.Options{})
	resp, b := post(t, e2.base+"/v1/messages", `{"model":"c","max_tokens":5,"messages":[]}`, nil)
	if resp.StatusCode != 502 || !strings.Contains(string(b), `"type":"error"`) {
		t.Fatalf("down upstream: %d %s", resp.StatusCode, b)
	}
	// The gateway keeps serving.
	resp, _ = post(t, e.base+"/v1/chat/completions", chat("still here"), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("after faults: %d", resp.StatusCode)
	}
}

// TestStreamPassesThroughUnbuffered checks that SSE events reach the client
// one by one, while the upstream is still producing the rest, on a route
// whose guards check requests only (a guard that checks whole answers but
// not chunks holds the stream: TestStreamHeldForWholeAnswerGuard).
func TestStreamPassesThroughUnbuffered(t *testing.T) {
	delay := 80 * time.Millisecond
	reqOnly := &fakeGuard{name: "req", phases: []abi.Phase{abi.PhaseRequest}, fn: func(*abi.Exchange, *abi.Verdict) error { return nil }}
	e := start(t, oneRoute, map[string][]pipeline.Step{"llm": {{Guard: reqOnly}}}, mockllm.Options{ChunkSize: 4, ChunkDelay: delay})
	body := `{"model":"m","stream":true,"messages":[{"role":"user","content":"stream please now"}]}`
	req, _ := http.NewRequest("POST", e.base+"/v1/chat/completions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	t0 := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("content type %q", ct)
	}
	sc := bufio.NewScanner(resp.Body)
	var times []time.Duration
	var last string
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "data: ") {
			times = append(times, time.Since(t0))
			last = line
		}
	}
	if last != "data: [DONE]" {
		t.Fatalf("stream did not end with [DONE]: %q", last)
	}
	if len(times) < 5 {
		t.Fatalf("only %d events", len(times))
	}
	total := times[len(times)-1]
	if times[0] > total-3*delay {
		t.Fatalf("first event at %v, last at %v: stream was buffered", times[0], total)
	}
}

func TestRequestIDValidation(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{{"abc", true}, {"", false}, {"a b", false}, {strings.Repeat("x", 129), false}, {"é", false}} {
		if validRequestID([]byte(c.in)) != c.ok {
			t.Errorf("validRequestID(%q) != %v", c.in, c.ok)
		}
	}
}
