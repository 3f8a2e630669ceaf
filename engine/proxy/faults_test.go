package proxy

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/sdk/abi"
)

// scriptedUpstream runs script on every request it reads; the script
// writes whatever raw answer (or fault) the test needs. It records when
// each connection was closed by Ward (a read returning an error).
type scriptedUpstream struct {
	addr   string
	closed chan struct{}
}

func newScriptedUpstream(t *testing.T, script func(c *net.TCPConn, req *http.Request)) *scriptedUpstream {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &scriptedUpstream{addr: ln.Addr().String(), closed: make(chan struct{}, 64)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				req, err := http.ReadRequest(br)
				if err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
				script(c.(*net.TCPConn), req)
			}()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return u
}

// reset closes c with an RST instead of a FIN.
func reset(c *net.TCPConn) {
	c.SetLinger(0)
	c.Close()
}

const sseHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"

func sseChunk(i int) string {
	ev := fmt.Sprintf(`data: {"choices":[{"index":0,"delta":{"content":"w%d "},"finish_reason":null}]}`+"\n\n", i)
	return fmt.Sprintf("%x\r\n%s\r\n", len(ev), ev)
}

const wholeAnswer = `{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"a whole answer"},"finish_reason":"stop"}]}`

// respGuard reads whole answers and stream chunks, allowing everything.
type respGuard struct{}

func (respGuard) Name() string    { return "resp" }
func (respGuard) Version() string { return "1" }
func (respGuard) Handles(p abi.Phase) bool {
	return p == abi.PhaseResponse || p == abi.PhaseResponseChunk
}
func (respGuard) Check(_ context.Context, _ *abi.Exchange, v *abi.Verdict) error {
	v.Reset()
	return nil
}

// wholeRespGuard checks whole answers only, allowing everything: a route
// with it holds its streams.
type wholeRespGuard struct{ respGuard }

func (wholeRespGuard) Handles(p abi.Phase) bool { return p == abi.PhaseResponse }

