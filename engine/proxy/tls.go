package proxy

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/sdk/abi"
)

// Listener names a listener whose TLS settings a snapshot carries.
type Listener int

const (
	ListenerServer Listener = iota // [server]
	ListenerAdmin                  // [admin]
	numListeners
)

func (l Listener) section() string {
	if l == ListenerAdmin {
		return "admin"
	}
	return "server"
}

// maxPEMFile bounds the certificate, key and CA files read.
const maxPEMFile = 1 << 20

// buildTLS reads the files of a listener's TLS settings into a tls.Config;
// nil when the listener has no TLS. It runs on every Build, so a reload
// serves renewed files; a certificate that does not load, does not match
// its key or has expired fails the build, and the running snapshot's
// certificate keeps serving.
func buildTLS(cfg *config.Config, l Listener, c *config.TLS, now time.Time) (*tls.Config, error) {
	if !c.Enabled() {
		return nil, nil
	}
	sec := l.section()
	certPEM, err := readPEM(cfg.ResolveFile(c.Cert))
	if err != nil {
		return nil, cfg.Errorf([]string{sec, "tls_cert"}, "%v", err)
	}
	keyPEM, err := readPEM(cfg.ResolveFile(c.Key))
	if err != nil {
		return nil, cfg.Errorf([]string{sec, "tls_key"}, "%v", err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	clear(keyPEM)
	if err != nil {
		// crypto/tls's messages name no key material.
		return nil, cfg.Errorf([]string{sec, "tls_cert"}, "%s and %s: %v", c.Cert, c.Key, err)
	}
	leaf := cert.Leaf
	if leaf == nil {
		if leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return nil, cfg.Errorf([]string{sec, "tls_cert"}, "%s: %v", c.Cert, err)
		}
		cert.Leaf = leaf
	}
	if now.After(leaf.NotAfter) {
		return nil, cfg.Errorf([]string{sec, "tls_cert"}, "%s expired on %s", c.Cert, leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	tc := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   c.MinVersion,
		NextProtos:   []string{"http/1.1"},
	}
	if c.ClientCA != "" {
		caPEM, err := readPEM(cfg.ResolveFile(c.ClientCA))
		if err != nil {
			return nil, cfg.Errorf([]string{sec, "client_ca"}, "%v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(caPEM) {
			return nil, cfg.Errorf([]string{sec, "client_ca"}, "%s holds no PEM certificate", c.ClientCA)
		}
		tc.ClientCAs = pool
		tc.ClientAuth = tls.RequireAndVerifyClientCert
		if c.ClientAuth == config.ClientAuthVerifyIfGiven {
			tc.ClientAuth = tls.VerifyClientCertIfGiven
		}
	}
	return tc, nil
}

func readPEM(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Size() > maxPEMFile {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, maxPEMFile)
	}
	return os.ReadFile(path)
}

// TLSConfig returns the tls.Config to serve listener l with, or nil when
// the current snapshot's config gives l no TLS. Each handshake takes the
// certificate, minimum version and client CAs from the snapshot published
// at that moment (tls.Config.GetConfigForClient), so a reload that
// re-read renewed files applies to new connections without a restart;
// connections already open keep their session. A snapshot without TLS
// settings for l (a reload that removed them: turning TLS off needs a
// restart) leaves the last ones serving.
func (s *Server) TLSConfig(l Listener) *tls.Config {
	first := s.snap.Load().tls[l]
	if first == nil {
		return nil
	}
	return &tls.Config{
		MinVersion: first.MinVersion,
		NextProtos: first.NextProtos,
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			if c := s.snap.Load().tls[l]; c != nil {
				return c, nil
			}
			return first, nil
		},
	}
}

// tlsListener wraps ln in TLS when the server listener is configured for it.
func (s *Server) tlsListener(cfg *config.Config, ln net.Listener) (net.Listener, error) {
	if !cfg.Server.TLS.Enabled() {
		return ln, nil
	}
	tc := s.TLSConfig(ListenerServer)
	if tc == nil {
		return nil, cfg.Errorf([]string{"server", "tls_cert"}, "the pipeline snapshot carries no certificate (built without this config?)")
	}
	return tls.NewListener(ln, tc), nil
}

// describe fills what the request phase sees of the caller: the route's
// identity headers, client.ip (st.ip, set by serve) and, for a verified
// client certificate, its identity (peerIdentity).
func (s *Server) describe(ctx *fasthttp.RequestCtx, st *reqState, rt *route, x *abi.Exchange) {
	x.Headers = x.Headers[:0]
	for _, h := range rt.identityHeaders {
		if v := ctx.Request.Header.Peek(h); len(v) > 0 {
			x.Headers = append(x.Headers, abi.KV{Key: h, Value: b2s(v)})
		}
	}
	x.Annotations = append(x.Annotations, abi.KV{Key: "client.ip", Value: b2s(st.ip)})
	if ctx.IsTLS() {
		st.peer.annotate(ctx.Conn(), x)
	}
}

// Annotations of a verified client certificate. They are not
// identity.subject: an authentication guard annotates that one, and rbac
// refuses a request whose identity.subject is annotated twice, so an
// API-key or JWT check keeps working on an mTLS listener.
const (
	AnnCertSubject = "identity.cert_subject" // the subject DN, RFC 2253 ("CN=alice,O=Acme")
	AnnCertDNS     = "identity.cert_dns"     // DNS SANs, comma-separated
	AnnCertURI     = "identity.cert_uri"     // URI SANs (SPIFFE ids), comma-separated
	AnnSource      = "identity.source"       // "mtls"
	SourceMTLS     = "mtls"
)

// peerIdentity caches the annotations of the last client certificate seen
// by a pooled request state: a keep-alive connection presents the same
// certificate on every request, so the strings are made once per
// certificate rather than once per request.
type peerIdentity struct {
	cert               *x509.Certificate
	subject, dns, uris string
}

type connStater interface {
	ConnectionState() tls.ConnectionState
}

func (p *peerIdentity) annotate(c net.Conn, x *abi.Exchange) {
	cs, ok := c.(connStater)
	if !ok {
		return
	}
	state := cs.ConnectionState()
	// VerifiedChains is empty for an unverified certificate; with
	// client_auth = "verify_if_given" a client may present none.
	if len(state.VerifiedChains) == 0 || len(state.PeerCertificates) == 0 {
		return
	}
	leaf := state.PeerCertificates[0]
	if leaf != p.cert {
		p.cert = leaf
		p.subject = leaf.Subject.String()
		p.dns = strings.Join(leaf.DNSNames, ",")
		uris := make([]string, len(leaf.URIs))
		for i, u := range leaf.URIs {
			uris[i] = u.String()
		}
		p.uris = strings.Join(uris, ",")
	}
	x.Annotations = append(x.Annotations, abi.KV{Key: AnnSource, Value: SourceMTLS}, abi.KV{Key: AnnCertSubject, Value: p.subject})
	if p.dns != "" {
		x.Annotations = append(x.Annotations, abi.KV{Key: AnnCertDNS, Value: p.dns})
	}
	if p.uris != "" {
		x.Annotations = append(x.Annotations, abi.KV{Key: AnnCertURI, Value: p.uris})
	}
}
