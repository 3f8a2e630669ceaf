package auth

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// This file drives the guard built with GOOS=wasip1 through
// sdk/go/guesttest, a native-ABI harness (as plugins/denylist does), with
// the wall clock granted (WithSysWalltime) as the host does for
// grants = ["clock"].

// newWasmGuard instantiates the guard (built once per test binary) with
// real monotonic and wall clocks.
func newWasmGuard(tb testing.TB) *guesttest.Guest {
	return newWasmGuardConfig(tb, wazero.NewModuleConfig().WithSysNanotime().WithSysWalltime())
}

func newWasmGuardConfig(tb testing.TB, cfg wazero.ModuleConfig) *guesttest.Guest {
	tb.Helper()
	return guesttest.New(tb, guesttest.Build(tb, "./module"), cfg)
}

func mustConfigure(tb testing.TB, g *guesttest.Guest, config string) {
	tb.Helper()
	if err := g.Configure([]byte(config)); err != nil {
		tb.Fatalf("ward_configure: %v", err)
	}
}

func check(tb testing.TB, g *guesttest.Guest, x *abi.Exchange) abi.Verdict {
	tb.Helper()
	var v abi.Verdict
	if err := g.Check(x, &v); err != nil {
		tb.Fatal(err)
	}
	return v
}

func TestWasmDescribe(t *testing.T) {
	d, err := newWasmGuard(t).Describe()
	if err != nil {
		t.Fatal(err)
	}
	guard := New()
	if want := guard.Description(); !reflect.DeepEqual(d, want) {
		t.Fatalf("describe = %+v, want %+v", d, want)
	}
}

// TestWasmGolden runs testdata/cases.json through the real module, on the
// real clock.
func TestWasmGolden(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			guesttest.RunCase(t, newWasmGuard(t), c)
		})
	}
}

// TestWasmNoClock: without WithSysWalltime the guest sees wazero's fake
// clock and configure must ask for the clock grant.
func TestWasmNoClock(t *testing.T) {
	g := newWasmGuardConfig(t, wazero.NewModuleConfig().WithSysNanotime())
	err := g.Configure([]byte(`{"api_keys":[{"id":"a","sha256":"` + strings.Repeat("0", 64) + `"}]}`))
	var ce *guesttest.ConfigError
	if !errors.As(err, &ce) || !strings.Contains(ce.Msg, `add grants = ["clock"]`) {
		t.Fatalf("ward_configure: %v", err)
	}
}

