package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/wardgate/ward/sdk/abi"
)

// This file drives the guard built with GOOS=wasip1 through wazero with a
// minimal native-ABI harness (as plugins/denylist does), with the wall
// clock granted (WithSysWalltime) as the host does for grants = ["clock"].

var wasmBuild struct {
	once     sync.Once
	rt       wazero.Runtime
	compiled wazero.CompiledModule
	err      error
	skip     string
}

func compiledGuard(tb testing.TB) (wazero.Runtime, wazero.CompiledModule) {
	tb.Helper()
	b := &wasmBuild
	b.once.Do(func() {
		goCmd, err := exec.LookPath("go")
		if err != nil {
			b.skip = "go command not found: " + err.Error()
			return
		}
		dir, err := os.MkdirTemp("", "auth-wasm")
		if err != nil {
			b.err = err
			return
		}
		defer os.RemoveAll(dir)
		out := filepath.Join(dir, "auth.wasm")
		cmd := exec.Command(goCmd, "build", "-buildmode=c-shared", "-o", out, ".")
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go build: %v\n%s", err, msg)
			return
		}
		bin, err := os.ReadFile(out)
		if err != nil {
			b.err = err
			return
		}
		ctx := context.Background()
		b.rt = wazero.NewRuntime(ctx)
		wasi_snapshot_preview1.MustInstantiate(ctx, b.rt)
		b.compiled, b.err = b.rt.CompileModule(ctx, bin)
	})
	if b.skip != "" {
		tb.Skip(b.skip)
	}
	if b.err != nil {
		tb.Fatal(b.err)
	}
	return b.rt, b.compiled
}

type wasmGuard struct {
	mod                                 api.Module
	alloc, describe, configure, request api.Function
	stack                               [2]uint64
	buf, bufCap                         uint32
}

// newWasmGuard instantiates the guard with real monotonic and wall clocks.
func newWasmGuard(tb testing.TB) *wasmGuard {
	return newWasmGuardConfig(tb, wazero.NewModuleConfig().WithSysNanotime().WithSysWalltime())
}

func newWasmGuardConfig(tb testing.TB, cfg wazero.ModuleConfig) *wasmGuard {
	tb.Helper()
	rt, compiled := compiledGuard(tb)
	ctx := context.Background()
	mod, err := rt.InstantiateModule(ctx, compiled, cfg.WithName("").WithStartFunctions("_initialize"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { mod.Close(ctx) })
	g := &wasmGuard{mod: mod}
	for name, fn := range map[string]*api.Function{
		"ward_alloc": &g.alloc, "ward_describe": &g.describe, "ward_configure": &g.configure, "ward_request": &g.request,
	} {
		if *fn = mod.ExportedFunction(name); *fn == nil {
			tb.Fatalf("export %s missing", name)
		}
	}
	return g
}

func (g *wasmGuard) call(fn api.Function, in []byte) ([]byte, error) {
	ctx := context.Background()
	if uint32(len(in)) > g.bufCap || g.buf == 0 {
		g.stack[0] = uint64(len(in))
		if err := g.alloc.CallWithStack(ctx, g.stack[:]); err != nil {
			return nil, err
		}
		if g.buf = uint32(g.stack[0]); g.buf == 0 {
			return nil, errors.New("ward_alloc: out of memory")
		}
		g.bufCap = uint32(len(in))
	}
	if !g.mod.Memory().Write(g.buf, in) {
		return nil, errors.New("ward_alloc buffer outside memory")
	}
	g.stack[0], g.stack[1] = uint64(g.buf), uint64(len(in))
	if err := fn.CallWithStack(ctx, g.stack[:]); err != nil {
		return nil, err
	}
	packed := g.stack[0]
	if packed == 0 {
		return nil, nil
	}
	out, ok := g.mod.Memory().Read(uint32(packed>>32), uint32(packed))
	if !ok {
		return nil, fmt.Errorf("output %#x outside memory", packed)
	}
	return out, nil
}

func (g *wasmGuard) mustConfigure(tb testing.TB, config string) {
	tb.Helper()
	out, err := g.call(g.configure, []byte(config))
	if err != nil {
		tb.Fatal(err)
	}
	if out != nil {
		tb.Fatalf("ward_configure = %s", out)
	}
}

func (g *wasmGuard) check(tb testing.TB, x *abi.Exchange) abi.Verdict {
	tb.Helper()
	out, err := g.call(g.request, abi.AppendExchange(nil, x))
	if err != nil {
		tb.Fatal(err)
	}
	var v abi.Verdict
	if err := abi.DecodeVerdict(out, &v); err != nil {
		tb.Fatalf("verdict %x: %v", out, err)
	}
	return v
}

func TestWasmDescribe(t *testing.T) {
	g := newWasmGuard(t)
	if err := g.describe.CallWithStack(context.Background(), g.stack[:]); err != nil {
		t.Fatal(err)
	}
	out, ok := g.mod.Memory().Read(uint32(g.stack[0]>>32), uint32(g.stack[0]))
	if !ok || len(out) == 0 {
		t.Fatalf("ward_describe returned %#x", g.stack[0])
	}
	var d abi.Description
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatalf("describe %s: %v", out, err)
	}
	guard := newGuard()
	if want := guard.Description(); !reflect.DeepEqual(d, want) {
		t.Fatalf("describe = %+v, want %+v", d, want)
	}
}

