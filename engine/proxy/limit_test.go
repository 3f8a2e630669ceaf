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
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/sdk/abi"
)

// startWard runs Ward in front of upstream (a base URL substituted for
// {{UP}}) with the routes of routesTOML and returns its base URL and
// server. serverTOML is added to [server].
func startWard(t *testing.T, upstream, serverTOML, routesTOML string, steps map[string][]pipeline.Step) (string, *Server) {
	t.Helper()
	text := "[server]\nlisten = [\"127.0.0.1:0\"]\n" + serverTOML + "\n" + strings.ReplaceAll(routesTOML, "{{UP}}", upstream)
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
	lns, err := Listen(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx, cfg, lns, time.Second); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return "http://" + lns[0].Addr().String(), srv
}

// gateUpstream answers a chat completion once it is given a token on
// release; arrived receives one value per request that reached it.
type gateUpstream struct {
	arrived chan string
	release chan struct{}
}

func newGateUpstream(t *testing.T) (*gateUpstream, string) {
	g := &gateUpstream{arrived: make(chan string, 64), release: make(chan struct{}, 64)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		g.arrived <- r.Header.Get("X-Request-Id")
		select {
		case <-g.release:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}`)
	})}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return g, "http://" + ln.Addr().String()
}

type result struct {
	status     int
	code       string
	retryAfter string
	took       time.Duration
	body       string
}

func send(base, path, body string) result { return sendWith(base, path, body, nil) }

func sendWith(base, path, body string, hdr map[string]string) result {
	start := time.Now()
	req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return result{status: -1, body: err.Error(), took: time.Since(start)}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e struct {
		Error struct{ Code, Type string } `json:"error"`
	}
	_ = json.Unmarshal(b, &e)
	return result{status: resp.StatusCode, code: e.Error.Code, retryAfter: resp.Header.Get("Retry-After"), took: time.Since(start), body: string(b)}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

const limitedRoute = `
[[routes]]
name = "llm"
prefix = "/v1/"
upstream = "{{UP}}"
timeout = "10s"
max_concurrent = 2
queue = 1
queue_timeout = "1s"
`

// TestOverloadShedsBeyondQueue saturates a route whose upstream holds
// every request: two are admitted, one waits in the queue, the rest are
// refused at once with 503 overloaded and Retry-After in the API's shape;
// the queued one is refused when its wait times out, a queued one is
// admitted when a slot frees, and every admitted request completes.
func TestOverloadShedsBeyondQueue(t *testing.T) {
	up, upURL := newGateUpstream(t)
	base, srv := startWard(t, upURL, "", limitedRoute, nil)
	lim := srv.Snapshot().routes[0].limit

	var wg sync.WaitGroup
	admitted := make(chan result, 8)
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); admitted <- send(base, "/v1/chat/completions", chat("hold")) }()
	}
	<-up.arrived
	<-up.arrived
	queued := make(chan result, 1)
	go func() { queued <- send(base, "/v1/chat/completions", chat("queued")) }()
	waitFor(t, "a queued request", func() bool { return lim.queued() == 1 })

	// Queue full: refused at once, not after the queue timeout (1s).
	for i := range 5 {
		path, body := "/v1/chat/completions", chat("excess")
		if i == 4 {
			path, body = "/v1/messages", `{"model":"c","max_tokens":5,"messages":[{"role":"user","content":"excess"}]}`
		}
		r := send(base, path, body)
		if r.status != 503 || r.retryAfter != "1" || r.took >= 900*time.Millisecond {
			t.Fatalf("excess request %d: %d retry-after %q after %v: %s", i, r.status, r.retryAfter, r.took, r.body)
		}
		if i < 4 && r.code != "overloaded" {
			t.Fatalf("openai shape: %s", r.body)
		}
		if i == 4 && (!strings.Contains(r.body, `"type":"overloaded_error"`) || !strings.Contains(r.body, `"code":"overloaded"`)) {
			t.Fatalf("anthropic shape: %s", r.body)
		}
	}
	// The queued request times out: refused after its wait.
	r := <-queued
	if r.status != 503 || r.code != "overloaded" || r.took < 900*time.Millisecond {
		t.Fatalf("queued request: %d %q after %v", r.status, r.code, r.took)
	}
	// A queued request is admitted when a slot frees.
	go func() { queued <- send(base, "/v1/chat/completions", chat("queued again")) }()
	waitFor(t, "a queued request", func() bool { return lim.queued() == 1 })
	up.release <- struct{}{}
	<-up.arrived
	up.release <- struct{}{}
	up.release <- struct{}{}
	if r := <-queued; r.status != 200 {
		t.Fatalf("queued then admitted: %d %s", r.status, r.body)
	}
	wg.Wait()
	close(admitted)
	for r := range admitted {
		if r.status != 200 {
			t.Fatalf("admitted request: %d %s", r.status, r.body)
		}
	}
	if lim.inFlight() != 0 || lim.queued() != 0 {
		t.Fatalf("slots in use %d, queued %d after the load", lim.inFlight(), lim.queued())
	}
}

// sseUpstream streams a chat completion: one event, then waits for finish
// before the last event and [DONE].
func sseUpstream(t *testing.T, finish <-chan struct{}) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		ev := func(s string) {
			fmt.Fprintf(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":%q},\"finish_reason\":null}]}\n\n", s)
			w.(http.Flusher).Flush()
		}
		ev("first ")
		select {
		case <-finish:
		case <-r.Context().Done():
			return
		}
		ev("last")
		io.WriteString(w, "data: [DONE]\n\n")
	})}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return "http://" + ln.Addr().String()
}

// TestOverloadStreamHoldsSlot: a streamed answer keeps its slot until the
// stream ends, guarded by response_chunk guards or not; then the slot is
// free again.
func TestOverloadStreamHoldsSlot(t *testing.T) {
	const route = `
[[routes]]
name = "plain"
prefix = "/plain/"
strip_prefix = true
upstream = "{{UP}}"
max_concurrent = 1
queue = 0
[[routes]]
name = "guarded"
prefix = "/guarded/"
strip_prefix = true
upstream = "{{UP}}"
max_concurrent = 1
queue = 0
`
	for _, name := range []string{"plain", "guarded"} {
		t.Run(name, func(t *testing.T) {
			finish := make(chan struct{})
			g := usageGuard{seen: make(chan abi.Response, 4)}
			base, srv := startWard(t, sseUpstream(t, finish), "", route, map[string][]pipeline.Step{"guarded": {{Guard: g}}})
			var lim *limiter
			for _, r := range srv.Snapshot().routes {
				if r.name == name {
					lim = r.limit
				}
			}
			path := "/" + name + "/v1/chat/completions"
			req, _ := http.NewRequest("POST", base+path, strings.NewReader(`{"model":"m","stream":true,"messages":[{"role":"user","content":"go"}]}`))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(resp.Body)
			if line, err := br.ReadString('\n'); err != nil || !strings.Contains(line, "first") {
				t.Fatalf("first event: %q %v", line, err)
			}
			if r := send(base, path, chat("while streaming")); r.status != 503 || r.code != "overloaded" {
				t.Fatalf("a second request during the stream: %d %s", r.status, r.body)
			}
			close(finish)
			rest, _ := io.ReadAll(br)
			resp.Body.Close()
			if !strings.Contains(string(rest), "data: [DONE]") {
				t.Fatalf("stream did not end: %q", rest)
			}
			waitFor(t, "the slot to be freed", func() bool { return lim.inFlight() == 0 })
			if r := send(base, path, `{"model":"m","stream":true,"messages":[{"role":"user","content":"again"}]}`); r.status != 200 {
				t.Fatalf("after the stream: %d %s", r.status, r.body)
			}
			waitFor(t, "the slot to be freed", func() bool { return lim.inFlight() == 0 })
		})
	}
}

// endlessSSE streams events every 10ms until the client goes away.
func endlessSSE(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		for i := range 3000 {
			if _, err := fmt.Fprintf(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"w%d \"},\"finish_reason\":null}]}\n\n", i); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	})}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return "http://" + ln.Addr().String()
}

// TestOverloadStreamClientGoneFreesSlot: a client that leaves a stream
// early frees its slot (at Ward's next write to it).
func TestOverloadStreamClientGoneFreesSlot(t *testing.T) {
	base, srv := startWard(t, endlessSSE(t), "", strings.ReplaceAll(limitedRoute, "max_concurrent = 2", "max_concurrent = 1"), nil)
	lim := srv.Snapshot().routes[0].limit
	req, _ := http.NewRequest("POST", base+"/v1/chat/completions", strings.NewReader(`{"model":"m","stream":true,"messages":[{"role":"user","content":"go"}]}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		t.Fatal(err)
	}
	if lim.inFlight() != 1 {
		t.Fatalf("slots in use during the stream: %d", lim.inFlight())
	}
	resp.Body.Close()
	waitFor(t, "the slot to be freed", func() bool { return lim.inFlight() == 0 })
}

