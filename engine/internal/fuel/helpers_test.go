package fuel

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// buildDir holds guests built from testdata/goguest and testdata/cguest; it
// is created once per test binary and removed by TestMain.
var buildDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

type guestBuild struct {
	once sync.Once
	wasm []byte
	err  error
}

var goGuest, cGuest guestBuild

func (g *guestBuild) get(tb testing.TB, build func(dir string) (string, error)) []byte {
	tb.Helper()
	g.once.Do(func() {
		if buildDir == "" {
			if buildDir, g.err = os.MkdirTemp("", "fuel-guests-"); g.err != nil {
				return
			}
		}
		var path string
		if path, g.err = build(buildDir); g.err == nil {
			g.wasm, g.err = os.ReadFile(path)
		}
	})
	if errors.Is(g.err, exec.ErrNotFound) {
		tb.Skipf("guest toolchain not installed: %v", g.err)
	}
	if g.err != nil {
		tb.Fatalf("building guest: %v", g.err)
	}
	return g.wasm
}

// goGuestWasm returns testdata/goguest built as a wasip1 reactor (~3.6 MB).
func goGuestWasm(tb testing.TB) []byte {
	return goGuest.get(tb, func(dir string) (string, error) {
		goBin, err := exec.LookPath("go")
		if err != nil {
			return "", err
		}
		out := filepath.Join(dir, "goguest.wasm")
		cmd := exec.Command(goBin, "build", "-buildmode=c-shared", "-o", out, "./testdata/goguest")
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
		if b, err := cmd.CombinedOutput(); err != nil {
			return "", errors.New(string(b))
		}
		return out, nil
	})
}

// cGuestWasm returns testdata/cguest/hash.c built with clang and wasi-libc
// as a reactor; it skips the test when clang cannot target wasm32-wasi.
func cGuestWasm(tb testing.TB) []byte {
	return cGuest.get(tb, func(dir string) (string, error) {
		clang, err := exec.LookPath("clang")
		if err != nil {
			return "", err
		}
		out := filepath.Join(dir, "cguest.wasm")
		cmd := exec.Command(clang, "--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-mexec-model=reactor",
			"-Wl,--export=hash", "-Wl,--export=spin", "-o", out, "testdata/cguest/hash.c")
		if b, err := cmd.CombinedOutput(); err != nil {
			// A missing wasi-libc or wasm linker means "not installed here".
			return "", errors.Join(exec.ErrNotFound, errors.New(string(b)))
		}
		return out, nil
	})
}

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "fixtures", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// newRuntime returns a wazero runtime with WASI and an "env" module providing
// the global "base" = 40 that features.wasm imports; it is closed with tb.
func newRuntime(tb testing.TB, cfg wazero.RuntimeConfig) wazero.Runtime {
	tb.Helper()
	ctx := context.Background()
	if cfg == nil {
		cfg = wazero.NewRuntimeConfig()
	}
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	tb.Cleanup(func() { rt.Close(ctx) })
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	if _, err := rt.InstantiateWithConfig(ctx, envModule, wazero.NewModuleConfig().WithName("env")); err != nil {
		tb.Fatal(err)
	}
	return rt
}

// envModule exports (global "base" i32 40), hand-assembled.
var envModule = []byte{
	0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00,
	secGlobal, 0x06, 0x01, 0x7f, 0x00, 0x41, 40, 0x0b,
	secExport, 0x08, 0x01, 0x04, 'b', 'a', 's', 'e', 0x03, 0x00,
}

// instantiate compiles and instantiates wasm anonymously, running
// _initialize if the module exports it.
func instantiate(tb testing.TB, rt wazero.Runtime, wasm []byte) api.Module {
	tb.Helper()
	m, err := instantiateErr(rt, wasm)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func instantiateErr(rt wazero.Runtime, wasm []byte) (api.Module, error) {
	ctx := context.Background()
	cm, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		return nil, err
	}
	cfg := wazero.NewModuleConfig().WithName("")
	if _, ok := cm.ExportedFunctions()["_initialize"]; ok {
		cfg = cfg.WithStartFunctions("_initialize")
	}
	return rt.InstantiateModule(ctx, cm, cfg)
}

func fuelGlobal(tb testing.TB, m api.Module) api.MutableGlobal {
	tb.Helper()
	g, ok := m.ExportedGlobal(GlobalExport).(api.MutableGlobal)
	if !ok {
		tb.Fatalf("module does not export a mutable %q", GlobalExport)
	}
	return g
}

func mustInstrument(tb testing.TB, wasm []byte, initial int64) []byte {
	tb.Helper()
	out, err := Instrument(wasm, initial)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// fnv1a is the guests' hash, computed natively.
func fnv1a(rounds uint32) uint64 {
	var buf [1024]byte
	for i := range buf {
		buf[i] = byte(i*7 + 1)
	}
	h := uint64(14695981039346656037)
	for r := uint32(0); r < rounds; r++ {
		for _, c := range buf {
			h ^= uint64(c)
			h *= 1099511628211
		}
	}
	return h
}