// TestUpstreamFaultOutcomes: every way an upstream can fail mid-answer
// ends in a clear outcome, within the route's timeout and never a hang:
// an API-shaped 502/504 with its code for a whole answer (also when it
// answers a request that asked for a stream: a JSON document or an error
// is read whole before it is relayed), the API's error event for a
// guarded stream, a 200 with a broken transfer (no clean end) for an
// unguarded stream, which Ward cannot append to (headers go first, so the
// client always gets an answer).
func TestUpstreamFaultOutcomes(t *testing.T) {
	scripts := map[string]func(c *net.TCPConn, req *http.Request){
		"reset-mid-headers": func(c *net.TCPConn, _ *http.Request) {
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Ty")
			reset(c)
		},
		"reset-mid-body": func(c *net.TCPConn, _ *http.Request) {
			io.WriteString(c, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(wholeAnswer), wholeAnswer[:20]))
			time.Sleep(20 * time.Millisecond)
			reset(c)
		},
		"truncated": func(c *net.TCPConn, _ *http.Request) {
			io.WriteString(c, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(wholeAnswer)+100, wholeAnswer))
		},
		"headers-never": func(c *net.TCPConn, _ *http.Request) {
			time.Sleep(3 * time.Second)
		},
		"slow-body": func(c *net.TCPConn, _ *http.Request) {
			io.WriteString(c, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(wholeAnswer), wholeAnswer[:10]))
			time.Sleep(3 * time.Second)
		},
		"stream-reset": func(c *net.TCPConn, _ *http.Request) {
			io.WriteString(c, sseHead+sseChunk(0)+sseChunk(1))
			time.Sleep(20 * time.Millisecond)
			reset(c)
		},
		"stream-truncated": func(c *net.TCPConn, _ *http.Request) {
			// A Content-Length larger than what is sent, then FIN.
			body := strings.Repeat(`data: {"choices":[{"index":0,"delta":{"content":"w "},"finish_reason":null}]}`+"\n\n", 3)
			io.WriteString(c, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: %d\r\n\r\n%s", len(body)+500, body))
		},
		// Answers to a stream request that are not event streams.
		"json-to-stream-truncated": func(c *net.TCPConn, _ *http.Request) {
			io.WriteString(c, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(wholeAnswer)+100, wholeAnswer))
		},
		"json-to-stream-reset": func(c *net.TCPConn, _ *http.Request) {
			io.WriteString(c, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(wholeAnswer), wholeAnswer[:20]))
			time.Sleep(20 * time.Millisecond)
			reset(c)
		},
		"json-to-stream-slow": func(c *net.TCPConn, _ *http.Request) {
			io.WriteString(c, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(wholeAnswer), wholeAnswer[:10]))
			time.Sleep(3 * time.Second)
		},
		"json-to-stream-large": func(c *net.TCPConn, _ *http.Request) {
			// Chunked, so that only reading it can find it too large.
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n")
			chunk := strings.Repeat(" ", 4096)
			for range 64 {
				if _, err := io.WriteString(c, fmt.Sprintf("%x\r\n%s\r\n", len(chunk), chunk)); err != nil {
					return
				}
			}
			io.WriteString(c, "0\r\n\r\n")
		},
		"error-to-stream-truncated": func(c *net.TCPConn, _ *http.Request) {
			io.WriteString(c, "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\nContent-Length: 200\r\n\r\n<html>")
		},
		"ndjson-truncated": func(c *net.TCPConn, _ *http.Request) {
			body := strings.Repeat(`{"message":{"content":"w "},"done":false}`+"\n", 3)
			io.WriteString(c, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nContent-Length: %d\r\n\r\n%s", len(body)+500, body))
		},
		"stream-large": func(c *net.TCPConn, _ *http.Request) {
			// 100 KB of events, more than the routes' max_response_body,
			// which bounds only what is held.
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n")
			for i := range 1000 {
				if _, err := io.WriteString(c, sseChunk(i)); err != nil {
					return
				}
			}
			done := "data: [DONE]\n\n"
			io.WriteString(c, fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(done), done))
		},
		"stream-slow": func(c *net.TCPConn, _ *http.Request) {
			io.WriteString(c, sseHead+sseChunk(0))
			time.Sleep(3 * time.Second)
		},
	}
	up := newScriptedUpstream(t, func(c *net.TCPConn, req *http.Request) { scripts[req.Header.Get("X-Script")](c, req) })
	const routes = `
[[routes]]
name = "plain"
prefix = "/plain/"
strip_prefix = true
upstream = "{{UP}}"
timeout = "400ms"
max_response_body = "64KB"
[[routes]]
name = "guarded"
prefix = "/guarded/"
strip_prefix = true
upstream = "{{UP}}"
timeout = "400ms"
max_response_body = "64KB"
[[routes]]
name = "held"
prefix = "/held/"
strip_prefix = true
upstream = "{{UP}}"
timeout = "400ms"
max_response_body = "64KB"
`
	base, _ := startWard(t, "http://"+up.addr, "", routes, map[string][]pipeline.Step{"guarded": {{Guard: respGuard{}}}, "held": {{Guard: wholeRespGuard{}}}})
	whole := `{"model":"m","messages":[{"role":"user","content":"hi"}]}`
	stream := `{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}`
	const unknown = "" // a GET of /v1/files/f/content: an API Ward does not know
	type outcome struct {
		status  int
		code    string // in the error body or the final error event
		broken  bool   // the body ends without its framing's end
		minTook time.Duration
	}
	cases := []struct {
		script, route, body string
		want                outcome
	}{
		{"reset-mid-headers", "plain", whole, outcome{status: 502, code: "upstream_unreachable"}},
		{"reset-mid-headers", "guarded", stream, outcome{status: 502, code: "upstream_unreachable"}},
		{"reset-mid-body", "plain", whole, outcome{status: 502, code: "upstream_unreachable"}},
		{"reset-mid-body", "guarded", whole, outcome{status: 502, code: "upstream_unreachable"}},
		{"truncated", "plain", whole, outcome{status: 502, code: "upstream_unreachable"}},
		{"truncated", "guarded", whole, outcome{status: 502, code: "upstream_unreachable"}},
		{"headers-never", "plain", whole, outcome{status: 504, code: "upstream_timeout", minTook: 350 * time.Millisecond}},
		{"headers-never", "guarded", stream, outcome{status: 504, code: "upstream_timeout", minTook: 350 * time.Millisecond}},
		{"slow-body", "plain", whole, outcome{status: 504, code: "upstream_timeout", minTook: 350 * time.Millisecond}},
		{"slow-body", "guarded", whole, outcome{status: 504, code: "upstream_timeout", minTook: 350 * time.Millisecond}},
		{"stream-reset", "plain", stream, outcome{status: 200, broken: true}},
		{"stream-reset", "guarded", stream, outcome{status: 200, code: "upstream_stream_broken"}},
		{"stream-truncated", "plain", stream, outcome{status: 200, broken: true}},
		{"stream-truncated", "guarded", stream, outcome{status: 200, code: "upstream_stream_broken"}},
		{"json-to-stream-truncated", "plain", stream, outcome{status: 502, code: "upstream_unreachable"}},
		{"json-to-stream-truncated", "guarded", stream, outcome{status: 502, code: "upstream_unreachable"}},
		{"json-to-stream-reset", "plain", stream, outcome{status: 502, code: "upstream_unreachable"}},
		{"json-to-stream-reset", "guarded", stream, outcome{status: 502, code: "upstream_unreachable"}},
		{"json-to-stream-slow", "plain", stream, outcome{status: 504, code: "upstream_timeout", minTook: 350 * time.Millisecond}},
		{"json-to-stream-slow", "guarded", stream, outcome{status: 504, code: "upstream_timeout", minTook: 350 * time.Millisecond}},
		{"json-to-stream-large", "plain", stream, outcome{status: 502, code: "upstream_too_large"}},
		{"json-to-stream-large", "guarded", stream, outcome{status: 502, code: "upstream_too_large"}},
		{"json-to-stream-large", "plain", whole, outcome{status: 502, code: "upstream_too_large"}},
		{"error-to-stream-truncated", "plain", stream, outcome{status: 502, code: "upstream_unreachable"}},
		{"error-to-stream-truncated", "guarded", stream, outcome{status: 502, code: "upstream_unreachable"}},
		{"ndjson-truncated", "plain", stream, outcome{status: 200, broken: true}},
		// An unknown API's successful answers stream, JSON or not.
		{"json-to-stream-truncated", "plain", unknown, outcome{status: 200, broken: true}},
		{"error-to-stream-truncated", "plain", unknown, outcome{status: 502, code: "upstream_unreachable"}},
		// A held stream (a guard that checks whole answers only) is read
		// whole first: it fails as a whole answer does.
		{"stream-reset", "held", stream, outcome{status: 502, code: "upstream_unreachable"}},
		{"stream-truncated", "held", stream, outcome{status: 502, code: "upstream_unreachable"}},
		{"stream-slow", "held", stream, outcome{status: 504, code: "upstream_timeout", minTook: 350 * time.Millisecond}},
		{"stream-large", "held", stream, outcome{status: 502, code: "upstream_too_large"}},
		{"stream-large", "guarded", stream, outcome{status: 200, code: ""}},
		{"stream-slow", "plain", stream, outcome{status: 200, broken: true, minTook: 350 * time.Millisecond}},
		{"stream-slow", "guarded", stream, outcome{status: 200, code: "upstream_stream_broken", minTook: 350 * time.Millisecond}},
	}
	for _, c := range cases {
		t.Run(c.script+"/"+c.route, func(t *testing.T) {
			req, _ := http.NewRequest("POST", base+"/"+c.route+"/v1/chat/completions", strings.NewReader(c.body))
			if c.body == unknown {
				req, _ = http.NewRequest("GET", base+"/"+c.route+"/v1/files/f/content", nil)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Script", c.script)
			cl := &http.Client{Timeout: 2500 * time.Millisecond} // a hang fails here
			start := time.Now()
			resp, err := cl.Do(req)
			if err != nil {
				t.Fatalf("no answer: %v", err)
			}
			b, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			took := time.Since(start)
			var ne net.Error
			if errors.As(rerr, &ne) && ne.Timeout() {
				t.Fatalf("the body hung: %v", rerr)
			}
			if resp.StatusCode != c.want.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.want.status, b)
			}
			if c.want.code != "" && !strings.Contains(string(b), `"code":"`+c.want.code+`"`) {
				t.Fatalf("no code %s in %s", c.want.code, b)
			}
			if c.want.broken != (rerr != nil) {
				t.Fatalf("body error %v, want broken=%v (body %q)", rerr, c.want.broken, b)
			}
			if took < c.want.minTook {
				t.Fatalf("took %v, before the route's timeout", took)
			}
		})
	}
}

