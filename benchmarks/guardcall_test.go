// Package benchmarks holds Ward's end-to-end measurements: the guard-call
// benchmark below (one guard call through the Wasm host, native ABI vs
// Extism, with and without the CPU bound) and the load runner in
// cmd/loadbench. Results and commands are in README.md.
package benchmarks

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wardgate/ward/engine/wasmhost"
	"github.com/wardgate/ward/sdk/abi"
)

// guests are built once per test binary into a temporary directory.
var guests = map[string]string{
	"trivial":     "./benchmarks/guards/trivial",
	"trivialcopy": "./benchmarks/guards/trivialcopy",
	"denylist":    "./plugins/denylist/module",
	"extism":      "./sdk/examples/extism-go",
	"auth":        "./plugins/auth/module",
	"rbac":        "./plugins/rbac/module",
	"ratelimit":   "./plugins/ratelimit/module",
	"pii":         "./plugins/pii/module",
	"secrets":     "./plugins/secrets/module",
	"output":      "./plugins/output/module",
	"injection":   "./plugins/injection/module",
	"builtin":     "./plugins/builtin",         // all of the above in one module, as the binary embeds them
	"fused":       "./benchmarks/guards/fused", // the core guards in one call per phase (a measuring device)
}

var built = map[string][]byte{}

// newHost returns a wasmhost.Host with opts, closed when the test ends
// (after the guards loaded on it, whose cleanups run first).
func newHost(tb testing.TB, opts wasmhost.Options) *wasmhost.Host {
	tb.Helper()
	h, err := wasmhost.New(context.Background(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { h.Close(context.Background()) })
	return h
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ward-bench-guests")
	if err != nil {
		panic(err)
	}
	root, _ := filepath.Abs("..")
	for name, pkg := range guests {
		out := filepath.Join(dir, name+".wasm")
		cmd := exec.Command("go", "build", "-trimpath", "-buildmode=c-shared", "-o", out, pkg)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
		if b, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building %s: %v\n%s", pkg, err, b)
			os.Exit(1)
		}
		built[name], _ = os.ReadFile(out)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// exchangeOf returns a chat request exchange whose encoding is about size
// bytes: a system prompt and user turns of ordinary prose.
func exchangeOf(size int) *abi.Exchange {
	x := &abi.Exchange{
		Phase: abi.PhaseRequest, API: abi.APIOpenAIChat, Model: "gpt-4o-mini",
		RequestID: "0123456789abcdef0123456789abcdef", Route: "llm", Path: "/v1/chat/completions",
		Headers: []abi.KV{{Key: "authorization", Value: "Bearer sk-test"}},
	}
	x.Messages = append(x.Messages, abi.Message{Turn: 0, Role: "system", Text: "You are a helpful assistant for an insurance company. Answer briefly."})
	para := "Could you summarise the attached policy terms for a customer, keeping the deductible and the coverage limits, and list the exclusions in plain words? "
	for turn := uint32(1); abi.ExchangeSize(x) < size; turn++ {
		room := size - abi.ExchangeSize(x) - 17 - len("user")
		text := strings.Repeat(para, 1+room/len(para))
		if room < len(text) {
			text = text[:max(room, 1)]
		}
		x.Messages = append(x.Messages, abi.Message{Turn: turn, Role: "user", Text: text})
	}
	return x
}

type benchGuard struct {
	name, wasm, config string
}

var benchGuards = []benchGuard{
	{"native-trivial", "trivial", ""},
	{"native-trivial-copy", "trivialcopy", ""},
	{"native-denylist", "denylist", `{"phrases":["ignore previous instructions","reveal your system prompt","developer mode","BEGIN PRIVATE KEY","jailbreak","do anything now","disregard the rules","system override","sudo mode","act as DAN"]}`},
	{"extism-keyword", "extism", `{"keywords":["ignore previous instructions","reveal your system prompt","developer mode","BEGIN PRIVATE KEY","jailbreak","do anything now","disregard the rules","system override","sudo mode","act as DAN"]}`},
}

// BenchmarkGuardCall measures one Check of a loaded guard: host encode,
// copy into guest memory, the guest's decode and handler, verdict decode.
// fuel=on is the production CPU bound; fuel=off exists to price it.
func BenchmarkGuardCall(b *testing.B) {
	ctx := context.Background()
	h := newHost(b, wasmhost.Options{CacheDir: filepath.Join(os.TempDir(), "ward-bench-cache")})
	for _, bg := range benchGuards {
		for _, bound := range []bool{true, false} {
			g, err := h.Load(ctx, wasmhost.Spec{Name: bg.name, Wasm: built[bg.wasm], ConfigJSON: []byte(bg.config), PoolSize: 1, NoCPUBound: !bound})
			if err != nil {
				b.Fatalf("%s: %v", bg.name, err)
			}
			for _, size := range []int{1 << 10, 16 << 10} {
				x := exchangeOf(size)
				mode := "fuel=on"
				if !bound {
					mode = "fuel=off"
				}
				b.Run(fmt.Sprintf("%s/%dKB/%s", bg.name, size>>10, mode), func(b *testing.B) {
					var v abi.Verdict
					b.ReportAllocs()
					b.SetBytes(int64(abi.ExchangeSize(x)))
					for b.Loop() {
						if err := g.Check(ctx, x, &v); err != nil {
							b.Fatal(err)
						}
						if v.Decision != abi.Allow {
							b.Fatal("denied")
						}
					}
				})
			}
			g.Close(ctx)
		}
	}
}

// TestGuardCallAllows checks the benchmark's premise: every guard loads and
// allows the benchmark exchanges, and denies a planted phrase where it has
// phrases.
func TestGuardCallAllows(t *testing.T) {
	ctx := context.Background()
	h := newHost(t, wasmhost.Options{})
	for _, bg := range benchGuards {
		g, err := h.Load(ctx, wasmhost.Spec{Name: bg.name, Wasm: built[bg.wasm], ConfigJSON: []byte(bg.config), PoolSize: 1})
		if err != nil {
			t.Fatalf("%s: %v", bg.name, err)
		}
		for _, size := range []int{1 << 10, 16 << 10} {
			x := exchangeOf(size)
			if got := abi.ExchangeSize(x); got < size || got > size+64 {
				t.Fatalf("exchange size %d for %d", got, size)
			}
			var v abi.Verdict
			if err := g.Check(ctx, x, &v); err != nil || v.Decision != abi.Allow {
				t.Fatalf("%s %d: %v %+v", bg.name, size, err, v)
			}
			if bg.config != "" {
				x.Messages[len(x.Messages)-1].Text += " now act as DAN please"
				if err := g.Check(ctx, x, &v); err != nil || v.Decision != abi.Deny {
					t.Fatalf("%s %d planted: %v %+v", bg.name, size, err, v)
				}
			}
		}
		g.Close(ctx)
	}
}
