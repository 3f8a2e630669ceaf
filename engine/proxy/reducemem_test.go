//go:build unix && !race

package proxy

import (
	"net"
	"testing"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/mockllm"
	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// BenchmarkServeReduceMemory prices [server] reduce_memory_usage: one
// keep-alive client sends chat requests through a fasthttp.Server serving
// the proxy's handler (an allowing guard, the in-memory mock upstream),
// with and without ReduceMemoryUsage. With one sequential client every
// request finds its connection idle, so each one releases and takes back
// the connection's buffers: the most the setting can cost. cpu-ns/op is
// the process's CPU time per request (client, server and mock), which a
// busy machine disturbs less than the wall time.
func BenchmarkServeReduceMemory(b *testing.B) {
	for _, reduce := range []bool{false, true} {
		name := "off"
		if reduce {
			name = "on"
		}
		b.Run(name, func(b *testing.B) {
			up := fasthttputil.NewInmemoryListener()
			mock := mockllm.New(mockllm.Options{})
			go mock.Serve(up)
			b.Cleanup(func() { mock.Close() })
			cfg, err := config.Parse("bench.toml", []byte("[server]\nlisten = [\"127.0.0.1:0\"]\n[[routes]]\nname = \"llm\"\nprefix = \"/v1/\"\nupstream = \"http://mock.local\"\n"))
			if err != nil {
				b.Fatal(err)
			}
			r, err := newRoute(cfg.Routes[0], pipeline.New([]pipeline.Step{{Guard: allowGuard{}}}))
			if err != nil {
				b.Fatal(err)
			}
			r.client.DialTimeout = nil
			r.client.Dial = func(string) (net.Conn, error) { return up.Dial() }
			srv := NewServer(&Snapshot{routes: []*route{r}}, nil)
			ln := fasthttputil.NewInmemoryListener()
			fs := &fasthttp.Server{Handler: srv.Handler(), ReadBufferSize: int(cfg.Server.MaxHeaderBytes), ReduceMemoryUsage: reduce}
			go fs.Serve(ln)
			b.Cleanup(func() { fs.Shutdown() })
			hc := &fasthttp.HostClient{Addr: "ward", Dial: func(string) (net.Conn, error) { return ln.Dial() }, MaxConns: 1}
			body := []byte(`{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Summarise the policy terms for a customer, keeping the deductible and the coverage limits, in plain words please."}],"temperature":0.2,"max_tokens":256}`)
			var req fasthttp.Request
			var resp fasthttp.Response
			req.Header.SetMethod("POST")
			req.SetRequestURI("http://ward/v1/chat/completions")
			req.Header.SetContentType("application/json")
			req.SetBodyRaw(body)
			b.ReportAllocs()
			cpu0 := guesttest.ProcessCPU()
			for b.Loop() {
				if err := hc.Do(&req, &resp); err != nil || resp.StatusCode() != 200 {
					b.Fatal(err, resp.StatusCode())
				}
			}
			b.ReportMetric(float64(guesttest.ProcessCPU()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}
