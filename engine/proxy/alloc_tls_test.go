//go:build !race

package proxy

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"net"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/sdk/abi"
)

// TestPeerIdentityNoAllocs: on a keep-alive mTLS connection, the
// certificate's annotations are made once; later requests reuse them
// without allocating.
func TestPeerIdentityNoAllocs(t *testing.T) {
	ca := newCA(t, "alloc CA")
	sc, sk, _ := ca.issue(t, x509.Certificate{Subject: pkix.Name{CommonName: "ward"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}, false)
	pair, err := tls.X509KeyPair(sc, sk)
	if err != nil {
		t.Fatal(err)
	}
	client := ca.clientCert(t, x509.Certificate{Subject: pkix.Name{CommonName: "billing"}, DNSNames: []string{"billing"}})
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	a, b := net.Pipe()
	srv := tls.Server(a, &tls.Config{Certificates: []tls.Certificate{pair}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert})
	cli := tls.Client(b, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", Certificates: []tls.Certificate{client}})
	errc := make(chan error, 1)
	go func() { errc <- cli.Handshake() }()
	if err := srv.Handshake(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	defer cli.Close()
	var p peerIdentity
	x := &abi.Exchange{}
	p.annotate(srv, x)
	if got, _ := annotation(x.Annotations, AnnCertSubject); got != "CN=billing" {
		t.Fatalf("subject %q", got)
	}
	if allocs := testing.AllocsPerRun(200, func() {
		x.Annotations = x.Annotations[:0]
		p.annotate(srv, x)
	}); allocs != 0 {
		t.Errorf("%.1f allocations per request", allocs)
	}
}

// authRequestEnv returns a function running one auth_request subrequest
// (allowed, with identity headers in the answer) through the handler.
func authRequestEnv(tb testing.TB) func() int {
	g := &fakeGuard{name: "id", phases: []abi.Phase{abi.PhaseRequest}, fn: func(x *abi.Exchange, v *abi.Verdict) error {
		v.Annotations = append(v.Annotations, abi.KV{Key: "identity.subject", Value: "alice"}, abi.KV{Key: "identity.roles", Value: "analyst"})
		return nil
	}}
	rc := &config.Route{Name: "auth", Prefix: "/_ward/auth", Mode: config.RouteAuthRequest, MaxBody: 1 << 20}
	r, err := newRoute(rc, pipeline.New([]pipeline.Step{{Guard: g}}))
	if err != nil {
		tb.Fatal(err)
	}
	s := NewServer(&Snapshot{routes: []*route{r}}, nil)
	var ctx fasthttp.RequestCtx
	return func() int {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.Request.SetRequestURI("/_ward/auth")
		ctx.Request.Header.SetMethod("GET")
		ctx.Request.Header.Set("X-Original-URI", "/v1/chat/completions")
		ctx.Request.Header.Set("X-Original-Method", "POST")
		ctx.Request.Header.Set("Authorization", "Bearer k")
		ctx.Request.Header.Set("X-Request-Id", "bench-1")
		s.handle(&ctx)
		return ctx.Response.StatusCode()
	}
}

func TestAuthRequestNoAllocs(t *testing.T) {
	run := authRequestEnv(t)
	if run() != 200 {
		t.Fatal("not allowed")
	}
	if allocs := testing.AllocsPerRun(200, func() { run() }); allocs != 0 {
		t.Errorf("%.1f allocations per auth_request", allocs)
	}
}

func BenchmarkAuthRequest(b *testing.B) {
	run := authRequestEnv(b)
	b.ReportAllocs()
	for b.Loop() {
		run()
	}
}
