// Package ctltest runs a real gateway for the control plane's tests: a
// config and guard files in a temporary directory, a reloader, a proxy
// server on a loopback port and an upstream, with helpers to change files
// and send requests.
package ctltest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wardgate/ward/engine/control/metrics"
	"github.com/wardgate/ward/engine/control/reload"
	"github.com/wardgate/ward/engine/proxy"
	"github.com/wardgate/ward/engine/wasmhost"
)

// Fixtures is the directory of the reload test guards, relative to this
// source file.
func Fixtures() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "reload", "testdata", "fixtures")
}

// Fixture returns the bytes of a fixture module (swap_v1, swap_v2,
// swap_loop, swap_trap, swap_slow).
func Fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Fixtures(), name+".wasm"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Env is a running gateway.
type Env struct {
	T        testing.TB
	Dir      string
	Addr     string // the proxy's address
	Upstream *Upstream
	Host     *wasmhost.Host
	Reloader *reload.Reloader
	Server   *proxy.Server
	Metrics  *metrics.Metrics
	client   *fasthttp.Client
}

// Config returns a ward.toml whose route "llm" on /v1/ has the guards
// listed (each [guards.NAME] block given whole in guardBlocks).
func Config(upstream string, guardBlocks string, routeGuards string) string {
	return fmt.Sprintf(`[server]
listen = ["127.0.0.1:0"]

[wasm]
cache_dir = "off"

%s

[[routes]]
name = "llm"
prefix = "/v1/"
upstream = "http://%s"
guards = [%s]
`, guardBlocks, upstream, routeGuards)
}

// Start writes files (name -> content) into a temporary directory, starts
// an upstream, and serves ward.toml. The config text may use {{UPSTREAM}}.
func Start(t testing.TB, files map[string][]byte, obs proxy.Observer) *Env {
	t.Helper()
	e := &Env{T: t, Dir: t.TempDir(), Upstream: NewUpstream(t), Metrics: metrics.New()}
	for name, b := range files {
		e.Write(name, b)
	}
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	host, err := wasmhost.New(ctx, wasmhost.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	e.Host = host
	rl, _, err := reload.New(ctx, reload.Options{
		Load:    reload.FileLoader(filepath.Join(e.Dir, "ward.toml")),
		Host:    host,
		Resolve: os.ReadFile,
		Log:     log,
		Metrics: e.Metrics,
	})
	if err != nil {
		host.Close(ctx)
		t.Fatal(err)
	}
	e.Reloader = rl
	e.Server = proxy.NewServer(rl.Current(), log)
	e.Metrics.SetLive(func() []proxy.GuardEntry { return e.Server.Snapshot().Entries() })
	if obs != nil {
		e.Server.SetObserver(obs, true)
	} else {
		e.Server.SetObserver(e.Metrics, false)
	}
	rl.Attach(e.Server)
	cfg := rl.Config()
	lns, err := proxy.Listen(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.Addr = lns[0].Addr().String()
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = e.Server.Serve(sctx, cfg, lns, 5*time.Second); close(done) }()
	e.client = &fasthttp.Client{MaxConnsPerHost: 256, ReadTimeout: 30 * time.Second}
	t.Cleanup(func() {
		cancel()
		<-done
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		_ = rl.Close(cctx)
		_ = e.Server.Snapshot().Close(cctx)
		_ = host.Close(cctx)
	})
	return e
}

// Write writes a file of the environment's directory atomically (a
// temporary file renamed over it), as deploy tools do.
func (e *Env) Write(name string, b []byte) {
	e.T.Helper()
	if name == "ward.toml" {
		b = []byte(strings.ReplaceAll(string(b), "{{UPSTREAM}}", e.Upstream.Addr))
	}
	p := filepath.Join(e.Dir, name)
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		e.T.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		e.T.Fatal(err)
	}
}

// Chat sends a chat completion with the given user text and extra headers
// (name, value pairs); it returns the status and body.
func (e *Env) Chat(text string, headers ...string) (int, []byte, error) {
	return e.ChatJSON(fmt.Sprintf(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":%q}]}`, text), headers...)
}

// ChatJSON sends body as a chat completion request.
func (e *Env) ChatJSON(body string, headers ...string) (int, []byte, error) {
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://" + e.Addr + "/v1/chat/completions")
	req.Header.SetMethod("POST")
	req.Header.SetContentType("application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	req.SetBodyString(body)
	if err := e.client.Do(req, resp); err != nil {
		return 0, nil, err
	}
	return resp.StatusCode(), append([]byte(nil), resp.Body()...), nil
}

// Upstream is a minimal OpenAI-style upstream: it answers every chat
// completion with a fixed answer and usage; a request whose body contains
// "@hold" waits until Release.
type Upstream struct {
	Addr    string
	held    chan struct{}
	release chan struct{}
	once    sync.Once
}

// NewUpstream starts an upstream on a loopback port.
func NewUpstream(t testing.TB) *Upstream {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &Upstream{Addr: ln.Addr().String(), held: make(chan struct{}, 16), release: make(chan struct{})}
	srv := &fasthttp.Server{Handler: u.handle}
	go srv.Serve(ln)
	t.Cleanup(func() { u.Release(); _ = srv.Shutdown() })
	return u
}

func (u *Upstream) handle(ctx *fasthttp.RequestCtx) {
	if bytes.Contains(ctx.PostBody(), []byte("@hold")) {
		u.held <- struct{}{}
		<-u.release
	}
	ctx.SetContentType("application/json")
	ctx.SetBodyString(`{"id":"c1","object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello."},"finish_reason":"stop"}],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}`)
}

// Held returns a channel that receives once per request held at the
// upstream.
func (u *Upstream) Held() <-chan struct{} { return u.held }

// Release lets held requests (and later ones) through.
func (u *Upstream) Release() { u.once.Do(func() { close(u.release) }) }