// wasmJWTSetup returns a config accepting an API key and RS256 JWTs signed
// by a key generated for this test binary, plus one credential of each.
func wasmJWTSetup(tb testing.TB) (config string, apiKey string, rs256 string) {
	k := keys(tb)
	cfg, err := json.Marshal(map[string]any{
		"api_keys": []any{map[string]any{"id": "k1", "sha256": hashHex("sk-bench-key"), "subject": "svc", "roles": []string{"reader"}}},
		"jwt": map[string]any{"issuer": "https://idp.example", "audience": []string{"ward"}, "algorithms": []string{"RS256"},
			"keys": []any{map[string]any{"kid": "rsa1", "pem": pubPEM(tb, &k.rsa.PublicKey)}}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	claims := with(stdClaims(), "iat", time.Now().Add(-time.Minute).Unix(), "exp", time.Now().Add(time.Hour).Unix())
	return string(cfg), "sk-bench-key", signJWT(tb, map[string]any{"alg": "RS256", "kid": "rsa1", "typ": "JWT"}, claims, k.rsa)
}

func benchExchange(header, value string) *abi.Exchange {
	return &abi.Exchange{Phase: abi.PhaseRequest, API: abi.APIOpenAIChat, RequestID: "req-0123456789",
		Route: "chat", Path: "/v1/chat/completions", Model: "gpt-4o",
		Headers:  []abi.KV{{Key: header, Value: value}, {Key: "user-agent", Value: "bench/1.0"}},
		Messages: []abi.Message{{Role: "system", Text: "You are a helpful assistant."}, {Turn: 1, Role: "user", Text: strings.Repeat("hello ", 150)}}}
}

func TestWasmMethods(t *testing.T) {
	cfg, key, rs := wasmJWTSetup(t)
	g := newWasmGuard(t)
	mustConfigure(t, g, cfg)
	for _, c := range []struct {
		name, header, value, method, kid string
	}{
		{"api key", "x-api-key", key, "api_key", "k1"},
		{"RS256", "authorization", "Bearer " + rs, "jwt", "rsa1"},
	} {
		v := check(t, g, benchExchange(c.header, c.value))
		if v.Decision != abi.Allow || len(v.Annotations) != 4 || v.Annotations[0].Value != c.method || v.Annotations[2].Value != c.kid ||
			!reflect.DeepEqual(v.SetHeaders, []abi.KV{{Key: c.header, Value: ""}}) {
			t.Fatalf("%s: verdict %+v", c.name, v)
		}
	}
	// A tampered signature is refused inside Wasm too.
	v := check(t, g, benchExchange("authorization", "Bearer "+rs[:len(rs)-2]+"AA"))
	if v.Decision != abi.Deny || v.Reasons[0] != "jwt: bad_signature" {
		t.Fatalf("tampered: %+v", v)
	}
}

// TestWasmCache: inside Wasm too, a credential accepted before (and
// cached) does not open the door to others: unknown keys, a key one byte
// off, a JWT with a tampered signature are refused between and after
// cached successes.
func TestWasmCache(t *testing.T) {
	cfg, key, rs := wasmJWTSetup(t)
	g := newWasmGuard(t)
	mustConfigure(t, g, cfg)
	offByOne := key[:len(key)-1] + string(key[len(key)-1]^1)
	tampered := rs[:len(rs)-2] + "AA"
	for round := range 3 {
		for _, c := range []struct{ header, value, reason string }{
			{"x-api-key", key, ""},
			{"x-api-key", offByOne, "api_key: unknown"},
			{"x-api-key", key + "x", "api_key: unknown"},
			{"authorization", "Bearer " + rs, ""},
			{"authorization", "Bearer " + tampered, "jwt: bad_signature"},
		} {
			v := check(t, g, benchExchange(c.header, c.value))
			if c.reason == "" && v.Decision != abi.Allow || c.reason != "" && (v.Decision != abi.Deny || len(v.Reasons) != 1 || v.Reasons[0] != c.reason) {
				t.Fatalf("round %d, %s %.20s...: verdict %+v, want reason %q", round, c.header, c.value, v, c.reason)
			}
		}
	}
}

// BenchmarkWasmRequest is the whole host+guest call of the built guard
// (write the exchange, ward_request, decode the verdict) for an API-key
// request and an RS256 JWT request (2048-bit key), 1 KB exchange. The
// same credential on every call: after the first, the guard's credential
// cache answers. api_key_unknown is a key the guard refuses: never cached,
// every call hashes it and compares it with every configured key.
func BenchmarkWasmRequest(b *testing.B) {
	cfg, key, rs := wasmJWTSetup(b)
	for _, c := range []struct {
		name, header, value string
		deny                bool
	}{
		{"api_key", "x-api-key", key, false},
		{"api_key_unknown", "x-api-key", key + "-unknown", true},
		{"jwt_rs256", "authorization", "Bearer " + rs, false},
	} {
		b.Run(c.name, func(b *testing.B) {
			g := newWasmGuard(b)
			mustConfigure(b, g, cfg)
			if v := check(b, g, benchExchange(c.header, c.value)); (v.Decision == abi.Allow) == c.deny {
				b.Fatalf("verdict %+v", v)
			}
			// p50-ns is the median call (the mean moves with every
			// pause of a shared machine).
			g.BenchCall(b, "ward_request", abi.AppendExchange(nil, benchExchange(c.header, c.value)))
		})
	}
}

// BenchmarkNativeRequest is the same guard logic natively through
// ward.Instance, for comparison.
func BenchmarkNativeRequest(b *testing.B) {
	cfg, key, rs := wasmJWTSetup(b)
	for _, c := range []struct{ name, header, value string }{
		{"api_key", "x-api-key", key},
		{"jwt_rs256", "authorization", "Bearer " + rs},
	} {
		b.Run(c.name, func(b *testing.B) {
			in := newInstance(b, time.Now(), cfg)
			enc := abi.AppendExchange(nil, benchExchange(c.header, c.value))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := in.Handle(abi.PhaseRequest, enc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestWasmMemoryBounded checks that the per-call garbage of both paths
// (annotations; JSON and big-number work for JWTs) is collected.
func TestWasmMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("many calls")
	}
	cfg, key, rs := wasmJWTSetup(t)
	g := newWasmGuard(t)
	mustConfigure(t, g, cfg)
	apiIn := abi.AppendExchange(nil, benchExchange("x-api-key", key))
	jwtIn := abi.AppendExchange(nil, benchExchange("authorization", "Bearer "+rs))
	for i := 0; i < 20000; i++ {
		in := apiIn
		if i%10 == 0 {
			in = jwtIn
		}
		out, err := g.Call("ward_request", in)
		if err != nil {
			t.Fatal(i, err)
		}
		var v abi.Verdict
		if err := abi.DecodeVerdict(out, &v); err != nil || v.Decision != abi.Allow {
			t.Fatalf("call %d: %+v, %v", i, v, err)
		}
	}
	if end := g.Module().Memory().Size(); end > 16<<20 {
		t.Fatalf("guest memory is %d KiB after 20k calls, want <= 16 MiB", end>>10)
	} else {
		t.Logf("guest memory %d KiB", end>>10)
	}
}