// TestWasmGolden runs testdata/cases.json through the real module, on the
// real clock.
func TestWasmGolden(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			g := newWasmGuard(t)
			out, err := g.call(g.configure, c.Config)
			if err != nil {
				t.Fatal(err)
			}
			if c.ConfigError != nil {
				var got struct {
					Key   *string `json:"key"`
					Error *string `json:"error"`
				}
				if err := json.Unmarshal(out, &got); err != nil || got.Key == nil || got.Error == nil {
					t.Fatalf("ward_configure = %q (%v), want {\"key\",\"error\"}", out, err)
				}
				if *got.Key != c.ConfigError.Key || *got.Error != c.ConfigError.Error {
					t.Fatalf("ward_configure = %s, want key %q error %q", out, c.ConfigError.Key, c.ConfigError.Error)
				}
				return
			}
			if out != nil {
				t.Fatalf("ward_configure = %s", out)
			}
			if got, want := normVerdict(g.check(t, c.Exchange)), normVerdict(*c.Verdict); !reflect.DeepEqual(got, want) {
				t.Fatalf("verdict\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// TestWasmNoClock: without WithSysWalltime the guest sees wazero's fake
// clock and configure must ask for the clock grant.
func TestWasmNoClock(t *testing.T) {
	g := newWasmGuardConfig(t, wazero.NewModuleConfig().WithSysNanotime())
	out, err := g.call(g.configure, []byte(`{"api_keys":[{"id":"a","sha256":"`+strings.Repeat("0", 64)+`"}]}`))
	if err != nil || !strings.Contains(string(out), `add grants = [\"clock\"]`) {
		t.Fatalf("ward_configure = %s, %v", out, err)
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
	g.mustConfigure(t, cfg)
	for _, c := range []struct {
		name, header, value, method, kid string
	}{
		{"api key", "x-api-key", key, "api_key", "k1"},
		{"RS256", "authorization", "Bearer " + rs, "jwt", "rsa1"},
	} {
		v := g.check(t, benchExchange(c.header, c.value))
		if v.Decision != abi.Allow || len(v.Annotations) != 4 || v.Annotations[0].Value != c.method || v.Annotations[2].Value != c.kid ||
			!reflect.DeepEqual(v.SetHeaders, []abi.KV{{Key: c.header, Value: ""}}) {
			t.Fatalf("%s: verdict %+v", c.name, v)
		}
	}
	// A tampered signature is refused inside Wasm too.
	v := g.check(t, benchExchange("authorization", "Bearer "+rs[:len(rs)-2]+"AA"))
	if v.Decision != abi.Deny || v.Reasons[0] != "jwt: bad_signature" {
		t.Fatalf("tampered: %+v", v)
	}
}

// BenchmarkWasmRequest is the whole host+guest call of the built guard
// (write the exchange, ward_request, decode the verdict) for an API-key
// request and an RS256 JWT request (2048-bit key), 1 KB exchange.
func BenchmarkWasmRequest(b *testing.B) {
	cfg, key, rs := wasmJWTSetup(b)
	for _, c := range []struct{ name, header, value string }{
		{"api_key", "x-api-key", key},
		{"jwt_rs256", "authorization", "Bearer " + rs},
	} {
		b.Run(c.name, func(b *testing.B) {
			g := newWasmGuard(b)
			g.mustConfigure(b, cfg)
			in := abi.AppendExchange(nil, benchExchange(c.header, c.value))
			var v abi.Verdict
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				out, err := g.call(g.request, in)
				if err != nil {
					b.Fatal(err)
				}
				if err := abi.DecodeVerdict(out, &v); err != nil || v.Decision != abi.Allow {
					b.Fatalf("verdict %+v, %v", v, err)
				}
			}
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
	g.mustConfigure(t, cfg)
	apiIn := abi.AppendExchange(nil, benchExchange("x-api-key", key))
	jwtIn := abi.AppendExchange(nil, benchExchange("authorization", "Bearer "+rs))
	for i := 0; i < 20000; i++ {
		in := apiIn
		if i%10 == 0 {
			in = jwtIn
		}
		out, err := g.call(g.request, in)
		if err != nil {
			t.Fatal(i, err)
		}
		var v abi.Verdict
		if err := abi.DecodeVerdict(out, &v); err != nil || v.Decision != abi.Allow {
			t.Fatalf("call %d: %+v, %v", i, v, err)
		}
	}
	if end := g.mod.Memory().Size(); end > 16<<20 {
		t.Fatalf("guest memory is %d KiB after 20k calls, want <= 16 MiB", end>>10)
	} else {
		t.Logf("guest memory %d KiB", end>>10)
	}
}
