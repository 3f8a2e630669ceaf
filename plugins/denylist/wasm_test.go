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

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/wardgate/ward/sdk/abi"
)

// This file drives the guard built with GOOS=wasip1 through wazero with a
// minimal native-ABI harness: it proves that sdk/go's exports follow
// sdk/ABI.md end to end, and measures what a call costs.

var wasmBuild struct {
	once     sync.Once
	rt       wazero.Runtime
	compiled wazero.CompiledModule
	err      error
	skip     string
}

// compiledGuard builds ./ (this package) for wasip1 once per test binary
// and compiles it with wazero.
func compiledGuard(tb testing.TB) (wazero.Runtime, wazero.CompiledModule) {
	tb.Helper()
	b := &wasmBuild
	b.once.Do(func() {
		goCmd, err := exec.LookPath("go")
		if err != nil {
			b.skip = "go command not found: " + err.Error()
			return
		}
		dir, err := os.MkdirTemp("", "denylist-wasm")
		if err != nil {
			b.err = err
			return
		}
		defer os.RemoveAll(dir)
		out := filepath.Join(dir, "denylist.wasm")
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

// wasmGuard is one guest instance and its exports.
type wasmGuard struct {
	mod                                 api.Module
	alloc, describe, configure, request api.Function
	response, responseChunk             api.Function
	stack                               [2]uint64
	buf, bufCap                         uint32 // the ward_alloc buffer the host reuses
}

// newWasmGuard instantiates the guard as a host should: with a real
// monotonic clock. Under wazero's default fake clock (1 ms per reading) a
// Go guest that allocated 16 KB a call stopped reclaiming memory after
// ~17k calls and grew by the full garbage of every call (4 MB -> 400 MB in
// 40k calls); with WithSysNanotime it stayed at 7.9 MB.
func newWasmGuard(tb testing.TB) *wasmGuard {
	return newWasmGuardConfig(tb, wazero.NewModuleConfig().WithSysNanotime())
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
		"ward_alloc": &g.alloc, "ward_describe": &g.describe, "ward_configure": &g.configure,
		"ward_request": &g.request, "ward_response": &g.response, "ward_response_chunk": &g.responseChunk,
	} {
		if *fn = mod.ExportedFunction(name); *fn == nil {
			tb.Fatalf("export %s missing", name)
		}
	}
	return g
}

// call writes in to the guest's ward_alloc buffer (allocating a larger one
// only when in does not fit), calls fn and returns a view of its output in
// guest memory, valid until the next call.
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
		tb.Fatalf("ward_configure(%s) = %s", config, out)
	}
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
	want := guard.Description()
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("describe = %+v, want %+v", d, want)
	}
}

// TestWasmGolden runs testdata/cases.json through the real module.
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
			out, err = g.call(g.request, abi.AppendExchange(nil, c.Exchange))
			if err != nil {
				t.Fatal(err)
			}
			var v abi.Verdict
			if err := abi.DecodeVerdict(out, &v); err != nil {
				t.Fatalf("verdict %x: %v", out, err)
			}
			if got, want := normVerdict(v), normVerdict(*c.Verdict); !reflect.DeepEqual(got, want) {
				t.Fatalf("verdict\n got %+v\nwant %+v", got, want)
			}
			if c.Verdict.Decision == abi.Allow && out != nil {
				t.Fatalf("plain allow encoded as %d bytes, want packed 0", len(out))
			}
		})
	}
}

func TestWasmABIEdges(t *testing.T) {
	x := &abi.Exchange{Phase: abi.PhaseRequest, Messages: []abi.Message{{Role: "user", Text: "the secret word"}}}
	enc := abi.AppendExchange(nil, x)

	t.Run("unregistered phases allow", func(t *testing.T) {
		g := newWasmGuard(t)
		g.mustConfigure(t, `{"phrases":["secret"]}`)
		for _, fn := range []api.Function{g.response, g.responseChunk} {
			if out, err := g.call(fn, enc); err != nil || out != nil {
				t.Fatalf("%s = %q, %v; want plain allow", fn.Definition().ExportNames(), out, err)
			}
		}
	})
	t.Run("inputs reuse and outgrow the buffer", func(t *testing.T) {
		g := newWasmGuard(t)
		g.mustConfigure(t, `{"phrases":["secret"]}`)
		big := &abi.Exchange{Phase: abi.PhaseRequest, Messages: []abi.Message{
			{Role: "user", Text: strings.Repeat("lorem ipsum ", 20000)},
			{Role: "user", Text: "secret"},
		}}
		for i, in := range [][]byte{enc, abi.AppendExchange(nil, big), enc} {
			out, err := g.call(g.request, in)
			if err != nil {
				t.Fatal(err)
			}
			var v abi.Verdict
			if err := abi.DecodeVerdict(out, &v); err != nil || v.Decision != abi.Deny {
				t.Fatalf("call %d: verdict %+v, %v", i, v, err)
			}
		}
	})
	t.Run("handler before configure traps", func(t *testing.T) {
		g := newWasmGuard(t)
		if _, err := g.call(g.request, enc); err == nil {
			t.Fatal("ward_request before ward_configure succeeded")
		}
	})
	t.Run("malformed exchange traps", func(t *testing.T) {
		g := newWasmGuard(t)
		g.mustConfigure(t, `{"phrases":["secret"]}`)
		if _, err := g.call(g.request, enc[:len(enc)-1]); err == nil {
			t.Fatal("truncated exchange accepted")
		}
	})
	t.Run("config that is not an object", func(t *testing.T) {
		g := newWasmGuard(t)
		out, err := g.call(g.configure, []byte(`["secret"]`))
		if err != nil || !strings.Contains(string(out), `"key":""`) || !strings.Contains(string(out), "not a JSON object") {
			t.Fatalf("ward_configure = %s, %v", out, err)
		}
	})
}

