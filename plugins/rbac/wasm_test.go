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
	"sync"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"

	"github.com/wardgate/ward/sdk/abi"
)

// This file drives the guard built with GOOS=wasip1 through wazero with a
// minimal native-ABI harness: the golden cases must give the same verdicts
// inside WebAssembly as through ward.Instance.

var wasmBuild struct {
	once     sync.Once
	rt       wazero.Runtime
	compiled wazero.CompiledModule
	err      error
	skip     string
}

// compiledGuard builds this package for wasip1 once per test binary and
// compiles it with wazero.
func compiledGuard(tb testing.TB) (wazero.Runtime, wazero.CompiledModule) {
	tb.Helper()
	b := &wasmBuild
	b.once.Do(func() {
		goCmd, err := exec.LookPath("go")
		if err != nil {
			b.skip = "go command not found: " + err.Error()
			return
		}
		dir, err := os.MkdirTemp("", "rbac-wasm")
		if err != nil {
			b.err = err
			return
		}
		defer os.RemoveAll(dir)
		out := filepath.Join(dir, "rbac.wasm")
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
	stack                               [2]uint64
	buf, bufCap                         uint32
}

// newWasmGuard instantiates the guard with a real monotonic clock and, when
// wall is non-zero, a wall clock fixed at wall (what granting "clock" gives
// a guard, frozen for the test). Otherwise the guest sees wazero's fake
// wall clock.
func newWasmGuard(tb testing.TB, wall time.Time) *wasmGuard {
	tb.Helper()
	rt, compiled := compiledGuard(tb)
	cfg := wazero.NewModuleConfig().WithSysNanotime().WithName("").WithStartFunctions("_initialize")
	if !wall.IsZero() {
		cfg = cfg.WithWalltime(func() (int64, int32) {
			return wall.Unix(), int32(wall.Nanosecond())
		}, sys.ClockResolution(time.Microsecond))
	}
	ctx := context.Background()
	mod, err := rt.InstantiateModule(ctx, compiled, cfg)
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

// call writes in to the guest's ward_alloc buffer, calls fn and returns a
// view of its output in guest memory, valid until the next call.
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

func TestWasmDescribe(t *testing.T) {
	g := newWasmGuard(t, time.Time{})
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

// TestWasmGolden runs testdata/cases.json through the real module.
func TestWasmGolden(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			var wall time.Time
			if c.Now != "" {
				var err error
				if wall, err = time.Parse(time.RFC3339, c.Now); err != nil {
					t.Fatal(err)
				}
			}
			g := newWasmGuard(t, wall)
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
		})
	}
}

// TestWasmFakeClock documents why time windows need the "clock" grant:
// without it the guest's wall clock is wazero's fake one (2022-01-01, a
// Saturday, 00:00 UTC), so a weekday window denies.
func TestWasmFakeClock(t *testing.T) {
	g := newWasmGuard(t, time.Time{})
	if out, err := g.call(g.configure, []byte(`{"roles":[{"name":"w","weekdays":["mon","tue","wed","thu","fri"]}]}`)); err != nil || out != nil {
		t.Fatalf("ward_configure = %s, %v", out, err)
	}
	x := &abi.Exchange{Phase: abi.PhaseRequest, Annotations: []abi.KV{{Key: "identity.roles", Value: "w"}}}
	out, err := g.call(g.request, abi.AppendExchange(nil, x))
	if err != nil {
		t.Fatal(err)
	}
	var v abi.Verdict
	if err := abi.DecodeVerdict(out, &v); err != nil {
		t.Fatal(err)
	}
	if want := []string{"w: weekday sat not allowed"}; v.Decision != abi.Deny || !reflect.DeepEqual(v.Reasons, want) {
		t.Fatalf("verdict %+v, want deny %q", v, want)
	}
}

// BenchmarkWasmRequest is the whole host+guest call of an allowed request
// whose subject has three roles, the first two failing.
func BenchmarkWasmRequest(b *testing.B) {
	g := newWasmGuard(b, time.Time{})
	if out, err := g.call(g.configure, []byte(testConfig)); err != nil || out != nil {
		b.Fatalf("ward_configure = %s, %v", out, err)
	}
	in := abi.AppendExchange(nil, request("tokens_req,notools,ips", func(x *abi.Exchange) {
		x.Tools = []abi.Tool{{Name: "search"}}
	}))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	var v abi.Verdict
	for i := 0; i < b.N; i++ {
		out, err := g.call(g.request, in)
		if err != nil {
			b.Fatal(err)
		}
		if err := abi.DecodeVerdict(out, &v); err != nil || v.Decision != abi.Allow || v.Annotations[0].Value != "ips" {
			b.Fatalf("verdict %+v, %v", v, err)
		}
	}
}
