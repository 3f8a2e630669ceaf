package proxy

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/sdk/abi"
)

// recordingUpstream is a raw HTTP/1.1 upstream that keeps every request it
// parses off its connections (keep-alive included): request id, method,
// path and the chat messages of the body. A request Ward did not frame as
// one (a smuggled one) shows up as an extra entry, without a request id
// the guard saw.
type recordingUpstream struct {
	mu   sync.Mutex
	reqs []upReq
	ln   net.Listener
}

type upReq struct {
	id, method, path string
	texts            []string
	bodyErr          string
}

func newRecordingUpstream(t *testing.T) *recordingUpstream {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &recordingUpstream{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go u.serve(c)
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return u
}

func (u *recordingUpstream) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		body, err := io.ReadAll(req.Body)
		r := upReq{id: req.Header.Get("X-Request-Id"), method: req.Method, path: req.URL.Path}
		if err != nil {
			r.bodyErr = err.Error()
		} else {
			var chatBody struct {
				Messages []struct {
					Content string `json:"content"`
				} `json:"messages"`
			}
			if err := json.Unmarshal(body, &chatBody); err != nil {
				r.bodyErr = "not a chat body: " + strconv.Quote(string(body))
			}
			for _, m := range chatBody.Messages {
				r.texts = append(r.texts, m.Content)
			}
		}
		u.mu.Lock()
		u.reqs = append(u.reqs, r)
		u.mu.Unlock()
		answer := `{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}`
		if _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "+strconv.Itoa(len(answer))+"\r\n\r\n"+answer); err != nil {
			return
		}
	}
}

func (u *recordingUpstream) received() []upReq {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]upReq(nil), u.reqs...)
}

// seeingGuard records, per request id, the message texts it checked; it
// denies messages containing "deny-me".
type seeingGuard struct {
	mu   sync.Mutex
	seen map[string][]string
}

func (g *seeingGuard) Name() string             { return "seeing" }
func (g *seeingGuard) Version() string          { return "1" }
func (g *seeingGuard) Handles(p abi.Phase) bool { return p == abi.PhaseRequest }
func (g *seeingGuard) Check(_ context.Context, x *abi.Exchange, v *abi.Verdict) error {
	v.Reset()
	var texts []string
	for _, m := range x.Messages {
		texts = append(texts, strings.Clone(m.Text)) // exchange strings alias request memory
		if strings.Contains(m.Text, "deny-me") {
			v.Decision, v.Status, v.Code, v.Message = abi.Deny, 403, "test.deny", "denied"
		}
	}
	g.mu.Lock()
	if g.seen == nil {
		g.seen = map[string][]string{}
	}
	g.seen[strings.Clone(x.RequestID)] = texts
	g.mu.Unlock()
	return nil
}

// checkEveryForwardSeen fails the test when the upstream received a
// request whose id the guard did not check, or whose messages differ from
// what the guard allowed.
func checkEveryForwardSeen(t *testing.T, up *recordingUpstream, g *seeingGuard) {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, r := range up.received() {
		texts, ok := g.seen[r.id]
		switch {
		case r.id == "" || !ok:
			t.Errorf("upstream received %s %s (id %q) that no guard checked: %v %s", r.method, r.path, r.id, r.texts, r.bodyErr)
		case r.bodyErr != "":
			t.Errorf("upstream received %s with a body the guard did not see: %s", r.id, r.bodyErr)
		case strings.Join(texts, "\x00") != strings.Join(r.texts, "\x00"):
			t.Errorf("upstream received %s with messages %q, the guard saw %q", r.id, r.texts, texts)
		}
		for _, tx := range r.texts {
			if strings.Contains(tx, "deny-me") {
				t.Errorf("a denied message reached the upstream: %q", tx)
			}
		}
	}
}

// rawExchange writes raw to Ward on a new connection, half-closes it and
// reads every answer until Ward closes the connection.
func rawExchange(t *testing.T, addr, raw string) []*http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	c.(*net.TCPConn).CloseWrite()
	var out []*http.Response
	br := bufio.NewReader(c)
	for {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatalf("Ward neither answered nor closed the connection (hang): %v", err)
			}
			return out
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(b))
		out = append(out, resp)
	}
}

func chatJSON(text string) string {
	b, _ := json.Marshal(map[string]any{"model": "m", "messages": []map[string]any{{"role": "user", "content": text}}})
	return string(b)
}

