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
	"github.com/wardgate/ward/engine/state"
	"github.com/wardgate/ward/engine/wasmhost"
	"github.com/wardgate/ward/sdk/abi"
)

// The identity pipeline (auth -> rbac -> ratelimit) as the demo runs it,
// priced per request for an API key and for an RS256 JWT, beside no guard
// at all. Rate-limit counters are in the in-process store, and in Redis
// when a redis-server is at $WARD_BENCH_REDIS (host:port).

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
	// The demo's limits, raised so that a benchmark run never reaches
	// them: per key requests and tokens, and the anomaly flag.
	rl, err := h.Load(ctx, wasmhost.Spec{Name: "ratelimit", Wasm: built["ratelimit"], PoolSize: 1, State: h.State(),
		ConfigJSON: []byte(rateLimitConfig)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { auth.Close(ctx); rbac.Close(ctx); rl.Close(ctx) })
	return pipeline.New([]pipeline.Step{{Guard: auth}, {Guard: rbac}, {Guard: rl}})
}

// rateLimitConfig is the demo's ratelimit config with limits raised so
// that a benchmark run never reaches them; WARD_BENCH_NO_ANOMALY drops the
// anomaly flag (to price it).
var rateLimitConfig = func() []byte {
	c := `{"limits":[{"name":"per-key","by":"key","requests":1000000000,"tokens":1000000000000,"window":"1h"}]`
	if os.Getenv("WARD_BENCH_NO_ANOMALY") == "" {
		c += `,"anomaly":{"short":"1m","baseline":"1h","multiple":1000,"min_requests":1000000000}`
	}
	return []byte(c + "}")
}()

func identityExchange(credential string) *abi.Exchange {
	x := exchangeOf(1 << 10)
	x.Headers = []abi.KV{{Key: "authorization", Value: "Bearer " + credential}}
	x.Annotations = []abi.KV{{Key: "client.ip", Value: "127.0.0.1"}}
	return x
}

// TestIdentityPipeline checks the benchmark's premise: both credentials are
// accepted and the role annotation comes through; a wrong key is refused.
func TestIdentityPipeline(t *testing.T) {
	st := state.NewMemory(state.MemoryOptions{})
	defer st.Close()
	h, err := wasmhost.New(context.Background(), wasmhost.Options{State: st})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	f := newIdentityFixture(t)
	p := identityPipeline(t, h, f)
	for name, cred := range map[string]string{"api key": benchAPIKey, "rs256": f.jwt} {
		var o pipeline.Outcome
		p.Run(context.Background(), identityExchange(cred), &o)
		if o.Denied || len(o.Records) != 3 {
			t.Fatalf("%s: denied=%v code=%s records=%d", name, o.Denied, o.Code, len(o.Records))
		}
	}
	var o pipeline.Outcome
	p.Run(context.Background(), identityExchange("sk-wrong"), &o)
	if !o.Denied || o.Status != 401 {
		t.Fatalf("wrong key: %+v", o)
	}
}

// BenchmarkIdentityPipeline: one request phase through auth -> rbac ->
// ratelimit with a 1 KB chat exchange (the exchange is re-annotated each
// time, as the proxy does per request).
func BenchmarkIdentityPipeline(b *testing.B) {
	f := newIdentityFixture(b)
	type store struct {
		name string
		st   state.Store
	}
	mem := state.NewMemory(state.MemoryOptions{})
	defer mem.Close()
	stores := []store{{"memory", mem}}
	if addr := os.Getenv("WARD_BENCH_REDIS"); addr != "" {
		r, err := state.NewRedis(state.RedisOptions{URL: "redis://" + addr + "/0", KeyPrefix: "ward-bench:", Timeout: 100 * time.Millisecond})
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close()
		stores = append(stores, store{"redis", r})
	}
	b.Run("no-guards", func(b *testing.B) { runIdentity(b, pipeline.New(nil), identityExchange(benchAPIKey)) })
	for _, s := range stores {
		h, err := wasmhost.New(context.Background(), wasmhost.Options{CacheDir: filepath.Join(os.TempDir(), "ward-bench-cache"), State: s.st})
		if err != nil {
			b.Fatal(err)
		}
		defer h.Close(context.Background())
		p := identityPipeline(b, h, f)
		b.Run("api-key/"+s.name, func(b *testing.B) { runIdentity(b, p, identityExchange(benchAPIKey)) })
		b.Run("rs256-jwt/"+s.name, func(b *testing.B) { runIdentity(b, p, identityExchange(f.jwt)) })
	}
}

func runIdentity(b *testing.B, p *pipeline.Pipeline, x *abi.Exchange) {
	var o pipeline.Outcome
	b.ReportAllocs()
	for b.Loop() {
		x.Annotations = x.Annotations[:1]
		p.Run(context.Background(), x, &o)
		if o.Denied {
			b.Fatal(o.Code)
		}
	}
}
