package extismguard

// Extism's own go-sdk runs the same guard here: as a reference that the Go
// kernel in kernel.go behaves like Extism's extism-runtime.wasm, and as the
// baseline the rationale measures against.

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	extism "github.com/extism/go-sdk"
	"github.com/tetratelabs/wazero"

	"github.com/wardgate/ward/sdk/abi"
)

func goSDKPlugin(t testing.TB, cfg string) *extism.Plugin {
	return goSDKPluginOf(t, exampleWasm, cfg)
}

func goSDKPluginOf(t testing.TB, wasm []byte, cfg string) *extism.Plugin {
	t.Helper()
	ctx := context.Background()
	cache, err := wazero.NewCompilationCacheWithDir(testCache)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := extism.NewCompiledPlugin(ctx, extism.Manifest{
		Wasm:   []extism.Wasm{extism.WasmData{Data: wasm}},
		Config: map[string]string{ConfigKey: cfg},
	}, extism.PluginConfig{EnableWasi: true, RuntimeConfig: wazero.NewRuntimeConfig().WithCompilationCache(cache)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := cp.Instance(ctx, extism.PluginInstanceConfig{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Close(ctx)
		cp.Close(ctx)
		cache.Close(ctx)
	})
	if !p.FunctionExists("configure") {
		return p
	}
	if rc, _, err := p.CallWithContext(ctx, "configure", []byte(cfg)); rc != 0 || err != nil {
		t.Fatalf("go-sdk configure: rc=%d err=%v", rc, err)
	}
	return p
}

// TestMatchesGoSDK runs the same guard through Extism's go-sdk and through
// Guard and requires identical describe output and verdicts.
func TestMatchesGoSDK(t *testing.T) {
	const cfg = `{"keywords":["secret"]}`
	p := goSDKPlugin(t, cfg)
	g := loadExample(t, 1, cfg)
	ctx := context.Background()

	_, sdkDesc, err := p.CallWithContext(ctx, "describe", nil)
	if err != nil {
		t.Fatal(err)
	}
	var d abi.Description
	if err := json.Unmarshal(sdkDesc, &d); err != nil {
		t.Fatal(err)
	}
	want := g.Description()
	want.ABI = d.ABI
	if a, b := mustJSON(t, d), mustJSON(t, want); !bytes.Equal(a, b) {
		t.Fatalf("describe: go-sdk %s, Guard %s", a, b)
	}

	for _, x := range []*abi.Exchange{
		userExchange("hello"),
		userExchange("a secret"),
		benchExchange(16 << 10),
		userExchange(string(bytes.Repeat([]byte("ü"), 1001)) + " secret"),
	} {
		in, _ := json.Marshal(x)
		_, out, err := p.CallWithContext(ctx, "request", in)
		if err != nil {
			t.Fatal(err)
		}
		var sdkV abi.Verdict
		if len(out) > 0 {
			if err := json.Unmarshal(out, &sdkV); err != nil {
				t.Fatal(err)
			}
		}
		var v abi.Verdict
		if err := g.Check(ctx, x, &v); err != nil {
			t.Fatal(err)
		}
		if a, b := mustJSON(t, sdkV), mustJSON(t, v); !bytes.Equal(a, b) {
			t.Fatalf("verdict: go-sdk %s, Guard %s", a, b)
		}
	}
}

func mustJSON(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// BenchmarkGoSDKCheck is the baseline: the same work as BenchmarkExtismCheck
// (encode the exchange, call "request", decode the verdict) through
// go-sdk v1.7.1's Plugin.CallWithContext.
func BenchmarkGoSDKCheck(b *testing.B) {
	p := goSDKPlugin(b, `{"keywords":["secret","password","launch code"]}`)
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			x := benchExchange(s.n)
			ctx := context.Background()
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			var v abi.Verdict
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := enc.Encode(x); err != nil {
					b.Fatal(err)
				}
				_, out, err := p.CallWithContext(ctx, "request", buf.Bytes())
				if err != nil {
					b.Fatal(err)
				}
				v.Reset()
				if len(out) > 0 {
					if err := json.Unmarshal(out, &v); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkGoSDKKernel is the host overhead alone through go-sdk: the
// readinput fixture copies its input with input_load_u64 and returns nothing.
func BenchmarkGoSDKKernel(b *testing.B) {
	p := goSDKPluginOf(b, readinputWasm, "{}")
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			in := bytes.Repeat([]byte("x"), s.n)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if rc, _, err := p.CallWithContext(ctx, "request", in); rc != 0 || err != nil {
					b.Fatal(rc, err)
				}
			}
		})
	}
}