// req builds a raw POST /v1/chat/completions with the given extra header
// lines (each ending in \r\n) and body.
func rawReq(headers, body string) string {
	return "POST /v1/chat/completions HTTP/1.1\r\nHost: ward\r\nContent-Type: application/json\r\n" + headers + "\r\n" + body
}

func chunked(body string) string {
	return strconv.FormatInt(int64(len(body)), 16) + "\r\n" + body + "\r\n0\r\n\r\n"
}

// TestRequestSmuggling sends framing attacks to the real listener. Each
// must be refused (400/413/431, connection closed) or parsed one way
// only; the upstream must receive no request the guard did not check in
// full, and no denied one.
func TestRequestSmuggling(t *testing.T) {
	up := newRecordingUpstream(t)
	g := &seeingGuard{}
	route := `
[[routes]]
name = "llm"
prefix = "/v1/"
upstream = "{{UP}}"
unknown_paths = "refuse"
max_body = "4KiB"
timeout = "2s"
`
	base, _ := startWard(t, "http://"+up.ln.Addr().String(), "max_header_bytes = \"4KiB\"\nread_timeout = \"2s\"", route, map[string][]pipeline.Step{"llm": {{Guard: g}}})
	addr := strings.TrimPrefix(base, "http://")

	denied := chatJSON("deny-me please")
	allowed := chatJSON("hello")
	smuggled := rawReq("Content-Length: "+strconv.Itoa(len(denied))+"\r\n", denied)
	// A body that, read by Content-Length, ends before a smuggled request.
	te := chunked(allowed)

	cases := []struct {
		name string
		raw  string
		// statuses are the answers expected, in order; a refused request
		// closes the connection, so nothing after it is answered.
		statuses []int
	}{
		{"CL then TE", rawReq("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", te+smuggled), []int{400}},
		{"TE then CL", rawReq("Transfer-Encoding: chunked\r\nContent-Length: 4\r\n", te+smuggled), []int{400}},
		{"CL too long for TE body", rawReq("Transfer-Encoding: chunked\r\nContent-Length: 999\r\n", te+smuggled), []int{400}},
		{"duplicate CL same value", rawReq("Content-Length: "+strconv.Itoa(len(allowed))+"\r\nContent-Length: "+strconv.Itoa(len(allowed))+"\r\n", allowed+smuggled), []int{400}},
		{"duplicate CL different", rawReq("Content-Length: 2\r\nContent-Length: "+strconv.Itoa(len(allowed))+"\r\n", allowed+smuggled), []int{400}},
		{"CL list", rawReq("Content-Length: "+strconv.Itoa(len(allowed))+", 2\r\n", allowed+smuggled), []int{400}},
		{"CL sign", rawReq("Content-Length: +"+strconv.Itoa(len(allowed))+"\r\n", allowed), []int{400}},
		{"TE xchunked", rawReq("Transfer-Encoding: xchunked\r\n", te+smuggled), []int{400}},
		{"TE chunked, identity", rawReq("Transfer-Encoding: chunked, identity\r\n", te+smuggled), []int{400}},
		{"TE gzip, chunked", rawReq("Transfer-Encoding: gzip, chunked\r\n", te), []int{400}},
		{"TE twice", rawReq("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", te+smuggled), []int{400}},
		{"TE with obs-fold", rawReq("Transfer-Encoding:\r\n chunked\r\nContent-Length: 4\r\n", te+smuggled), []int{400}},
		{"TE with tab", rawReq("Transfer-Encoding:\tchunked\r\n", te), []int{200}},
		{"TE name with space", rawReq("Transfer-Encoding : chunked\r\nContent-Length: 4\r\n", te+smuggled), []int{400}},
		{"obs-fold header", rawReq("X-Folded: a\r\n b\r\nContent-Length: "+strconv.Itoa(len(allowed))+"\r\n", allowed), []int{400}},
		{"obs-fold continuation of Content-Length", rawReq("Content-Length: 4\r\n "+strconv.Itoa(len(allowed))+"\r\n", allowed+smuggled), []int{400}},
		{"HTTP/1.0 with TE", strings.Replace(rawReq("Transfer-Encoding: chunked\r\n", te+smuggled), "HTTP/1.1", "HTTP/1.0", 1), []int{400}},
		{"absurd chunk size", rawReq("Transfer-Encoding: chunked\r\n", "ffffffffffffffffff\r\n"+allowed+"\r\n0\r\n\r\n"), []int{400}},
		{"chunk size over max_body", rawReq("Transfer-Encoding: chunked\r\n", "100000\r\n"+allowed+"\r\n0\r\n\r\n"), []int{413}},
		{"negative chunk size", rawReq("Transfer-Encoding: chunked\r\n", "-1\r\n"+allowed+"\r\n0\r\n\r\n"), []int{400}},
		{"chunk extension smuggle", rawReq("Transfer-Encoding: chunked\r\n", strconv.FormatInt(int64(len(allowed)), 16)+";x\n0\r\n\r\n"+allowed+"\r\n0\r\n\r\n"), []int{400}},
		{"bare LF chunk", rawReq("Transfer-Encoding: chunked\r\n", strconv.FormatInt(int64(len(allowed)), 16)+"\n"+allowed+"\n0\n\n"), []int{400}},
		{"CL larger than max_body", rawReq("Content-Length: 999999\r\n", allowed), []int{413}},
		{"oversized headers", rawReq("X-Big: "+strings.Repeat("a", 8<<10)+"\r\nContent-Length: "+strconv.Itoa(len(allowed))+"\r\n", allowed), []int{431}},
		{"pipelined: each checked", rawReq("Content-Length: "+strconv.Itoa(len(allowed))+"\r\n", allowed) + smuggled + rawReq("Content-Length: "+strconv.Itoa(len(allowed))+"\r\n", allowed), []int{200, 403, 200}},
		{"pipelined after CL+TE: closed", rawReq("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", te) + smuggled, []int{400}},
		{"space before colon", rawReq("Content-Length : "+strconv.Itoa(len(allowed))+"\r\n", allowed), []int{400}},
		{"NUL in header", rawReq("X-A: a\x00b\r\nContent-Length: "+strconv.Itoa(len(allowed))+"\r\n", allowed), []int{400}},
		{"bare CR in header", rawReq("X-A: a\rb\r\nContent-Length: "+strconv.Itoa(len(allowed))+"\r\n", allowed), []int{400}},
		{"two hosts", rawReq("Host: other\r\nContent-Length: "+strconv.Itoa(len(allowed))+"\r\n", allowed), []int{400}},
		{"absolute URI to another host", strings.Replace(rawReq("Content-Length: "+strconv.Itoa(len(allowed))+"\r\n", allowed), "POST /v1/", "POST http://evil.example/v1/", 1), []int{200}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(up.received())
			resps := rawExchange(t, addr, c.raw)
			var got []int
			for _, r := range resps {
				got = append(got, r.StatusCode)
			}
			if len(got) != len(c.statuses) {
				t.Fatalf("answers %v, want %v", got, c.statuses)
			}
			for i := range got {
				if got[i] != c.statuses[i] {
					t.Fatalf("answers %v, want %v", got, c.statuses)
				}
			}
			for _, r := range resps {
				if r.StatusCode >= 400 && r.StatusCode != 403 {
					b, _ := io.ReadAll(r.Body)
					if !json.Valid(b) || !bytes.Contains(b, []byte(`"error"`)) {
						t.Errorf("error answer not API-shaped: %s", b)
					}
				}
			}
			n := 0
			for _, s := range c.statuses {
				if s == 200 {
					n++
				}
			}
			if fwd := len(up.received()) - before; fwd != n {
				t.Errorf("upstream received %d requests, want %d", fwd, n)
			}
			checkEveryForwardSeen(t, up, g)
		})
	}
}

func TestAmbiguousFraming(t *testing.T) {
	for _, c := range []struct {
		raw string
		bad bool
	}{
		{"Host: a\r\nContent-Length: 3\r\n\r\n", false},
		{"Host: a\r\nTransfer-Encoding: chunked\r\n\r\n", false},
		{"Host: a\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n", true},
		{"Transfer-Encoding: chunked\nContent-Length: 3\n\n", true},
		{"Host: a\r\nX-A: b\r\n c\r\n\r\n", true},
		{"Host: a\r\nX-A: b\r\n\tc\r\n\r\n", true},
		{"Host: a\r\nX-Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", false},
		{"Host: a\r\nX-A: Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", false},
		{"", false},
	} {
		if got := ambiguousFraming([]byte(c.raw)); got != c.bad {
			t.Errorf("%q: %v, want %v", c.raw, got, c.bad)
		}
	}
}