func TestLimiterSharedAcrossRebuild(t *testing.T) {
	mk := func(limits string) *config.Config {
		c, err := config.Parse("t.toml", []byte("[server]\nlisten = [\":1\"]\n[[routes]]\nname = \"r\"\nprefix = \"/\"\nupstream = \"http://h\"\n"+limits))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ctx := context.Background()
	a, err := Rebuild(ctx, nil, mk("max_concurrent = 4\n"), nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Rebuild(ctx, a, mk("max_concurrent = 4\n"), nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Rebuild(ctx, b, mk("max_concurrent = 5\n"), nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Rebuild(ctx, c, mk(""), nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.routes[0].limit == nil || b.routes[0].limit != a.routes[0].limit {
		t.Fatal("unchanged limits not shared")
	}
	if c.routes[0].limit == b.routes[0].limit || cap(c.routes[0].limit.slots) != 5 {
		t.Fatal("changed limits shared")
	}
	if d.routes[0].limit != nil {
		t.Fatal("limit kept after removal")
	}
}

func TestLimiterRetryAfter(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{{time.Millisecond, "1"}, {time.Second, "1"}, {1500 * time.Millisecond, "2"}, {time.Minute, "60"}} {
		if got := string(newLimiter(1, 0, c.d).retryAfter); got != c.want {
			t.Errorf("%v: %s, want %s", c.d, got, c.want)
		}
	}
	if newLimiter(0, 5, time.Second) != nil {
		t.Error("max_concurrent 0 made a limiter")
	}
}

// TestOverloadPassThroughFreesSlot: pass-through answers (paths that are
// not an LLM API, HEAD included) on a limited route free their slot once
// written.
func TestOverloadPassThroughFreesSlot(t *testing.T) {
	up := sseUpstream(t, closedChan())
	base, srv := startWard(t, up, "", strings.ReplaceAll(limitedRoute, "max_concurrent = 2", "max_concurrent = 1"), nil)
	lim := srv.Snapshot().routes[0].limit
	for _, method := range []string{"GET", "HEAD", "POST", "DELETE"} {
		for range 3 {
			req, _ := http.NewRequest(method, base+"/v1/models", nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", method, resp.StatusCode)
			}
			waitFor(t, method+" to free its slot", func() bool { return lim.inFlight() == 0 })
		}
	}
}

func closedChan() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

// lastRecordObserver keeps the status and code of the last record.
type lastRecordObserver struct {
	status int
	code   string
}

func (o *lastRecordObserver) ObserveRequest(r *Record) { o.status, o.code = r.Status, r.Code }

// TestOverloadRecorded: a refusal reaches metrics and the audit log as a
// record with status 503 and code "overloaded".
func TestOverloadRecorded(t *testing.T) {
	cfg, err := config.Parse("t.toml", []byte("[server]\nlisten = [\":1\"]\n[[routes]]\nname = \"r\"\nprefix = \"/\"\nupstream = \"http://127.0.0.1:1\"\nmax_concurrent = 1\nqueue = 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := newRoute(cfg.Routes[0], pipeline.New(nil))
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(&Snapshot{routes: []*route{r}}, nil)
	obs := &lastRecordObserver{}
	srv.SetObserver(obs, false)
	r.limit.acquire() // the only slot is taken
	var ctx fasthttp.RequestCtx
	ctx.Init(&ctx.Request, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, nil)
	ctx.Request.Header.SetMethod("POST")
	ctx.Request.SetRequestURI("/v1/messages")
	ctx.Request.Header.SetContentType("application/json")
	ctx.Request.SetBodyString(`{"model":"c","max_tokens":5,"messages":[]}`)
	srv.handle(&ctx)
	if obs.status != 503 || obs.code != "overloaded" || string(ctx.Response.Header.Peek("Retry-After")) != "1" {
		t.Fatalf("record %d %q, Retry-After %q", obs.status, obs.code, ctx.Response.Header.Peek("Retry-After"))
	}
	if !strings.Contains(string(ctx.Response.Body()), `"type":"overloaded_error"`) {
		t.Fatalf("body %s", ctx.Response.Body())
	}
	if r.limit.inFlight() != 1 {
		t.Fatal("a refused request released a slot it did not hold")
	}
}
