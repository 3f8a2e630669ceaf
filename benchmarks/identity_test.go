package benchmarks

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/wasmhost"
	"github.com/wardgate/ward/sdk/abi"
)

// The identity pipeline (auth -> rbac) as the demo runs it, priced per
// request for an API key and for an RS256 JWT, beside no guard at all.
// Rate limits (the third guard of the identity work) are not built yet.

const benchAPIKey = "sk-bench-0123456789abcdef"

type identityFixture struct {
	authConfig []byte
	jwt        string
}

func newIdentityFixture(tb testing.TB) identityFixture {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		tb.Fatal(err)
	}
	pubPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	sum := sha256.Sum256([]byte(benchAPIKey))
	cfg, _ := json.Marshal(map[string]any{
		"api_keys": []map[string]any{{"id": "bench", "sha256": hex.EncodeToString(sum[:]), "subject": "alice", "roles": []string{"analyst"}}},
		"jwt": map[string]any{
			"issuer": "https://idp.example", "audience": []string{"ward"}, "algorithms": []string{"RS256"},
			"keys": []map[string]any{{"kid": "k1", "pem": pubPEM}},
		},
	})
	enc := func(v any) string { b, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(b) }
	now := time.Now().Unix()
	signing := enc(map[string]any{"alg": "RS256", "typ": "JWT", "kid": "k1"}) + "." +
		enc(map[string]any{"sub": "carol", "roles": []string{"analyst"}, "iss": "https://idp.example", "aud": "ward", "iat": now, "exp": now + 3600})
	h := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, h[:])
	if err != nil {
		tb.Fatal(err)
	}
	return identityFixture{authConfig: cfg, jwt: signing + "." + base64.RawURLEncoding.EncodeToString(sig)}
}

func identityPipeline(tb testing.TB, h *wasmhost.Host, f identityFixture) *pipeline.Pipeline {
	tb.Helper()
	ctx := context.Background()
	auth, err := h.Load(ctx, wasmhost.Spec{Name: "auth", Wasm: built["auth"], ConfigJSON: f.authConfig, PoolSize: 1, Walltime: true})
	if err != nil {
		tb.Fatal(err)
	}
	rbac, err := h.Load(ctx, wasmhost.Spec{Name: "rbac", Wasm: built["rbac"], PoolSize: 1,
		ConfigJSON: []byte(`{"roles":[{"name":"analyst","models":["gpt-4o*","claude-*"],"max_tokens":4096}]}`)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { auth.Close(ctx); rbac.Close(ctx) })
	return pipeline.New([]pipeline.Step{{Guard: auth}, {Guard: rbac}})
}

func identityExchange(credential string) *abi.Exchange {
	x := exchangeOf(1 << 10)
	x.Headers = []abi.KV{{Key: "authorization", Value: "Bearer " + credential}}
	x.Annotations = []abi.KV{{Key: "client.ip", Value: "127.0.0.1"}}
	return x
}

// TestIdentityPipeline checks the benchmark's premise: both credentials are
// accepted and the role annotation comes through; a wrong key is refused.
func TestIdentityPipeline(t *testing.T) {
	h, err := wasmhost.New(context.Background(), wasmhost.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	f := newIdentityFixture(t)
	p := identityPipeline(t, h, f)
	for name, cred := range map[string]string{"api key": benchAPIKey, "rs256": f.jwt} {
		var o pipeline.Outcome
		p.Run(context.Background(), identityExchange(cred), &o)
		if o.Denied || len(o.Records) != 2 {
			t.Fatalf("%s: denied=%v code=%s records=%d", name, o.Denied, o.Code, len(o.Records))
		}
	}
	var o pipeline.Outcome
	p.Run(context.Background(), identityExchange("sk-wrong"), &o)
	if !o.Denied || o.Status != 401 {
		t.Fatalf("wrong key: %+v", o)
	}
}

// BenchmarkIdentityPipeline: one request phase through auth -> rbac with a
// 1 KB chat exchange (the exchange is re-annotated each time, as the proxy
// does per request).
func BenchmarkIdentityPipeline(b *testing.B) {
	h, err := wasmhost.New(context.Background(), wasmhost.Options{CacheDir: filepath.Join(os.TempDir(), "ward-bench-cache")})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close(context.Background())
	f := newIdentityFixture(b)
	p := identityPipeline(b, h, f)
	for _, c := range []struct {
		name string
		p    *pipeline.Pipeline
		cred string
	}{{"no-guards", pipeline.New(nil), benchAPIKey}, {"api-key", p, benchAPIKey}, {"rs256-jwt", p, f.jwt}} {
		b.Run(c.name, func(b *testing.B) {
			var o pipeline.Outcome
			x := identityExchange(c.cred)
			b.ReportAllocs()
			for b.Loop() {
				x.Annotations = x.Annotations[:1]
				c.p.Run(context.Background(), x, &o)
				if o.Denied {
					b.Fatal(o.Code)
				}
			}
		})
	}
}
