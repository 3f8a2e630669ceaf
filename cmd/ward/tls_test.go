package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/control/reload"
)

// pki issues the test certificates (generated per run; no key is
// committed).
type pki struct {
	t      *testing.T
	ca     *x509.Certificate
	key    *ecdsa.PrivateKey
	caPEM  []byte
	serial int64
}

func newPKI(t *testing.T, name string) *pki {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	return &pki{t: t, ca: ca, key: key, caPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), serial: 1}
}

func (p *pki) issue(tmpl x509.Certificate, usage x509.ExtKeyUsage) (certPEM, keyPEM []byte) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p.serial++
	tmpl.SerialNumber = big.NewInt(p.serial)
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{usage}
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, p.ca, &key.PublicKey, p.key)
	if err != nil {
		p.t.Fatal(err)
	}
	kder, _ := x509.MarshalPKCS8PrivateKey(key)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestTLSListeners serves the gateway and the admin API over TLS 1.3 with
// required client certificates: the certificate's subject reaches the
// audit record beside the API key's identity (the auth guard still
// decides), the admin API and `ward guards` work over mTLS, and an admin
// reload serves a renewed certificate while a broken one is refused.
func TestTLSListeners(t *testing.T) {
	requireBuiltins(t)
	dir := t.TempDir()
	servers, clients := newPKI(t, "ward test server CA"), newPKI(t, "ward test client CA")
	write := func(name string, b []byte) {
		t.Helper()
		writeAtomic(t, filepath.Join(dir, name), b)
	}
	serverCert := func() {
		c, k := servers.issue(x509.Certificate{Subject: pkix.Name{CommonName: "ward"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}, x509.ExtKeyUsageServerAuth)
		write("server.pem", c)
		write("server.key", k)
	}
	serverCert()
	write("servers-ca.pem", servers.caPEM)
	write("clients-ca.pem", clients.caPEM)
	spiffe, _ := url.Parse("spiffe://example.org/billing")
	c, k := clients.issue(x509.Certificate{Subject: pkix.Name{CommonName: "billing", Organization: []string{"Acme"}}, URIs: []*url.URL{spiffe}}, x509.ExtKeyUsageClientAuth)
	write("client.pem", c)
	write("client.key", k)
	clientPair, err := tls.X509KeyPair(c, k)
	if err != nil {
		t.Fatal(err)
	}
	write("admin.token", []byte(adminToken))
	up := startMock(t)
	write("ward.toml", []byte(`[server]
listen = ["127.0.0.1:0"]
tls_cert = "server.pem"
tls_key = "server.key"
tls_min_version = "1.3"
client_ca = "clients-ca.pem"

[log]
format = "json"

[admin]
listen = "127.0.0.1:0"
token_file = "admin.token"
tls_cert = "server.pem"
tls_key = "server.key"
client_ca = "clients-ca.pem"

[audit]
sink = "file"
path = "audit.log"

[reload]
watch = false

[guards.auth]
path = "builtin:auth"
grants = ["clock"]

[[guards.auth.config.api_keys]]
id = "demo-analyst"
sha256 = "97c7b71607ec8a8074483721fd8d17ac0b066c8191dd2b46949018aff2b528f2"
subject = "alice"
roles = ["analyst"]

[[routes]]
name = "llm"
prefix = "/v1/"
upstream = "http://`+up+`"
guards = ["auth"]
`))
	path := filepath.Join(dir, "ward.toml")
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- serveWith(ctx, cfg, reload.FileLoader(path), &stdout, &stderr, func(a []string, _ string) { ready <- a[0] })
	}()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("exit %d: %s", code, stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatal("ward did not start")
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
		}
	}
	t.Cleanup(stop)
	m := regexp.MustCompile(`"admin":"([^"]+)"`).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("no admin address in %s", stdout.String())
	}
	admin := m[1]

	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(servers.caPEM)
	client := func(withCert bool) *http.Client {
		tc := &tls.Config{RootCAs: roots}
		if withCert {
			tc.Certificates = []tls.Certificate{clientPair}
		}
		return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: tc, DisableKeepAlives: true}}
	}
	type result struct {
		status int
		serial *big.Int
	}
	do := func(c *http.Client, method, u, key string) (result, error) {
		body := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}`
		req, _ := http.NewRequest(method, u, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := c.Do(req)
		if err != nil {
			return result{}, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return result{resp.StatusCode, resp.TLS.PeerCertificates[0].SerialNumber}, nil
	}
	chatURL := "https://" + addr + "/v1/chat/completions"

	r, err := do(client(true), "POST", chatURL, "ward-demo-analyst-key")
	if err != nil || r.status != 200 {
		t.Fatalf("client certificate and key: %+v %v", r, err)
	}
	first := r.serial
	if r, err := do(client(true), "POST", chatURL, ""); err != nil || r.status != 401 {
		t.Fatalf("client certificate without key: %+v %v (the auth guard decides)", r, err)
	}
	if _, err := do(client(false), "POST", chatURL, "ward-demo-analyst-key"); err == nil {
		t.Fatal("no client certificate: served")
	}

	// The admin API over mTLS, and the CLI with -cacert/-cert/-key.
	if r, err := do(client(true), "GET", "https://"+admin+"/healthz", ""); err != nil || r.status != 200 {
		t.Fatalf("admin healthz: %+v %v", r, err)
	}
	if _, err := do(client(false), "GET", "https://"+admin+"/healthz", ""); err == nil {
		t.Fatal("admin without client certificate: served")
	}
	cli := []string{"-c", path, "-addr", admin, "-cacert", filepath.Join(dir, "servers-ca.pem"),
		"-cert", filepath.Join(dir, "client.pem"), "-key", filepath.Join(dir, "client.key")}
	var out, errb bytes.Buffer
	if code := run(append([]string{"guards"}, cli...), &out, &errb); code != 0 || !strings.Contains(out.String(), "auth") {
		t.Fatalf("ward guards over mTLS: %d %s %s", code, out.String(), errb.String())
	}

	// A renewed certificate is served after a reload; a broken one is
	// refused and the renewed one keeps serving.
	serverCert()
	out.Reset()
	errb.Reset()
	if code := run(append([]string{"reload"}, cli...), &out, &errb); code != 0 {
		t.Fatalf("reload: %d %s %s", code, out.String(), errb.String())
	}
	r, err = do(client(true), "POST", chatURL, "ward-demo-analyst-key")
	if err != nil || r.status != 200 || r.serial.Cmp(first) == 0 {
		t.Fatalf("after reload: %+v %v (first serial %v)", r, err, first)
	}
	renewed := r.serial
	write("server.pem", []byte("-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n"))
	out.Reset()
	errb.Reset()
	if code := run(append([]string{"reload"}, cli...), &out, &errb); code != 1 || !strings.Contains(errb.String(), "server.tls_cert") {
		t.Fatalf("reload with a broken certificate: %d %s %s", code, out.String(), errb.String())
	}
	if r, err := do(client(true), "POST", chatURL, "ward-demo-analyst-key"); err != nil || r.serial.Cmp(renewed) != 0 {
		t.Fatalf("after a refused reload: %+v %v", r, err)
	}

	// The audit record: the certificate's identity beside the key's.
	stop()
	// The first line is the chain's start record; the request's follows.
	line := strings.SplitN(readFile(t, filepath.Join(dir, "audit.log")), "\n", 3)[1]
	var rec struct {
		Identity map[string]string `json:"identity"`
		Status   int               `json:"status"`
	}
	if err := json.Unmarshal([]byte(line), &rec); err != nil {
		t.Fatalf("audit line %q: %v", line, err)
	}
	want := map[string]string{"source": "mtls", "cert_subject": "CN=billing,O=Acme", "cert_uri": "spiffe://example.org/billing", "subject": "alice"}
	for k, v := range want {
		if rec.Identity[k] != v {
			t.Errorf("audit identity.%s = %q, want %q (record %s)", k, rec.Identity[k], v, line)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "audit.log")); err != nil || rec.Status != 200 {
		t.Errorf("audit status %d", rec.Status)
	}
}
