package minproxy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/wardgate/ward/engine/mockllm"
)

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func start(t *testing.T, upstream string) string {
	t.Helper()
	ln := listen(t)
	p := New(upstream, 0)
	go p.Serve(ln)
	t.Cleanup(func() { p.Close() })
	return ln.Addr().String()
}

type reply struct {
	status int
	body   []byte
	sha    string
}

func post(t *testing.T, addr, path, body string, hdr map[string]string) reply {
	t.Helper()
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://" + addr + path)
	req.Header.SetMethod("POST")
	req.Header.SetContentType("application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	req.SetBodyString(body)
	if err := fasthttp.DoTimeout(req, resp, 5*time.Second); err != nil {
		t.Fatalf("POST %s%s: %v", addr, path, err)
	}
	return reply{resp.StatusCode(), append([]byte(nil), resp.Body()...), string(resp.Header.Peek(mockllm.HeaderBodySHA256))}
}

func TestForwards(t *testing.T) {
	upLn := listen(t)
	mock := mockllm.New(mockllm.Options{})
	go mock.Serve(upLn)
	t.Cleanup(func() { mock.Close() })
	up := upLn.Addr().String()
	proxy := start(t, up)

	const chat = `{"model":"m","messages":[{"role":"user","content":"hello there"}]}`
	sum := sha256.Sum256([]byte(chat))
	tests := []struct {
		name   string
		path   string
		body   string
		hdr    map[string]string
		status int
	}{
		{"chat json", "/v1/chat/completions", chat, nil, 200},
		{"chat stream", "/v1/chat/completions", `{"stream":true,"messages":[{"role":"user","content":"hi"}]}`, nil, 200},
		{"anthropic", "/v1/messages", `{"max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`, nil, 200},
		{"upstream status", "/v1/chat/completions", chat, map[string]string{mockllm.HeaderFault: "status:503"}, 503},
		{"upstream 404", "/nope?q=1", chat, nil, 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			direct := post(t, up, tc.path, tc.body, tc.hdr)
			via := post(t, proxy, tc.path, tc.body, tc.hdr)
			if via.status != tc.status || direct.status != tc.status {
				t.Fatalf("status direct %d, proxied %d, want %d", direct.status, via.status, tc.status)
			}
			if !bytes.Equal(via.body, direct.body) {
				t.Errorf("proxied body differs:\n%s\n%s", via.body, direct.body)
			}
			if via.sha != direct.sha || via.sha == "" {
				t.Errorf("body sha proxied %q direct %q", via.sha, direct.sha)
			}
		})
	}
	if got := post(t, proxy, "/v1/chat/completions", chat, nil).sha; got != hex.EncodeToString(sum[:]) {
		t.Errorf("upstream saw a different body: sha %s", got)
	}
}

func TestUpstreamDown(t *testing.T) {
	ln := listen(t)
	dead := ln.Addr().String()
	ln.Close()
	r := post(t, start(t, dead), "/v1/chat/completions", `{}`, nil)
	if r.status != fasthttp.StatusBadGateway || !bytes.Contains(r.body, []byte("minproxy: upstream")) {
		t.Fatalf("status %d body %q", r.status, r.body)
	}
}

// countingListener counts accepted connections.
type countingListener struct {
	net.Listener
	n atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// TestKeepAlive checks that the proxy reuses upstream connections: sequential
// requests must share one upstream connection.
func TestKeepAlive(t *testing.T) {
	ln := &countingListener{Listener: listen(t)}
	mock := mockllm.New(mockllm.Options{})
	go mock.Serve(ln)
	t.Cleanup(func() { mock.Close() })
	proxy := start(t, ln.Addr().String())
	c := &fasthttp.Client{}
	for i := 0; i < 50; i++ {
		req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		req.SetRequestURI("http://" + proxy + "/v1/chat/completions")
		req.Header.SetMethod("POST")
		req.SetBodyString(`{"messages":[{"role":"user","content":"x"}]}`)
		if err := c.Do(req, resp); err != nil || resp.StatusCode() != 200 {
			t.Fatalf("request %d: %v %d", i, err, resp.StatusCode())
		}
		fasthttp.ReleaseRequest(req)
		fasthttp.ReleaseResponse(resp)
	}
	if n := ln.n.Load(); n != 1 {
		t.Errorf("%d upstream connections for 50 sequential requests, want 1", n)
	}
}
