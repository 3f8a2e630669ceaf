// Package minproxy is the smallest fasthttp reverse proxy that still forwards
// a request: method, path, query, headers and body go to one upstream through
// a keep-alive fasthttp.HostClient, and the upstream's answer comes back as
// is. It does nothing else: no hop-by-hop stripping, no X-Forwarded-For, no
// streaming (answers are buffered), no limits beyond fasthttp's defaults.
//
// It exists only as the ceiling in the load benchmarks: what any fasthttp
// proxy costs on this machine before it does useful work. Do not use it as a
// real proxy.
package minproxy

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/valyala/fasthttp"
)

// Proxy forwards every request to one upstream. It is safe for concurrent
// use; create it with New.
type Proxy struct {
	hc  *fasthttp.HostClient
	srv *fasthttp.Server
}

// New returns a proxy to upstream, a host:port reached over plain HTTP.
// maxConns bounds the upstream keep-alive pool (<= 0: 1024).
func New(upstream string, maxConns int) *Proxy {
	if maxConns <= 0 {
		maxConns = 1024
	}
	p := &Proxy{hc: &fasthttp.HostClient{
		Addr:                upstream,
		MaxConns:            maxConns,
		ReadTimeout:         30 * time.Second,
		WriteTimeout:        30 * time.Second,
		MaxIdleConnDuration: 90 * time.Second,
	}}
	p.srv = &fasthttp.Server{
		Handler:     p.Handler,
		Name:        "minproxy",
		ReadTimeout: 30 * time.Second,
		IdleTimeout: 90 * time.Second,
	}
	return p
}

// Handler forwards ctx's request and writes the upstream's answer into ctx.
// An upstream failure is answered 502 with the error text.
func (p *Proxy) Handler(ctx *fasthttp.RequestCtx) {
	if err := p.hc.Do(&ctx.Request, &ctx.Response); err != nil {
		ctx.Response.Reset()
		ctx.Error("minproxy: upstream: "+err.Error(), fasthttp.StatusBadGateway)
	}
}

// Serve serves ln until Close; it returns nil after Close.
func (p *Proxy) Serve(ln net.Listener) error {
	if err := p.srv.Serve(ln); err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("minproxy: serve: %w", err)
	}
	return nil
}

// Close stops the listener and waits for in-flight requests.
func (p *Proxy) Close() error {
	if err := p.srv.Shutdown(); err != nil {
		return fmt.Errorf("minproxy: shutdown: %w", err)
	}
	p.hc.CloseIdleConnections()
	return nil
}
