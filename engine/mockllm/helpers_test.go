package mockllm

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// startServer serves a new mock on 127.0.0.1:0 and closes it at cleanup,
// failing the test if Serve returned an error.
func startServer(t *testing.T, o Options) (*Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := New(o)
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Serve did not return after Close")
		}
	})
	return s, ln.Addr().String()
}

type result struct {
	status  int
	header  map[string]string // lower-case name -> value
	body    []byte
	elapsed time.Duration
}

var testClient = &fasthttp.Client{ReadTimeout: 10 * time.Second, WriteTimeout: 5 * time.Second}

// do sends one request with a fresh client connection pool entry.
func do(t *testing.T, addr, method, path string, hdr map[string]string, body string) (result, error) {
	t.Helper()
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://" + addr + path)
	req.Header.SetMethod(method)
	req.Header.SetContentType("application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	if method != fasthttp.MethodGet {
		req.SetBodyString(body)
	}
	start := time.Now()
	err := testClient.DoTimeout(req, resp, 10*time.Second)
	r := result{elapsed: time.Since(start)}
	if err != nil {
		return r, err
	}
	r.status = resp.StatusCode()
	r.header = map[string]string{}
	for k, v := range resp.Header.All() {
		r.header[strings.ToLower(string(k))] = string(v)
	}
	r.body = append([]byte(nil), resp.Body()...)
	return r, nil
}

func mustDo(t *testing.T, addr, method, path string, hdr map[string]string, body string) result {
	t.Helper()
	r, err := do(t, addr, method, path, hdr, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// sseEvent is one parsed server-sent event.
type sseEvent struct {
	name string // "" when the frame had no event: line
	data string
}

// parseSSE parses a complete SSE body strictly: frames are separated by a
// blank line, every line is "event: X" or "data: X", each frame has exactly
// one data line, and the body ends with the blank line.
func parseSSE(body []byte) ([]sseEvent, error) {
	if !bytes.HasSuffix(body, []byte("\n\n")) {
		return nil, errors.New("body does not end with a blank line")
	}
	var out []sseEvent
	for i, frame := range strings.Split(strings.TrimSuffix(string(body), "\n\n"), "\n\n") {
		var ev sseEvent
		datas := 0
		for line := range strings.SplitSeq(frame, "\n") {
			switch {
			case strings.HasPrefix(line, "event: "):
				if ev.name != "" {
					return nil, fmt.Errorf("frame %d: two event lines", i)
				}
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
				datas++
			default:
				return nil, fmt.Errorf("frame %d: bad line %q", i, line)
			}
		}
		if datas != 1 {
			return nil, fmt.Errorf("frame %d: %d data lines", i, datas)
		}
		out = append(out, ev)
	}
	return out, nil
}

// jsonOf decodes s into a generic map, failing the test on bad JSON.
func jsonOf(t *testing.T, s []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(s, &m); err != nil {
		t.Fatalf("bad JSON %q: %v", s, err)
	}
	return m
}

// path walks m along keys ("choices", "0", "message", ...).
func path(t *testing.T, m any, keys ...string) any {
	t.Helper()
	cur := m
	for _, k := range keys {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[k]
			if !ok {
				t.Fatalf("missing key %q in %v", k, v)
			}
			cur = next
		case []any:
			var i int
			if _, err := fmt.Sscan(k, &i); err != nil || i >= len(v) {
				t.Fatalf("bad index %q into %d items", k, len(v))
			}
			cur = v[i]
		default:
			t.Fatalf("cannot index %T with %q", cur, k)
		}
	}
	return cur
}

// rawExchange writes a raw HTTP/1.1 request on a new connection and returns
// the connection and a reader positioned at the response.
func rawExchange(t *testing.T, addr, path string, hdr map[string]string, body string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", path, addr, len(body))
	for k, v := range hdr {
		fmt.Fprintf(&b, "%s: %s\r\n", k, v)
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	if _, err := c.Write([]byte(b.String())); err != nil {
		t.Fatal(err)
	}
	return c, bufio.NewReader(c)
}

// readHead reads a status line and headers.
func readHead(t *testing.T, br *bufio.Reader) (status string, hdr map[string]string) {
	t.Helper()
	hdr = map[string]string{}
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("status line: %v", err)
	}
	status = strings.TrimSpace(line)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("header: %v", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			return status, hdr
		}
		k, v, _ := strings.Cut(line, ":")
		hdr[strings.ToLower(k)] = strings.TrimSpace(v)
	}
}