// TestClientGoneMidStreamNoLeak: clients that leave streams (guarded and
// not) make Ward close the upstream connection, and leave no goroutine
// behind once the gateway is idle.
func TestClientGoneMidStreamNoLeak(t *testing.T) {
	up := newScriptedUpstream(t, func(c *net.TCPConn, _ *http.Request) {
		io.WriteString(c, sseHead)
		for i := range 2000 {
			if _, err := io.WriteString(c, sseChunk(i)); err != nil {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	// The upstream's handler returns when its write fails: count those.
	const routes = `
[[routes]]
name = "plain"
prefix = "/plain/"
strip_prefix = true
upstream = "{{UP}}"
timeout = "5s"
[[routes]]
name = "guarded"
prefix = "/guarded/"
strip_prefix = true
upstream = "{{UP}}"
timeout = "5s"
`
	base, _ := startWard(t, "http://"+up.addr, "", routes, map[string][]pipeline.Step{"guarded": {{Guard: respGuard{}}}})
	leave := func(route string) {
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		req, _ := http.NewRequest("POST", base+"/"+route+"/v1/chat/completions", strings.NewReader(`{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 200)
		if _, err := io.ReadFull(resp.Body, buf); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	leave("plain") // warm up: worker and cleaner goroutines that stay
	leave("guarded")
	time.Sleep(100 * time.Millisecond)
	before := runtime.NumGoroutine()
	for range 10 {
		leave("plain")
		leave("guarded")
	}
	// Each stream's goroutines (Ward's handler, the upstream script) end
	// once Ward's next write fails; a leak would leave 20 or more behind.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+4 {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("goroutines: %d before, %d after 20 abandoned streams\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestWholeAnswerToStreamRequest: an upstream that answers a request for
// a stream with a whole JSON answer has that answer read whole and checked
// by the route's response guards, as if the client had not asked for a
// stream (a route without response_chunk guards used to relay it
// unchecked), on routes with and without a concurrency limit.
func TestWholeAnswerToStreamRequest(t *testing.T) {
	leaky := strings.Replace(wholeAnswer, "a whole answer", "a leak", 1)
	up := newScriptedUpstream(t, func(c *net.TCPConn, req *http.Request) {
		io.WriteString(c, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s", len(leaky), leaky))
	})
	const routes = `
[[routes]]
name = "plain"
prefix = "/plain/"
strip_prefix = true
upstream = "{{UP}}"
[[routes]]
name = "limited"
prefix = "/limited/"
strip_prefix = true
upstream = "{{UP}}"
max_concurrent = 4
`
	steps := map[string][]pipeline.Step{"plain": {{Guard: keywordGuard()}}, "limited": {{Guard: keywordGuard()}}}
	base, _ := startWard(t, "http://"+up.addr, "", routes, steps)
	for _, route := range []string{"plain", "limited"} {
		for _, body := range []string{
			`{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}`,
			`{"model":"m","messages":[{"role":"user","content":"hi"}]}`,
		} {
			resp, err := http.Post(base+"/"+route+"/v1/chat/completions", "application/json", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 451 || !strings.Contains(string(b), `"code":"kw.leak"`) {
				t.Errorf("%s %s: status %d %s, want the response guard's 451 kw.leak", route, body, resp.StatusCode, b)
			}
		}
	}
}