// TestWasmMemoryBounded checks that garbage made per call (each denial
// builds its message) is collected: memory must stay flat over many calls.
func TestWasmMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("40k calls")
	}
	testMemoryBounded(t, newWasmGuard(t))
}

func testMemoryBounded(t *testing.T, g *wasmGuard) {
	in := benchExchange(4 << 10)
	g.mustConfigure(t, `{"phrases":["lazy dog"]}`)
	// ~200 bytes of garbage a call, 8 MB in all: more than the guest's
	// steady-state memory (7.9 MB measured) may grow by if it is collected.
	for i := 1; i <= 40000; i++ {
		if _, err := g.call(g.request, in); err != nil {
			t.Fatal(i, err)
		}
	}
	if end := g.mod.Memory().Size(); end > 12<<20 {
		t.Fatalf("guest memory is %d KiB after 40k calls, want <= 12 MiB", end>>10)
	}
}

// benchExchange returns a request of about size bytes of user/system text
// that matches none of benchPhrases.
func benchExchange(size int) []byte {
	x := &abi.Exchange{Phase: abi.PhaseRequest, API: abi.APIOpenAIChat, RequestID: "req-0123456789",
		Route: "chat", Path: "/v1/chat/completions", Model: "gpt-4o"}
	x.Messages = append(x.Messages, abi.Message{Role: "system", Text: "You are a helpful assistant. Answer briefly."})
	para := "The quick brown fox jumps over the lazy dog while the committee reviews the quarterly numbers. "
	for turn := uint32(1); abi.ExchangeSize(x) < size; turn++ {
		n := size - abi.ExchangeSize(x) - 40
		text := strings.Repeat(para, n/len(para)+1)
		if n < 0 {
			n = 0
		}
		if n > 2000 {
			n = 2000
		}
		x.Messages = append(x.Messages, abi.Message{Turn: turn, Role: "user", Text: text[:n]})
	}
	return abi.AppendExchange(nil, x)
}

const benchPhrases = `["ignore previous instructions","reveal the system prompt","developer mode","jailbreak",` +
	`"do anything now","disregard all rules","pretend you are","without any restrictions","api key","password dump"]`

// BenchmarkWasmRequest is the whole host+guest call of the built guard:
// write the exchange into guest memory, ward_request, read the verdict.
// "scan" scans every message with 10 phrases; "skip" configures roles that
// no message has, so the guard does nothing: the SDK and host overhead;
// "deny" matches early in the first user message.
func BenchmarkWasmRequest(b *testing.B) {
	for _, size := range []int{1 << 10, 16 << 10} {
		in := benchExchange(size)
		for _, mode := range []struct{ name, config string }{
			{"scan", `{"phrases":` + benchPhrases + `}`},
			{"skip", `{"phrases":` + benchPhrases + `,"roles":["assistant"]}`},
			{"deny", `{"phrases":["lazy dog"]}`},
		} {
			b.Run(fmt.Sprintf("%s/%dKB", mode.name, size>>10), func(b *testing.B) {
				g := newWasmGuard(b)
				g.mustConfigure(b, mode.config)
				var v abi.Verdict
				b.SetBytes(int64(len(in)))
				b.ReportAllocs()
				b.ResetTimer()
				cpu := processCPU()
				for i := 0; i < b.N; i++ {
					out, err := g.call(g.request, in)
					if err != nil {
						b.Fatal(err)
					}
					if err := abi.DecodeVerdict(out, &v); err != nil || (v.Decision == abi.Deny) != (mode.name == "deny") {
						b.Fatalf("verdict %+v, %v", v, err)
					}
				}
				if cpu > 0 {
					b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
				}
			})
		}
	}
}

// BenchmarkFind is the matcher alone, natively, for comparison.
func BenchmarkFind(b *testing.B) {
	var phrases []string
	if err := json.Unmarshal([]byte(benchPhrases), &phrases); err != nil {
		b.Fatal(err)
	}
	m, _, err := newMatcher(phrases, false, false)
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat("The quick brown fox jumps over the lazy dog. ", 16<<10/45)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	cpu := processCPU()
	for i := 0; i < b.N; i++ {
		if _, ok := m.Find(text); ok {
			b.Fatal("match")
		}
	}
	if cpu > 0 {
		b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
	}
}
