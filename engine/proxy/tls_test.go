package proxy

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/mockllm"
	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/sdk/abi"
)

// testCA issues certificates for the TLS tests; nothing is written to the
// repository.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

var serial = big.NewInt(100)
var serialMu sync.Mutex

func nextSerial() *big.Int {
	serialMu.Lock()
	defer serialMu.Unlock()
	serial = new(big.Int).Add(serial, big.NewInt(1))
	return serial
}

func newCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue returns a PEM certificate and key signed by ca; tmpl gives the
// subject, SANs and validity (NotBefore/NotAfter default to now +- 1h).
func (ca *testCA) issue(t *testing.T, tmpl x509.Certificate, client bool) (certPEM, keyPEM []byte, serialNo *big.Int) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = nextSerial()
	if tmpl.NotAfter.IsZero() {
		tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	if client {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), tmpl.SerialNumber
}

func (ca *testCA) clientCert(t *testing.T, tmpl x509.Certificate) tls.Certificate {
	t.Helper()
	c, k, _ := ca.issue(t, tmpl, true)
	pair, err := tls.X509KeyPair(c, k)
	if err != nil {
		t.Fatal(err)
	}
	return pair
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// tlsEnv is Ward serving the [server] TLS settings in serverTOML over a
// mock upstream; seen receives the annotations of each request and obs
// the observer's records.
type tlsEnv struct {
	addr string
	dir  string
	cfg  *config.Config
	srv  *Server
	ca   *testCA // issued the server certificate
	seen chan []abi.KV
	recs chan []abi.KV
}

type recObs struct{ c chan []abi.KV }

func (o recObs) ObserveRequest(r *Record) {
	o.c <- append([]abi.KV(nil), r.Annotations...)
}

func startTLS(t *testing.T, serverTOML string, files map[string][]byte) *tlsEnv {
	t.Helper()
	dir := t.TempDir()
	e := &tlsEnv{dir: dir, ca: newCA(t, "ward test server CA"), seen: make(chan []abi.KV, 16), recs: make(chan []abi.KV, 16)}
	c, k, _ := e.ca.issue(t, x509.Certificate{Subject: pkix.Name{CommonName: "ward"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}, false)
	writeFile(t, filepath.Join(dir, "cert.pem"), c)
	writeFile(t, filepath.Join(dir, "key.pem"), k)
	for name, b := range files {
		writeFile(t, filepath.Join(dir, name), b)
	}
	uln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mock := mockllm.New(mockllm.Options{})
	go mock.Serve(uln)
	t.Cleanup(func() { uln.Close() })
	text := "[server]\nlisten = [\"127.0.0.1:0\"]\ntls_cert = \"cert.pem\"\ntls_key = \"key.pem\"\n" + serverTOML +
		"\n[[routes]]\nname = \"llm\"\nprefix = \"/v1/\"\nupstream = \"http://" + uln.Addr().String() + "\"\n"
	e.cfg, err = config.Parse(filepath.Join(dir, "ward.toml"), []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	snap, err := Build(context.Background(), e.cfg, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.install(snap)
	e.srv = NewServer(snap, nil)
	e.srv.SetObserver(recObs{e.recs}, false)
	lns, err := Listen(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.addr = lns[0].Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = e.srv.Serve(ctx, e.cfg, lns, time.Second); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return e
}

// install gives snap's route a guard that reports the annotations it sees.
func (e *tlsEnv) install(snap *Snapshot) {
	g := &fakeGuard{name: "seen", phases: []abi.Phase{abi.PhaseRequest}, fn: func(x *abi.Exchange, v *abi.Verdict) error {
		e.seen <- append([]abi.KV(nil), x.Annotations...)
		return nil
	}}
	for _, r := range snap.routes {
		r.pipeline = pipeline.New([]pipeline.Step{{Guard: g}})
	}
}

// client returns an HTTP client trusting the server's CA, with cfg's
// version bounds and certificates.
func (e *tlsEnv) client(mod func(*tls.Config)) *http.Client {
	pool := x509.NewCertPool()
	pool.AddCert(e.ca.cert)
	tc := &tls.Config{RootCAs: pool}
	if mod != nil {
		mod(tc)
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: tc, DisableKeepAlives: true}, Timeout: 5 * time.Second}
}

func (e *tlsEnv) post(c *http.Client) (*http.Response, error) {
	req, _ := http.NewRequest("POST", "https://"+e.addr+"/v1/chat/completions", strings.NewReader(chat("hello")))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return resp, err
}

func annotation(kvs []abi.KV, key string) (string, int) {
	v, n := "", 0
	for _, kv := range kvs {
		if kv.Key == key {
			v, n = kv.Value, n+1
		}
	}
	return v, n
}

func TestTLSMinVersion(t *testing.T) {
	for _, c := range []struct {
		toml     string
		want12   bool // a TLS 1.2-only client gets through
		wantVers uint16
	}{
		{"", true, tls.VersionTLS13},
		{`tls_min_version = "1.2"`, true, tls.VersionTLS13},
		{`tls_min_version = "1.3"`, false, tls.VersionTLS13},
	} {
		e := startTLS(t, c.toml, nil)
		resp, err := e.post(e.client(nil))
		if err != nil || resp.StatusCode != 200 || resp.TLS.Version != c.wantVers || !resp.TLS.HandshakeComplete {
			t.Fatalf("%q: modern client: %v %+v", c.toml, err, resp)
		}
		<-e.seen
		resp, err = e.post(e.client(func(tc *tls.Config) { tc.MaxVersion = tls.VersionTLS12 }))
		if c.want12 {
			if err != nil || resp.StatusCode != 200 || resp.TLS.Version != tls.VersionTLS12 {
				t.Errorf("%q: TLS 1.2 client refused: %v", c.toml, err)
			}
			<-e.seen
		} else if err == nil || !strings.Contains(err.Error(), "protocol version") {
			t.Errorf("%q: TLS 1.2 client: err %v, want a protocol version alert", c.toml, err)
		}
		// Plain HTTP on a TLS listener is not served.
		if r, err := http.Get("http://" + e.addr + "/v1/models"); err == nil && r.StatusCode == 200 {
			t.Errorf("plain HTTP answered 200")
		}
	}
}

func TestMTLS(t *testing.T) {
	clientCA := newCA(t, "ward test client CA")
	otherCA := newCA(t, "someone else")
	spiffe, _ := url.Parse("spiffe://example.org/ns/prod/sa/billing")
	good := clientCA.clientCert(t, x509.Certificate{
		Subject:  pkix.Name{CommonName: "billing", Organization: []string{"Acme"}},
		DNSNames: []string{"billing.internal", "billing"}, URIs: []*url.URL{spiffe},
	})
	stranger := otherCA.clientCert(t, x509.Certificate{Subject: pkix.Name{CommonName: "mallory"}})
	withCert := func(c tls.Certificate) func(*tls.Config) {
		// Sent whatever CAs the server names (Certificates would send
		// nothing for a CA the server does not accept).
		return func(tc *tls.Config) {
			tc.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &c, nil }
		}
	}
	files := map[string][]byte{"clients.pem": clientCA.pem}

	t.Run("require", func(t *testing.T) {
		e := startTLS(t, "client_ca = \"clients.pem\"\n", files)
		if _, err := e.post(e.client(nil)); err == nil {
			t.Error("no client certificate: served")
		}
		if _, err := e.post(e.client(withCert(stranger))); err == nil {
			t.Error("certificate of an unknown CA: served")
		}
		resp, err := e.post(e.client(withCert(good)))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("verified client: %v %+v", err, resp)
		}
		for what, kvs := range map[string][]abi.KV{"guard": <-e.seen, "record": <-e.recs} {
			for key, want := range map[string]string{
				AnnSource: "mtls", AnnCertSubject: "CN=billing,O=Acme",
				AnnCertDNS: "billing.internal,billing", AnnCertURI: "spiffe://example.org/ns/prod/sa/billing",
			} {
				if got, n := annotation(kvs, key); got != want || n != 1 {
					t.Errorf("%s: %s = %q (%d times), want %q", what, key, got, n, want)
				}
			}
			if _, n := annotation(kvs, "identity.subject"); n != 0 {
				t.Errorf("%s: identity.subject set by the host", what)
			}
		}
	})
	t.Run("verify_if_given", func(t *testing.T) {
		e := startTLS(t, "client_ca = \"clients.pem\"\nclient_auth = \"verify_if_given\"\n", files)
		resp, err := e.post(e.client(nil))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("no certificate: %v", err)
		}
		if kvs := <-e.seen; len(kvs) != 1 || kvs[0].Key != "client.ip" {
			t.Errorf("annotations without a certificate: %v", kvs)
		}
		<-e.recs
		if _, err := e.post(e.client(withCert(stranger))); err == nil {
			t.Error("certificate of an unknown CA: served")
		}
		if resp, err := e.post(e.client(withCert(good))); err != nil || resp.StatusCode != 200 {
			t.Fatalf("verified client: %v", err)
		}
		if got, _ := annotation(<-e.seen, AnnCertSubject); got != "CN=billing,O=Acme" {
			t.Errorf("subject %q", got)
		}
	})
}

// TestTLSReloadOnSwap: a rebuilt snapshot re-reads the certificate files
// and new connections get the new certificate; a rebuild with a bad
// certificate fails with the config line and the old one keeps serving.
func TestTLSReloadOnSwap(t *testing.T) {
	e := startTLS(t, "tls_min_version = \"1.3\"\n", nil)
	serialOf := func() *big.Int {
		t.Helper()
		resp, err := e.post(e.client(nil))
		if err != nil {
			t.Fatal(err)
		}
		<-e.seen
		return resp.TLS.PeerCertificates[0].SerialNumber
	}
	first := serialOf()
	c, k, want := e.ca.issue(t, x509.Certificate{Subject: pkix.Name{CommonName: "ward-renewed"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}, false)
	writeFile(t, filepath.Join(e.dir, "cert.pem"), c)
	writeFile(t, filepath.Join(e.dir, "key.pem"), k)
	if got := serialOf(); got.Cmp(first) != 0 {
		t.Fatalf("certificate changed before a reload: %v", got)
	}
	rebuild := func() error {
		next, err := Rebuild(context.Background(), e.srv.Snapshot(), e.cfg, nil, nil, nil)
		if err != nil {
			return err
		}
		e.install(next)
		e.srv.Swap(next)
		return nil
	}
	if err := rebuild(); err != nil {
		t.Fatal(err)
	}
	if got := serialOf(); got.Cmp(want) != 0 {
		t.Fatalf("after reload: serial %v, want %v", got, want)
	}

	otherKey := func() []byte {
		_, k, _ := e.ca.issue(t, x509.Certificate{Subject: pkix.Name{CommonName: "x"}}, false)
		return k
	}()
	expired, expiredKey, _ := e.ca.issue(t, x509.Certificate{Subject: pkix.Name{CommonName: "old"},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)}, false)
	for _, bad := range []struct {
		name      string
		cert, key []byte
		want      string
	}{
		{"garbage", []byte("not a certificate"), k, "ward.toml:3: server.tls_cert: cert.pem and key.pem: tls: failed to find any PEM data in certificate input"},
		{"key of another certificate", c, otherKey, "ward.toml:3: server.tls_cert: cert.pem and key.pem: tls: private key does not match public key"},
		{"expired", expired, expiredKey, "ward.toml:3: server.tls_cert: cert.pem expired on"},
	} {
		writeFile(t, filepath.Join(e.dir, "cert.pem"), bad.cert)
		writeFile(t, filepath.Join(e.dir, "key.pem"), bad.key)
		err := rebuild()
		if err == nil || !strings.HasPrefix(err.Error(), filepath.Join(e.dir, bad.want)) {
			t.Errorf("%s: rebuild error %v, want %q", bad.name, err, bad.want)
		}
		if got := serialOf(); got.Cmp(want) != 0 {
			t.Errorf("%s: serving serial %v after a refused reload, want %v", bad.name, got, want)
		}
	}
	os.Remove(filepath.Join(e.dir, "key.pem"))
	if err := rebuild(); err == nil || !strings.Contains(err.Error(), "ward.toml:4: server.tls_key: open ") {
		t.Errorf("missing key: %v", err)
	}
}
